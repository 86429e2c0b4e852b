/** Where athanor keeps what it may rebuild: `$ATHANOR_CACHE_DIR`, else `$XDG_CACHE_HOME/athanor`, else `~/.cache/athanor`. */
import { homedir } from 'node:os';
import path from 'node:path';

/** The user's cache folder for athanor. */
export function athanorCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['ATHANOR_CACHE_DIR']) return path.resolve(env['ATHANOR_CACHE_DIR']);
  return path.join(env['XDG_CACHE_HOME'] ? path.resolve(env['XDG_CACHE_HOME']) : path.join(homedir(), '.cache'), 'athanor');
}
