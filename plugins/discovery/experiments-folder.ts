/**
 * The experiments folder a command is given, checked before anything else is opened or
 * started: one that does not exist, is a file or cannot be read is refused naming it and
 * what to pass instead. Light on purpose (Node's fs only): `athanor run` checks before its
 * run's host starts, and a run handed to `athanor dev` is refused here, in these words,
 * rather than by the workbench as a folder other than its own.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { SourceAccessError } from '../source/source-access-error.ts';
import { TooManyFoldersError } from './experiment-files.ts';

/** What a failure to read the experiments folder `root` means to the user, or `error` as it is. */
export function folderError(root: string, error: unknown): unknown {
  const code = (error as { code?: unknown })?.code;
  if (code === 'EACCES' || code === 'EPERM') {
    return new SourceAccessError(
      'ERR_BAD_PATH',
      `the experiments folder ${root} cannot be read (permission denied): give read access to it, or pass --experiments DIR naming a folder you can read`,
      { cause: error },
    );
  }
  if (error instanceof TooManyFoldersError) {
    return new SourceAccessError(
      'ERR_TOO_LARGE',
      `the experiments folder ${root} holds more than ${error.limit.toLocaleString('en')} folders (node_modules and dot-folders aside): ` +
        'is it the right folder? Pass --experiments DIR naming the folder of your experiments',
      { cause: error },
    );
  }
  return error;
}

/** Refuses an experiments folder that does not exist, is a file or cannot be read. */
export async function checkExperimentsFolder(dir: string): Promise<void> {
  const root = path.resolve(dir);
  const info = await stat(root).catch(() => undefined);
  if (!info) throw new SourceAccessError('ERR_NOT_FOUND', `the experiments folder ${root} does not exist: create it or pass --experiments DIR`);
  if (!info.isDirectory()) {
    throw new SourceAccessError('ERR_NOT_FOUND', `the experiments folder ${root} is a file, not a folder: pass the folder that holds it, --experiments ${path.dirname(root)}`);
  }
  await access(root, constants.R_OK | constants.X_OK).catch((error: unknown) => {
    throw folderError(root, error);
  });
}
