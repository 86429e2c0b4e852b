/**
 * The `pglite` backend: Postgres compiled to WebAssembly, in-process, persisted in a
 * folder (the default, so `npx athanor dev` needs no server).
 *
 * The folder is held with a lock file (pglite-lock.ts) from before PGlite opens it until
 * after it is closed: `db.destroy()` closes PGlite and then releases the lock.
 *
 * Returned rows: `jsonb` parsed, `timestamptz` as Date, int8 (`count(*)`) as number
 * (a BigInt beyond 2^53, PGlite's own rule), numeric as number (as on the other backends).
 * Opening a new folder runs initdb (~2.5 s or more) the first time on a machine, and then
 * starts from a template of a new, migrated folder (pglite-template.ts; ~4× quicker);
 * reopening takes ~150–400 ms.
 * Batched inserts are `COPY … FROM '/dev/blob'` (copy-rows.ts).
 */
import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql, type Driver } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { copyQuery } from '../copy-rows.ts';
import { makeFolders } from '../make-folders.ts';
import type { DatabaseSchema } from '../database-schema.ts';
import { acquireDirectoryLock, LOCK_FILE_NAME, type DirectoryLock } from './pglite-lock.ts';
import { pgliteTemplateFile, readPgliteTemplate, savePgliteTemplate } from './pglite-template.ts';

const NUMERIC_OID = 1700;

/** Options of {@link createPgliteBackend}. */
export interface PgliteBackendOptions {
  /** How the folder is named in messages (default `pglite:DIR`). */
  spec?: string;
  /**
   * Brings a new folder to its starting state (the migrations). Given, a new folder starts
   * from the template of one (kept after the first), and the first is kept as the template
   * once this has run. It may throw: the folder is then returned as it is, and no template kept.
   */
  initialize?(db: Kysely<DatabaseSchema>): Promise<void>;
}

/**
 * What the dialect uses of PGlite, with copy-rows.ts' queries run as COPY from a blob.
 *
 * PGlite runs each query on this thread, and a query's promise settles in a microtask, so
 * queries queued one after another (twenty runs storing their output) ran back to back
 * for up to a second without letting a request or a timer in. Each query now waits for
 * the event loop's next turn first.
 */
function copyCapable(pglite: PGlite): PGlite {
  const client: Pick<PGlite, 'query' | 'close'> = {
    query: async (text: string, values?: unknown[]) => {
      await new Promise(setImmediate);
      const copy = copyQuery(text, values);
      if (!copy) return pglite.query(text, values);
      return pglite.query(`${copy.statement} from '/dev/blob'`, [], { blob: new Blob([...copy.data]) });
    },
    close: () => pglite.close(),
  };
  return client as PGlite;
}

/** PGlite's dialect whose driver, once destroyed, also releases the folder's lock. */
class LockedPGliteDialect extends PGliteDialect {
  readonly #lock: DirectoryLock;

  constructor(pglite: PGlite, lock: DirectoryLock) {
    super(copyCapable(pglite));
    this.#lock = lock;
  }

  override createDriver(): Driver {
    const driver = super.createDriver();
    const destroy = driver.destroy.bind(driver);
    const lock = this.#lock;
    driver.destroy = async () => {
      try {
        await destroy();
      } finally {
        await lock.release();
      }
    };
    return driver;
  }
}

/**
 * Opens (creating it and its parents if needed) the PGlite folder `dir`, holding its lock,
 * and returns a Kysely over it. `db.destroy()` closes PGlite and releases the lock.
 * Throws a DatabaseLockedError when another live process holds the folder.
 *
 * @example
 * const db = await createPgliteBackend('.athanor/db');
 * try { … } finally { await db.destroy(); }
 */
export async function createPgliteBackend(dir: string, options: PgliteBackendOptions = {}): Promise<Kysely<DatabaseSchema>> {
  const spec = options.spec ?? `pglite:${dir}`;
  try {
    await makeFolders(dir);
  } catch (error) {
    throw new Error(`could not open ${spec}: cannot create the folder: ${(error as Error).message}`, { cause: error });
  }
  const lock = await acquireDirectoryLock(dir, spec);
  let pglite: PGlite | undefined;
  try {
    const empty = (await readdir(dir)).every((name) => name.startsWith(LOCK_FILE_NAME));
    const template = empty && options.initialize ? await readPgliteTemplate() : undefined;
    const copied = template ? await fromTemplate(dir, template) : undefined;
    pglite = copied ?? (await PGlite.create({ dataDir: dir, parsers: { [NUMERIC_OID]: Number } }));
    const db = new Kysely<DatabaseSchema>({ dialect: new LockedPGliteDialect(pglite, lock) });
    // Kysely only destroys a driver it has initialised: use it once so that `destroy()`
    // always reaches the driver above, which closes PGlite and releases the lock.
    await sql`select 1`.execute(db);
    if (empty && !copied && options.initialize) {
      const initialized = await options.initialize(db).then(() => true, () => false);
      if (initialized) await savePgliteTemplate(await pglite.dumpDataDir('gzip'));
    }
    return db;
  } catch (error) {
    if (pglite && !pglite.closed) await pglite.close().catch(() => {});
    await lock.release();
    throw new Error(`could not open ${spec}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
  }
}

/** PGlite over new folder `dir`, unpacked from `template`; undefined (the folder emptied again, the template dropped) if that fails. */
async function fromTemplate(dir: string, template: Blob): Promise<PGlite | undefined> {
  try {
    return await PGlite.create({ dataDir: dir, loadDataDir: template, parsers: { [NUMERIC_OID]: Number } });
  } catch {
    // A damaged template: the folder was empty (but for our lock), so whatever it unpacked goes.
    for (const name of await readdir(dir)) if (!name.startsWith(LOCK_FILE_NAME)) await rm(path.join(dir, name), { recursive: true, force: true });
    await rm(pgliteTemplateFile(), { force: true });
    return undefined;
  }
}
