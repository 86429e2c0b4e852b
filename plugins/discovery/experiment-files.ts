/**
 * Which files in the experiments folder are experiment modules, and finding them.
 *
 * A module is a `.ts`, `.mts`, `.js` or `.mjs` file anywhere under the folder, except in
 * `node_modules`, in a folder or file whose name starts with a dot (editor temp and lock
 * files such as `.#x.ts`), test files (`*.test.*`, `*.spec.*`) and declarations (`*.d.ts`).
 */
import { opendir } from 'node:fs/promises';
import path from 'node:path';

/** File extensions of experiment modules. */
export const MODULE_EXTENSIONS: readonly string[] = ['.ts', '.mts', '.js', '.mjs'];

/** True when a path (relative to the folder, any separator) lies in a skipped folder or names a skipped file. */
export function isIgnoredPath(relativePath: string): boolean {
  const segments = relativePath.split(/[\\/]/).filter((s) => s !== '' && s !== '.');
  return segments.some((segment) => segment === 'node_modules' || segment.startsWith('.'));
}

/** True when a relative path names an experiment module (right extension, not skipped). */
export function isModulePath(relativePath: string): boolean {
  if (isIgnoredPath(relativePath)) return false;
  const base = path.basename(relativePath);
  if (!MODULE_EXTENSIONS.includes(path.extname(base))) return false;
  if (/\.d\.m?ts$/.test(base)) return false;
  return !/\.(test|spec)\./.test(base);
}

/**
 * A cheap text check run before loading: can this module export `experiment` or `run`?
 * An ES module only exports names it spells out, except through `export *` and a default
 * export (whose object may be built elsewhere); CommonJS goes through `exports`. Modules
 * that fail it are helpers, never imported by the loader.
 */
export function mayExportExperiment(source: string): boolean {
  return /\bexport\s*\*|\bdefault\b|\bexports\b|\bexperiment\b|\brun\b/.test(source);
}

const DECLARES_EXPORT =
  /\bexport\s+(?:default\s+)?(?:async\s+)?(?:function\s*\*?\s*|const\s+|let\s+|var\s+|\{[^}]*?)?(?:experiment|run)\b|\bexports\.(?:experiment|run)\b/;

/**
 * Whether a module that failed to load, and never loaded before, is worth listing: it
 * declares an `experiment` or `run` export (so it is an experiment being written, not a helper).
 */
export function readsLikeExperiment(source: string): boolean {
  return DECLARES_EXPORT.test(source);
}

/** Options of {@link scanModuleFiles}. */
export interface ScanOptions {
  signal?: AbortSignal;
  /**
   * Folders (node_modules and dot-folders aside) past which the scan stops with a
   * {@link TooManyFoldersError}: an experiments folder of that size is a mistake such as
   * `--experiments /`, whose scan (and watch) would walk the whole machine.
   */
  maxFolders?: number;
}

/** The scan met more folders than its `maxFolders`. */
export class TooManyFoldersError extends Error {
  override readonly name = 'TooManyFoldersError';
  readonly limit: number;

  constructor(root: string, limit: number) {
    super(`${root} holds more than ${limit} folders`);
    this.limit = limit;
  }
}

/**
 * Every module under `root` (absolute paths), found with async directory reads so a large
 * folder never blocks the event loop for long. Symlinked folders are not followed (no
 * loops); symlinked files are listed. A subfolder that cannot be read (no permission,
 * removed while scanning) is skipped; `root` itself failing throws its error.
 */
export async function scanModuleFiles(root: string, options: ScanOptions = {}): Promise<string[]> {
  const found: string[] = [];
  const pending = [root];
  const maxFolders = options.maxFolders ?? Infinity;
  let folders = 0;
  while (pending.length > 0) {
    options.signal?.throwIfAborted();
    const dir = pending.pop()!;
    try {
      // A listing can fail after the folder opened (/proc/<pid>/fd of another user's process).
      for await (const entry of await opendir(dir, { bufferSize: 256 })) {
        const full = path.join(dir, entry.name);
        const relative = path.relative(root, full);
        if (entry.isDirectory()) {
          if (isIgnoredPath(relative)) continue;
          if (++folders > maxFolders) throw new TooManyFoldersError(root, maxFolders);
          pending.push(full);
        } else if ((entry.isFile() || entry.isSymbolicLink()) && isModulePath(relative)) {
          found.push(full);
        }
      }
    } catch (error) {
      if (dir === root || error instanceof TooManyFoldersError) throw error;
    }
  }
  return found.sort();
}

/** `sub\\dir\\x.ts` → `sub/dir/x.ts`: how files are named in entries and errors. */
export function toPosix(relativePath: string): string {
  return relativePath.split(path.sep).join('/');
}
