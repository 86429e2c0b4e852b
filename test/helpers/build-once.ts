/**
 * What a test run builds once and every test process shares (PGlite templates, the built
 * UI), in the runner's shared folder `ATHANOR_TEST_SHARED` (see test/run-tests.mjs).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildUi } from '../../core/http/ui-assets.ts';
import { processAlive } from '../../core/supervisor/run-recovery.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Builds `dir` once: by this process, or by whichever test process got there first (the
 * runner gives every process one shared folder, `ATHANOR_TEST_SHARED`). The builder holds a
 * lock (`dir.building`, with its pid) while it works in a folder of its own and renames it
 * into place, so no process ever sees a half-built folder; the others wait for it rather than
 * build the same again (two builds at once cost each twice the time on two cores). A lock
 * whose builder died is taken over.
 */
export async function buildOnce(dir: string, build: (into: string) => Promise<void>): Promise<string> {
  const lock = `${dir}.building`;
  for (;;) {
    if (existsSync(dir)) return dir;
    const locked = await mkdir(lock).then(() => true, (error: NodeJS.ErrnoException) => (error.code === 'EEXIST' ? false : Promise.reject(error)));
    if (locked) break;
    const holder = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => ''));
    if (holder && !processAlive(holder)) await rm(lock, { recursive: true, force: true });
    else await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const into = `${dir}.${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(join(lock, 'pid'), String(process.pid));
    if (!existsSync(dir)) {
      await build(into);
      await rename(into, dir);
    }
  } finally {
    await rm(into, { recursive: true, force: true });
    await rm(lock, { recursive: true, force: true });
  }
  return dir;
}


/**
 * The folder of the UI built as `npm run build` does (buildUi), once per `npm test` into the
 * runner's shared folder (without the runner, once per process into test-output/), from the
 * source as it is now: a build left from an earlier run would test old code.
 */
let builtUi: Promise<string> | undefined;
export function sharedBuiltUiDir(): Promise<string> {
  builtUi ??= (async () => {
    const shared = process.env.ATHANOR_TEST_SHARED;
    if (shared) return buildOnce(join(shared, 'built-ui'), (into) => buildUi(into, 'error'));
    const dir = join(ROOT, 'test-output', 'built-ui');
    await mkdir(dir, { recursive: true });
    await buildUi(dir, 'error');
    return dir;
  })();
  return builtUi;
}
