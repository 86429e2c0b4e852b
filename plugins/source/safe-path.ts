/**
 * Paths the source API may touch: relative, inside the experiments folder, and staying
 * there through symlinks. Every check names the value and the rule it breaks.
 */
import { lstat, mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { isIgnoredPath, isModulePath, MODULE_EXTENSIONS } from '../discovery/experiment-files.ts';
import { SourceAccessError } from './source-access-error.ts';

/**
 * Checks a module path given by a client and returns it normalised (forward slashes).
 * Refuses non-strings, NUL bytes, absolute paths, `..`, names the file system cannot take
 * (a segment over 255 bytes, a path over 1,024), skipped folders and non-module names.
 */
export function checkModulePath(input: unknown): string {
  if (typeof input !== 'string' || input.trim() === '') {
    const message = `file name ${JSON.stringify(input)} is not a path: give a non-empty relative path such as "my_experiment.ts"`;
    throw new SourceAccessError('ERR_BAD_PATH', message);
  }
  // A name is echoed in errors: a long one is cut, so an error never carries megabytes.
  const shown = JSON.stringify(input.length > 120 ? `${input.slice(0, 120)}…` : input);
  if (input.includes('\0')) throw new SourceAccessError('ERR_BAD_PATH', `file name ${shown} contains a NUL byte`);
  if (path.isAbsolute(input) || path.win32.isAbsolute(input)) {
    throw new SourceAccessError('ERR_BAD_PATH', `file name ${shown} is absolute: give a path relative to the experiments folder`);
  }
  const segments = input.split(/[\\/]/).filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) {
    throw new SourceAccessError('ERR_BAD_PATH', `file name ${shown} contains "..": paths must stay inside the experiments folder`);
  }
  const relative = segments.join('/');
  checkPathLength(relative, shown);
  if (isIgnoredPath(relative)) {
    throw new SourceAccessError('ERR_BAD_PATH', `file name ${shown} lies in node_modules or a dot-folder, which are not scanned for experiments`);
  }
  if (!isModulePath(relative)) {
    throw new SourceAccessError(
      'ERR_BAD_PATH',
      `file name ${shown} is not an experiment module: it must end in ${MODULE_EXTENSIONS.join(', ')} (not .d.ts, .test.* or .spec.*)`,
    );
  }
  return relative;
}

/** Most file systems take names of at most 255 bytes; a path of 1,024 stays far from PATH_MAX. */
const MAX_NAME_BYTES = 255;
const MAX_PATH_BYTES = 1024;

function checkPathLength(relative: string, shown: string): void {
  const total = Buffer.byteLength(relative);
  if (total > MAX_PATH_BYTES) {
    throw new SourceAccessError('ERR_BAD_PATH', `file name ${shown} is ${total} bytes long: a path may have at most ${MAX_PATH_BYTES}`);
  }
  for (const segment of relative.split('/')) {
    const bytes = Buffer.byteLength(segment);
    if (bytes > MAX_NAME_BYTES) {
      throw new SourceAccessError('ERR_BAD_PATH', `file name ${shown} has a segment of ${bytes} bytes: a file name may have at most ${MAX_NAME_BYTES}`);
    }
  }
}

/**
 * The absolute path of `relative` under `root`, refusing a path whose real location
 * (symlinks followed) is outside the folder. For a file that does not exist yet, the
 * nearest existing parent is checked, and missing folders are created when `createFolders`.
 */
export async function resolveInside(root: string, relative: string, options: { createFolders?: boolean } = {}): Promise<string> {
  const realRoot = await realpath(root);
  const target = path.join(root, relative);
  let existing = target;
  while (!(await exists(existing))) existing = path.dirname(existing);
  const real = await realpath(existing).catch(() => {
    throw new SourceAccessError('ERR_BAD_PATH', `file name ${JSON.stringify(relative)} is a symlink to nothing`);
  });
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
    throw new SourceAccessError('ERR_BAD_PATH', `file name ${JSON.stringify(relative)} leads outside the experiments folder (through a symlink)`);
  }
  if (existing === target) {
    if ((await lstat(real)).isDirectory()) throw new SourceAccessError('ERR_BAD_PATH', `file name ${JSON.stringify(relative)} is a folder`);
    return real; // write through a symlink that stays inside: replace its target, not the link
  }
  if (options.createFolders) await mkdir(path.dirname(target), { recursive: true });
  return target;
}

async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch {
    return false;
  }
}
