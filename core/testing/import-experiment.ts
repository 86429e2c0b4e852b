/**
 * Imports an experiment file in this process. A test under `node --import tsx` (or any
 * loader) already imports TypeScript; a plain `node --test` of a `.js` test does not, so
 * tsx is registered the first time a file needs it.
 */
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts', '.tsx']);
let tsx: Promise<void> | undefined;

/** Whether this process can already import TypeScript (a loader such as tsx is registered): a one-line file tells. */
async function importsTypeScript(): Promise<boolean> {
  const probe = join(tmpdir(), `athanor-typescript-probe-${process.pid}-${Date.now()}.ts`);
  await writeFile(probe, 'export const ok: number = 1;\n');
  try {
    await import(pathToFileURL(probe).href);
    return true;
  } catch {
    return false;
  } finally {
    await rm(probe, { force: true });
  }
}

export async function importExperimentFile(file: string): Promise<Record<string, unknown>> {
  if (TYPESCRIPT.has(extname(file))) {
    tsx ??= importsTypeScript().then(async (ready) => {
      if (!ready) (await import('tsx/esm/api')).register();
    });
    await tsx;
  }
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}
