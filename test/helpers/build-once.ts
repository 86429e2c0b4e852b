/**
 * What a test run builds once and every test process shares (PGlite templates, the built
 * UI), in the runner's shared folder `ATHANOR_TEST_SHARED` (see test/run-tests.mjs).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';

/**
 * Builds `dir` once: by this process, or by whichever test process got there first (the
 * runner gives every process one shared folder, `ATHANOR_TEST_SHARED`). Each builder works
 * in a folder of its own and renames it into place; a loser's rename fails on the winner's
 * folder and its copy is dropped, so no process ever sees a half-built template.
 */
export async function buildOnce(dir: string, build: (into: string) => Promise<void>): Promise<string> {
  if (existsSync(dir)) return dir;
  const into = `${dir}.${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await build(into);
    await rename(into, dir).catch((error: NodeJS.ErrnoException) => {
      if (!existsSync(dir)) throw error; // not a lost race
    });
  } finally {
    await rm(into, { recursive: true, force: true });
  }
  return dir;
}

