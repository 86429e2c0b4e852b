/**
 * `mkdir -p` that fails where it cannot create a folder. Node's own (`mkdir(dir, { recursive:
 * true })`, seen on Node 20.20) spins forever at full CPU on a path whose parent exists but
 * refuses children with ENOENT (`/proc/x`): `athanor dev --db pglite:/proc/x` hung silently
 * for minutes. Here each missing folder is made in turn, from the first that exists, and the
 * first refusal is thrown.
 */
import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** Creates `dir` and its missing parents; throws the error of the first that cannot be made. */
export async function makeFolders(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let at = path.resolve(dir); !existsSync(at); at = path.dirname(at)) {
    missing.push(at);
    if (path.dirname(at) === at) break;
  }
  // A file where the folder should be: mkdir's own EEXIST, as `mkdir -p` gives.
  if (missing.length === 0 && !(await stat(dir)).isDirectory()) await mkdir(dir);
  for (const folder of missing.reverse()) {
    try {
      await mkdir(folder);
    } catch (error) {
      // Made meanwhile by another process: as good.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
