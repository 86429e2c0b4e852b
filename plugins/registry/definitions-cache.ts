/**
 * What loading each module found, kept on disk between commands, so an unchanged folder is
 * listed (and an unchanged experiment is checked before its run) without starting a loader
 * process: `<experiments>/.athanor/definitions.json`.
 *
 * Design notes:
 * - An entry is keyed by the module's path and its code hash: sha256 over the module and
 *   every local module it imports, transitively (module-graph.ts). An edit of the module or
 *   of any helper it imports, or a file appearing where an import pointed, changes the hash;
 *   the entry is then stale and the module is loaded as before.
 * - What the hash cannot see is in the cache's salt: athanor's version, the cache format,
 *   Node's version and the stamp of the project's installed packages
 *   (`node_modules/.package-lock.json`, which npm rewrites on every install), so an upgrade
 *   of a package an experiment imports reloads everything once.
 * - Only results that the same code gives again are kept: definitions, helpers, and the
 *   deterministic errors (syntax, a missing export, an invalid definition, a throwing
 *   `experiment()`). A timeout, a crash or an import not found is retried every time.
 * - The cache is an optimisation: a file that cannot be read or written is ignored, and a
 *   write goes to a temporary file renamed into place, so two commands never leave half a file.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LoadResult } from '../loader/loader-protocol.ts';
import { DETERMINISTIC_ERRORS } from './apply-load-result.ts';

/** Bumped when the file's shape or what a result means changes. */
const CACHE_FORMAT = 2; // 2: definitions carry `retries`
const ATHANOR_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

interface CachedEntry {
  codeHash: string;
  result: LoadResult;
}

interface CacheFile {
  salt: string;
  /** Keyed by the module's path relative to the experiments folder. */
  files: Record<string, CachedEntry>;
}

/** The definitions cache of one experiments folder. */
export interface DefinitionsCache {
  /** The result kept for `file` (absolute) at `codeHash`, or undefined (never kept, or kept for other code). */
  lookup(file: string, codeHash: string | null): LoadResult | undefined;
  /** What `file` last loaded as, whatever its code was then (a hint of which file holds an experiment). */
  previous(file: string): LoadResult | undefined;
  /** Keeps the result of loading `file` at `codeHash`, if the same code would give it again. */
  store(file: string, codeHash: string | null, result: LoadResult): void;
  /** Forgets the files not in `present` (deleted or renamed away). */
  retain(present: Iterable<string>): void;
  /** True when the cache had nothing usable when it was opened (no file, another salt). */
  readonly empty: boolean;
  /** Writes the cache back if it changed. Never rejects. */
  save(): Promise<void>;
}

/** The cache file of an experiments folder (beside the code snapshots, in a dot-folder discovery skips). */
export function definitionsCacheFile(experimentsDir: string): string {
  return path.join(experimentsDir, '.athanor', 'definitions.json');
}

/** Whether a load result may be kept: the same code gives it again. */
export function isCacheable(result: LoadResult): boolean {
  return result.kind !== 'error' || DETERMINISTIC_ERRORS.has(result.error.code);
}

/** Opens the cache of `experimentsDir` (absolute); an unreadable or foreign file is an empty cache. */
export async function openDefinitionsCache(experimentsDir: string): Promise<DefinitionsCache> {
  const file = definitionsCacheFile(experimentsDir);
  const [text, salt] = await Promise.all([readFile(file, 'utf8').catch(() => undefined), cacheSalt(experimentsDir)]);
  let files: Record<string, CachedEntry> = {};
  try {
    const parsed = text === undefined ? undefined : (JSON.parse(text) as CacheFile);
    if (parsed?.salt === salt && parsed.files && typeof parsed.files === 'object') files = parsed.files;
  } catch {
    // a damaged file is an empty cache; the next save replaces it
  }
  const empty = Object.keys(files).length === 0;
  let changed = false;
  const key = (absolute: string) => path.relative(experimentsDir, absolute).split(path.sep).join('/');
  return {
    empty,
    lookup(absolute, codeHash) {
      const entry = files[key(absolute)];
      return codeHash !== null && entry?.codeHash === codeHash ? entry.result : undefined;
    },
    previous: (absolute) => files[key(absolute)]?.result,
    store(absolute, codeHash, result) {
      const rel = key(absolute);
      if (codeHash === null || !isCacheable(result)) {
        if (rel in files) {
          delete files[rel];
          changed = true;
        }
        return;
      }
      if (files[rel]?.codeHash === codeHash && JSON.stringify(files[rel].result) === JSON.stringify(result)) return;
      files[rel] = { codeHash, result };
      changed = true;
    },
    retain(present) {
      const keep = new Set([...present].map(key));
      for (const rel of Object.keys(files)) {
        if (keep.has(rel)) continue;
        delete files[rel];
        changed = true;
      }
    },
    async save() {
      if (!changed) return;
      changed = false;
      const temporary = `${file}.${randomBytes(6).toString('hex')}`;
      try {
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(path.join(path.dirname(file), '.gitignore'), '*\n'); // never committed by accident
        await writeFile(temporary, JSON.stringify({ salt, files } satisfies CacheFile));
        await rename(temporary, file);
      } catch {
        await rm(temporary, { force: true }).catch(() => {});
      }
    },
  };
}

/** What invalidates every entry at once: athanor, the format, Node, the installed packages. */
async function cacheSalt(experimentsDir: string): Promise<string> {
  const stamp = await installedPackagesStamp(experimentsDir);
  return `${CACHE_FORMAT}|${ATHANOR_VERSION}|${process.version}|${stamp}`;
}

/** Size and time of the nearest `node_modules/.package-lock.json` above the folder (npm rewrites it on install). */
async function installedPackagesStamp(from: string): Promise<string> {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const info = await stat(path.join(dir, 'node_modules', '.package-lock.json')).catch(() => undefined);
    if (info) return `${dir}:${info.size}:${info.mtimeMs}`;
    if (path.dirname(dir) === dir) return 'none';
  }
}
