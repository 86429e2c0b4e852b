/** Runs: executions of an instance, their status transitions, progress and heartbeat. */
import { randomUUID } from 'node:crypto';
import { ConflictError, InputError, InvalidTransitionError, NotFoundError } from '../errors.ts';
import { FINISHED_STATUSES, RUN_STATUSES, type Page, type Run, type RunEnvironment, type RunOptions, type RunOrigin, type RunProgress, type RunStatus } from '../records.ts';
import { toRun } from './row-mappers.ts';
import { statusesBefore } from './run-lifecycle.ts';
import { checkId, creationTime, retriesOf, type ServiceContext } from './service-context.ts';
import { checkedConfiguration } from './instances.ts';

export interface RunTransition {
  /** Why the run failed or was cancelled. */
  error?: string | null;
  /** Content hash of the code the run executes (set when it starts). */
  codeHash?: string;
  /** The workbench process that owns the run while active. */
  owner?: string | null;
  /** The worker that runs it (kept after it ends). */
  worker?: string | null;
  /** What the run executes with (set when it starts). */
  configuration?: Record<string, unknown>;
  environment?: RunEnvironment;
}

/** The longest run timeout: the longest delay a Node timer takes (2^31-1 ms); a longer one fires at once. */
export const MAX_TIMEOUT_MS = 2_147_483_647;

function checkPositiveInteger(name: string, value: unknown, max: number, unit: string, note = ''): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || (value as number) <= 0 || (value as number) > max) {
    throw new InputError(`${name} must be a positive integer of ${unit} up to ${max}${note}, got ${JSON.stringify(value)}`);
  }
}

function checkOptions(options: unknown): RunOptions {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) throw new InputError('run options must be an object');
  const { timeoutMs, memoryMb, ...rest } = options as RunOptions & Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw new InputError(`unknown run option ${Object.keys(rest).join(', ')}; known: timeoutMs, memoryMb`);
  checkPositiveInteger('timeoutMs', timeoutMs, MAX_TIMEOUT_MS, 'milliseconds', ' (about 24.8 days)');
  checkPositiveInteger('memoryMb', memoryMb, 1024 * 1024, 'MiB');
  if (memoryMb !== undefined && memoryMb < 64) throw new InputError(`memoryMb must be at least 64 MiB, got ${memoryMb}`);
  return { ...(timeoutMs === undefined ? {} : { timeoutMs }), ...(memoryMb === undefined ? {} : { memoryMb }) };
}

/** The `agent` column for a run started by `origin`: an agent's name, checked, or null for a person. */
export function agentOf(origin: RunOrigin | undefined): string | null {
  const agent = origin?.agent;
  if (agent === undefined) return null;
  if (typeof agent !== 'string' || agent.trim() === '' || agent.length > 200) {
    throw new InputError(`agent must be a client name of 1 to 200 characters, got ${JSON.stringify(agent)}`);
  }
  return agent;
}

/** Creates a pending run of an instance; `origin.agent` marks a run an AI agent started (MCP). */
export async function createRun(context: ServiceContext, instanceId: string, options?: RunOptions, origin?: RunOrigin): Promise<Run> {
  const id = checkId(instanceId, 'instance');
  const checked = checkOptions(options);
  const agent = agentOf(origin);
  // Its version now is the one the run links to (instance history).
  const exists = await context.database.db.selectFrom('instances').select(['id', 'version', 'experiment']).where('id', '=', id).executeTakeFirst();
  if (!exists) throw new NotFoundError(`instance ${instanceId} not found`);
  const row = await context.database.db
    .insertInto('runs')
    .values({
      id: randomUUID(),
      instance_id: id,
      status: 'pending',
      error: null,
      progress: null,
      code_hash: null,
      options: JSON.stringify(checked),
      owner: null,
      heartbeat_at: null,
      created_at: creationTime(context),
      started_at: null,
      completed_at: null,
      instance_version: exists.version,
      agent,
      retries: retriesOf(context, exists.experiment),
    })
    .returningAll()
    .executeTakeFirstOrThrow()
    .catch(async (error: unknown) => {
      // The instance was deleted between the check and the insert (its foreign key refuses the row).
      const still = await context.database.db.selectFrom('instances').select('id').where('id', '=', id).executeTakeFirst();
      throw still ? error : new NotFoundError(`instance ${instanceId} not found`);
    });
  return toRun(row);
}

/** Which code a rerun executes: the experiment's file as it is now, or the code the run kept. */
export type RerunCode = 'current' | 'snapshot';

