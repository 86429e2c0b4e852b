/**
 * A new PGlite folder starts as a copy of a template rather than from `initdb`: creating a
 * Postgres cluster in WASM takes seconds (~2.5 s on a quiet 2-core machine, far more on a
 * busy one), unpacking a ready one a fraction of that. The first new folder on a machine
 * pays `initdb` and the migrations once, then is dumped (PGlite's `dumpDataDir`) as the
 * template; every later new folder loads it (`loadDataDir`) and migrates what is newer.
 *
 * Design notes:
 * - The template is per PGlite version (its data format) and per set of migrations it
 *   holds, in the user's cache folder: `$ATHANOR_CACHE_DIR`, else
 *   `$XDG_CACHE_HOME/athanor`, else `~/.cache/athanor`. The published package ships one
 *   (dist/, built at prepack), so even the first folder on a new machine skips initdb.
 * - It is dumped right after the migrations, before the folder is handed to anyone: it
 *   holds the schema and nothing else. The folder's lock file (which may hold a workbench's
 *   token) is taken out of the archive.
 * - Written to a temporary file and renamed, so a reader never sees half of one; anything
 *   that fails here only means the next new folder runs `initdb` again.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { gunzipSync, gzipSync } from 'node:zlib';
import { migrations } from '../migrations/index.ts';
import { athanorCacheDir } from '../cache-dir.ts';
import { LOCK_FILE_NAME } from './pglite-lock.ts';

/** The installed PGlite's version: a template is only read by the version that wrote it. */
function pgliteVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    const manifest = path.join(path.dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The template file for this PGlite and these migrations. */
export function pgliteTemplateFile(cacheDir = athanorCacheDir()): string {
  const schema = createHash('sha256').update(Object.keys(migrations).join('\n')).digest('hex').slice(0, 16);
  return path.join(cacheDir, `pglite-${pgliteVersion()}-${schema}.tar.gz`);
}

/** Where the package ships the template for this PGlite and these migrations: dist/ (`npm run build` makes it). */
export function shippedPgliteTemplateFile(): string {
  return fileURLToPath(new URL(`../../dist/${path.basename(pgliteTemplateFile())}`, import.meta.url));
}

/**
 * The template: the one kept in the cache folder, else the one the package ships, so the
 * first new folder on a machine skips initdb too. A checkout (running its TypeScript
 * sources) reads the cache's only, whatever a build left in dist/.
 */
export async function readPgliteTemplate(file = pgliteTemplateFile(), shipped = import.meta.url.endsWith('.ts') ? undefined : shippedPgliteTemplateFile()): Promise<Blob | undefined> {
  const data = (await readFile(file).catch(() => undefined)) ?? (shipped === undefined ? undefined : await readFile(shipped).catch(() => undefined));
  return data ? new Blob([data]) : undefined;
}

/** Keeps `dump` (a gzipped tar of a new, migrated folder) as the template, without the folder's lock file. Never rejects. */
export async function savePgliteTemplate(dump: Blob, file = pgliteTemplateFile()): Promise<void> {
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const tar = withoutEntries(gunzipSync(Buffer.from(await dump.arrayBuffer())), (name) => path.posix.basename(name).startsWith(LOCK_FILE_NAME));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(temporary, gzipSync(tar, { level: 1 }));
    await rename(temporary, file);
  } catch {
    await rm(temporary, { force: true }).catch(() => {});
  }
}

/** A tar archive without the entries whose name `drop` picks (ustar headers: name at 0, size at 124, prefix at 345). */
export function withoutEntries(tar: Buffer, drop: (name: string) => boolean): Buffer {
  const kept: Buffer[] = [];
  const text = (from: number, to: number, at: number) => tar.subarray(at + from, at + to).toString('utf8').replace(/\0[\s\S]*$/, '');
  let at = 0;
  while (at + 512 <= tar.length) {
    const header = tar.subarray(at, at + 512);
    if (header.every((byte) => byte === 0)) break;
    const size = parseInt(text(124, 136, at).trim() || '0', 8);
    const end = at + 512 + Math.ceil(size / 512) * 512;
    const prefix = text(345, 500, at);
    const name = prefix ? `${prefix}/${text(0, 100, at)}` : text(0, 100, at);
    if (!drop(name)) kept.push(tar.subarray(at, end));
    at = end;
  }
  kept.push(Buffer.alloc(1024)); // the end-of-archive marker
  return Buffer.concat(kept);
}
