/**
 * What a run ran with, kept: code snapshots (content-addressed by the code hash, one row
 * per distinct code), the diff of a snapshot against a git commit, and a run's detail
 * (its record with its code's file list and its environment's diff).
 */
import { NotFoundError } from '../errors.ts';
import type { CodeSnapshot, RunDetail, RunEnvironment, SnapshotFile } from '../records.ts';
import { getRun } from './runs.ts';
import type { ServiceContext } from './service-context.ts';

/** Hashes known stored, per service: storing unchanged code again is a lookup in memory, not a write. */
const storedHashes = new WeakMap<ServiceContext, Set<string>>();
const MAX_REMEMBERED = 1_000;

function remembered(context: ServiceContext): Set<string> {
  let set = storedHashes.get(context);
  if (!set) storedHashes.set(context, (set = new Set()));
  if (set.size > MAX_REMEMBERED) set.clear(); // memory stays flat; a forgotten hash costs one insert that does nothing
  return set;
}

const HASH = /^[0-9a-f]{64}$/;

function checkHash(hash: unknown): string {
  if (typeof hash !== 'string' || !HASH.test(hash)) throw new NotFoundError(`code ${JSON.stringify(hash)} not found (code hashes are 64 hex characters)`);
  return hash;
}

/** Stores a snapshot unless one with its hash is there. Returns whether it wrote a row. */
export async function storeCodeSnapshot(context: ServiceContext, snapshot: CodeSnapshot): Promise<boolean> {
  const known = remembered(context);
  if (known.has(snapshot.hash)) return false;
  const result = await context.database.db
    .insertInto('code_snapshots')
    .values({ hash: snapshot.hash, entry: snapshot.entry, files: JSON.stringify(snapshot.files), bytes: snapshot.bytes, note: snapshot.note })
    .onConflict((conflict) => conflict.column('hash').doNothing())
    .executeTakeFirst();
  known.add(snapshot.hash);
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** The snapshot with this hash, sources included. */
export async function getCodeSnapshot(context: ServiceContext, hash: string): Promise<CodeSnapshot> {
  const row = await context.database.db.selectFrom('code_snapshots').selectAll().where('hash', '=', checkHash(hash)).executeTakeFirst();
  if (!row) throw new NotFoundError(`code ${hash} not found (no run kept it)`);
  return { hash: row.hash, entry: row.entry, files: row.files as SnapshotFile[], bytes: Number(row.bytes), note: row.note };
}

/** Keeps the diff of a snapshot's files against a commit (once per pair). */
export async function storeCodeDiff(context: ServiceContext, snapshotHash: string, commit: string, diff: string): Promise<void> {
  await context.database.db
    .insertInto('code_diffs')
    .values({ snapshot_hash: snapshotHash, commit, diff })
    .onConflict((conflict) => conflict.columns(['snapshot_hash', 'commit']).doNothing())
    .execute();
}

/** The code a run started with, whatever its file says now. */
export async function getRunSource(context: ServiceContext, runId: string): Promise<CodeSnapshot> {
  const run = await getRun(context, runId);
  if (!run.codeHash) throw new NotFoundError(`run ${run.id} has no code: it never started`);
  try {
    return await getCodeSnapshot(context, run.codeHash);
  } catch (error) {
    if (error instanceof NotFoundError) throw new NotFoundError(`run ${run.id} kept no code snapshot (it ran before runs kept their code)`);
    throw error;
  }
}

/** A run with its code's file list and, when its files differed from the commit, the diff. */
export async function getRunDetail(context: ServiceContext, runId: string): Promise<RunDetail> {
  const run = await getRun(context, runId);
  const { db } = context.database;
  const snapshot = run.codeHash
    ? await db.selectFrom('code_snapshots').select(['hash', 'entry', 'files', 'note']).where('hash', '=', run.codeHash).executeTakeFirst()
    : undefined;
  const code = snapshot ? { hash: snapshot.hash, entry: snapshot.entry, files: (snapshot.files as SnapshotFile[]).map((file) => file.path), note: snapshot.note } : null;
  let environment: RunEnvironment | null = run.environment;
  const git = environment?.git;
  if (git?.dirty && run.codeHash) {
    const diff = await db
      .selectFrom('code_diffs')
      .select('diff')
      .where('snapshot_hash', '=', run.codeHash)
      .where('commit', '=', git.commit)
      .executeTakeFirst();
    if (diff) environment = { ...environment!, git: { ...git, diff: diff.diff } };
  }
  // Only a failed run can have been retried: others skip the look-up.
  const retry = run.status === 'failed' ? await db.selectFrom('runs').select('id').where('retry_of', '=', run.id).executeTakeFirst() : undefined;
  return { ...run, environment, code, retriedBy: retry?.id ?? null };
}
