/**
 * Kept code on disk, to run it again: a snapshot is written once into
 * `<experiments>/.athanor/snapshots/<hash>/` (a dot-folder, so discovery and the watcher
 * skip it, and inside the experiments folder, so its imports of packages resolve from the
 * same node_modules as the original files).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CodeSnapshot } from '../../core/records.ts';

/** The cache folder of an experiments folder. */
export function snapshotCacheDir(experimentsDir: string): string {
  return path.join(experimentsDir, '.athanor', 'snapshots');
}

/**
 * Writes `snapshot` under `cacheDir` unless it is there, and returns the absolute path of
 * its experiment module. Files outside the experiments folder (`../lib/x.ts`) keep their
 * place relative to it: the folder is nested as deep as the deepest `../` needs.
 */
export async function materializeSnapshot(snapshot: CodeSnapshot, cacheDir: string): Promise<string> {
  if (snapshot.note) throw new Error(`code ${snapshot.hash} cannot run again: ${snapshot.note}`);
  const depth = Math.max(0, ...snapshot.files.map((file) => file.path.split('/').findIndex((segment) => segment !== '..')));
  const inside = (base: string) => path.join(base, ...Array.from({ length: depth }, () => '_'));
  const folder = path.join(cacheDir, snapshot.hash);
  const entry = path.join(inside(folder), snapshot.entry);
  if (await exists(folder)) return entry;
  await mkdir(cacheDir, { recursive: true });
  await writeFile(path.join(cacheDir, '..', '.gitignore'), '*\n'); // never committed by accident
  const staging = path.join(cacheDir, `.${snapshot.hash}.${randomUUID()}`);
  try {
    for (const file of snapshot.files) {
      const target = path.join(inside(staging), file.path);
      if (!target.startsWith(staging + path.sep)) throw new Error(`code ${snapshot.hash}: ${file.path} is outside its snapshot`);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, file.source ?? '');
    }
    await rename(staging, folder).catch(async (error) => {
      if (!(await exists(folder))) throw error; // another run wrote it first: theirs is the same
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return entry;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(() => true, () => false);
}
