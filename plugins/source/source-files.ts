/**
 * Reading and writing experiment sources on disk: size-limited reads, atomic writes
 * (a temp file in the same folder, renamed over the target, so the watcher and the loader
 * never see half a file) and exclusive creation (never overwrites).
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SourceAccessError } from './source-access-error.ts';

/** 1 MiB: the default limit on a source file. */
export const DEFAULT_MAX_SOURCE_BYTES = 1024 * 1024;

/** Throws `ERR_TOO_LARGE` (or `ERR_BAD_PATH` for a non-string) before anything is written. */
export function checkSource(source: unknown, file: string, maxBytes: number): asserts source is string {
  if (typeof source !== 'string') {
    throw new SourceAccessError('ERR_BAD_PATH', `the source of ${file} must be a string, got ${typeof source}`);
  }
  const size = Buffer.byteLength(source, 'utf8');
  if (size > maxBytes) {
    throw new SourceAccessError('ERR_TOO_LARGE', `the source of ${file} is ${size} bytes, above the limit of ${maxBytes} bytes`);
  }
}

/** Reads a source file, refusing one above `maxBytes`. */
export async function readSourceFile(file: string, shown: string, maxBytes: number): Promise<string> {
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    throw new SourceAccessError('ERR_NOT_FOUND', `${shown} no longer exists (${error.code})`);
  });
  if (info.size > maxBytes) {
    throw new SourceAccessError('ERR_TOO_LARGE', `${shown} is ${info.size} bytes, above the limit of ${maxBytes} bytes`);
  }
  return readFile(file, 'utf8');
}

/** Replaces `file` atomically with `source`, keeping its permissions. */
export async function writeSourceAtomic(file: string, source: string): Promise<void> {
  const mode = await stat(file).then((info) => info.mode & 0o777, () => undefined);
  const temp = tempPath(file);
  try {
    await writeFile(temp, source, { flag: 'wx' });
    if (mode !== undefined) await chmod(temp, mode);
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
}

/** Creates `file` with `source`, atomically, failing with `ERR_EXISTS` if it exists. */
export async function createSourceFile(file: string, source: string, shown: string): Promise<void> {
  const temp = tempPath(file);
  try {
    await writeFile(temp, source, { flag: 'wx' });
    await link(temp, file); // unlike rename, link refuses an existing target
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new SourceAccessError('ERR_EXISTS', `${shown} already exists: choose another file name`);
    }
    throw error;
  } finally {
    await unlink(temp).catch(() => {});
  }
}

/**
 * A dot-file beside the target: same file system (rename is atomic), and ignored by
 * discovery. Its name does not grow with the target's, so any name a file system takes
 * (up to 255 bytes) can be saved.
 */
function tempPath(file: string): string {
  return path.join(path.dirname(file), `.athanor-${randomBytes(6).toString('hex')}.tmp`);
}