/**
 * A new pending run of `runId`'s instance with the configuration that run ran with (and its
 * options); with `code: 'snapshot'`, it will execute the code that run kept, whatever the
 * file says now.
 */
export async function createRerun(context: ServiceContext, runId: string, code: RerunCode = 'current', origin?: RunOrigin): Promise<Run> {
  if (code !== 'current' && code !== 'snapshot') throw new InputError(`code must be "current" or "snapshot", got ${JSON.stringify(code)}`);
  const agent = agentOf(origin);
  const previous = await getRun(context, runId);
  if (!previous.configuration) throw new ConflictError(`run ${previous.id} never started: it has no configuration to run again`);
  const instance = await context.database.db.selectFrom('instances').select('experiment').where('id', '=', previous.instanceId).executeTakeFirst();
  // The current code takes the configuration as it would be taken now: checked against the
  // experiment as it is, a field added since given its default (refused, nothing created, if the
  // experiment no longer takes it). Kept code runs with the configuration it ran with.
  const configuration = code === 'current' && instance
    ? checkedConfiguration(context, instance.experiment, previous.configuration, `configuration run ${previous.id.slice(0, 8)} ran with, for "${instance.experiment}" as it is now`)
    : previous.configuration;
  let snapshot: string | null = null;
  if (code === 'snapshot') {
    const kept = previous.codeHash
      ? await context.database.db.selectFrom('code_snapshots').select(['hash', 'note']).where('hash', '=', previous.codeHash).executeTakeFirst()
      : undefined;
    if (!kept) throw new ConflictError(`run ${previous.id} kept no code snapshot (it ran before runs kept their code): rerun it with code "current"`);
    if (kept.note) throw new ConflictError(`run ${previous.id}'s code snapshot is incomplete (${kept.note}): rerun it with code "current"`);
    snapshot = kept.hash;
  }
  const row = await context.database.db
    .insertInto('runs')
    .values({
      id: randomUUID(),
      instance_id: previous.instanceId,
      status: 'pending',
      error: null,
      progress: null,
      code_hash: snapshot,
      code_snapshot: snapshot,
      configuration: JSON.stringify(configuration),
      configuration_inferred: code === 'current' ? false : previous.configurationInferred,
      rerun_of: previous.id,
      // The same configuration as the run it reruns: the same version of the instance.
      instance_version: previous.instanceVersion,
      options: JSON.stringify(previous.options),
      agent,
      // A rerun is a new chain of attempts, with the retries the definition allows now.
      retries: instance ? retriesOf(context, instance.experiment) : 0,
      owner: null,
      heartbeat_at: null,
      created_at: creationTime(context),
      started_at: null,
      completed_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRun(row);
}

export async function getRun(context: ServiceContext, runId: string): Promise<Run> {
  const row = await context.database.db.selectFrom('runs').selectAll().where('id', '=', checkId(runId, 'run')).executeTakeFirst();
  if (!row) throw new NotFoundError(`run ${runId} not found`);
  return toRun(row);
}

export interface ListRunsOptions {
  /** Page size, 1 to 500 (default 50). */
  limit?: number;
  /** The `next` cursor of the previous page. */
  cursor?: string | null;
  status?: RunStatus;
}

const encodeCursor = (run: Run) => Buffer.from(`${run.createdAt}|${run.id}`).toString('base64url');

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const date = new Date(createdAt ?? '');
  if (!id || Number.isNaN(date.getTime())) throw new InputError(`cursor ${JSON.stringify(cursor)} is not one this server gave`);
  return { createdAt: date, id: checkId(id, 'run') };
}

/** An instance's runs, newest first, a page at a time. */
export async function listRuns(context: ServiceContext, instanceId: string, options: ListRunsOptions = {}): Promise<Page<Run>> {
  const id = checkId(instanceId, 'instance');
  const limit = options.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new InputError(`limit must be a whole number from 1 to 500, got ${limit}`);
  if (options.status !== undefined && !RUN_STATUSES.includes(options.status)) {
    throw new InputError(`status must be one of ${RUN_STATUSES.join(', ')}, got ${JSON.stringify(options.status)}`);
  }
  const after = options.cursor ? decodeCursor(options.cursor) : undefined;
  const rows = await context.database.db
    .selectFrom('runs')
    .selectAll()
    .where('instance_id', '=', id)
    .$if(options.status !== undefined, (q) => q.where('status', '=', options.status!))
    .$if(after !== undefined, (q) =>
      q.where((eb) =>
        eb.or([
          eb('created_at', '<', after!.createdAt),
          eb.and([eb('created_at', '=', after!.createdAt), eb('id', '<', after!.id)]),
        ]),
      ),
    )
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  if (rows.length === 0 && !after) {
    const exists = await context.database.db.selectFrom('instances').select('id').where('id', '=', id).executeTakeFirst();
    if (!exists) throw new NotFoundError(`instance ${instanceId} not found`);
  }
  const items = rows.slice(0, limit).map(toRun);
  return { items, next: rows.length > limit ? encodeCursor(items[items.length - 1]!) : null };
}

/**
 * Moves a run to `to`, atomically: the update only applies from a status the lifecycle
 * allows, so two racing writers can never both finish a run.
 */
export async function transitionRun(context: ServiceContext, runId: string, to: RunStatus, change: RunTransition = {}): Promise<Run> {
  const id = checkId(runId, 'run');
  const from = statusesBefore(to);
  if (from.length === 0) throw new InvalidTransitionError(id, (await getRun(context, id)).status, to);
  const now = context.now();
  const finished = FINISHED_STATUSES.includes(to);
  const row = await context.database.db
    .updateTable('runs')
    .set({
      status: to,
      ...(change.error !== undefined ? { error: change.error } : {}),
      ...(change.codeHash !== undefined ? { code_hash: change.codeHash } : {}),
      ...(change.configuration !== undefined ? { configuration: JSON.stringify(change.configuration) } : {}),
      ...(change.environment !== undefined ? { environment: JSON.stringify(change.environment) } : {}),
      ...(change.worker !== undefined ? { worker: change.worker } : {}),
      ...(to === 'running' ? { started_at: now, heartbeat_at: now, owner: change.owner ?? null } : {}),
      ...(finished ? { completed_at: now, owner: null } : {}),
    })
    .where('id', '=', id)
    .where('status', 'in', from)
    .returningAll()
    .executeTakeFirst();
  if (row) return toRun(row);
  const current = await getRun(context, id);
  throw new InvalidTransitionError(id, current.status, to);
}

/** Keeps the latest progress on the run row, so a page opened later shows it. */
export async function saveProgress(context: ServiceContext, runId: string, progress: RunProgress): Promise<void> {
  await context.database.db
    .updateTable('runs')
    .set({ progress: JSON.stringify(progress) })
    .where('id', '=', checkId(runId, 'run'))
    .execute();
}

/**
 * Marks pending runs as owned by this workbench (queued here), so recovery leaves them be;
 * a worker also names itself (its lease, not the start-up recovery, then looks after them).
 */
export async function claimRuns(context: ServiceContext, owner: string, runIds: readonly string[], worker?: string): Promise<void> {
  if (runIds.length === 0) return;
  await context.database.db
    .updateTable('runs')
    .set({ owner, heartbeat_at: context.now(), ...(worker === undefined ? {} : { worker }) })
    .where('id', 'in', runIds.map((id) => checkId(id, 'run')))
    .where('status', '=', 'pending')
    .execute();
}

/** Refreshes the heartbeat of every active run this workbench owns, in one statement. */
export async function heartbeat(context: ServiceContext, owner: string): Promise<number> {
  const result = await context.database.db
    .updateTable('runs')
    .set({ heartbeat_at: context.now() })
    .where('owner', '=', owner)
    .where('status', 'in', ['pending', 'running'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** An active run as recovery sees it. */
export interface ActiveRun {
  id: string;
  instanceId: string;
  status: RunStatus;
  owner: string | null;
  heartbeatAt: Date | null;
  createdAt: Date;
  /** Set for a run of the queue (a worker's): the workers' lease looks after it, not start-up recovery. */
  worker: string | null;
}

/** Every run still pending or running, with who owns it and its last heartbeat. */
export async function listActiveRuns(context: ServiceContext): Promise<ActiveRun[]> {
  const rows = await context.database.db
    .selectFrom('runs')
    .select(['id', 'instance_id', 'status', 'owner', 'heartbeat_at', 'created_at', 'worker'])
    .where('status', 'in', ['pending', 'running'])
    .execute();
  return rows.map((row) => ({
    id: row.id,
    instanceId: row.instance_id,
    status: row.status,
    owner: row.owner,
    heartbeatAt: row.heartbeat_at === null ? null : new Date(row.heartbeat_at),
    createdAt: new Date(row.created_at),
    worker: row.worker ?? null,
  }));
}
