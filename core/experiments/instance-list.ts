/**
 * Lists of instances: all at once (`listInstances`, as the API always gave them), or a page
 * at a time (`pageInstances`) so a dashboard of 10,000 instances asks for what it shows.
 * Either way each instance comes with its run counts and its latest run, with a few
 * headline metrics, read for the whole list in a fixed number of queries (never one per
 * instance).
 *
 * Design note: a page is cut from the sorted keys (id, name, creation, latest run) of every
 * matching instance, ordered here with the comparison the UI sorts with
 * (`compareInstances`), rather than by SQL: names order as people read them ("run 2"
 * before "run 10"), which no collation every backend has gives, and a page then lists
 * exactly what the whole list would. The keys are a few short columns per instance; the
 * rest (counts, the latest run, metrics) is read for the page only. The name search runs
 * here too, with JavaScript's case folding, the same on every backend (PGlite's `lower()`
 * folds ASCII only).
 */
import { sql } from 'kysely';
import { InputError, NotFoundError } from '../errors.ts';
import {
  compareInstances,
  INSTANCE_SORTS,
  sortInstances,
  type Instance,
  type InstancePage,
  type InstanceSort,
  type InstanceSortKeys,
  type LatestRun,
  type RunCounts,
} from '../records.ts';
import { headlineMetrics } from './headline-metrics.ts';
import { latestMetrics } from './run-metrics.ts';
import { emptyRunCounts, iso, isoOrNull, toInstance } from './row-mappers.ts';
import { checkId, type ServiceContext } from './service-context.ts';

export interface ListInstancesOptions {
  /** Only instances of this experiment. */
  experiment?: string;
  /** The order (default `activity`: latest run, else creation, newest first). */
  sort?: InstanceSort;
  /** Only instances whose name contains this text, case aside. */
  q?: string;
}

export interface PageInstancesOptions extends ListInstancesOptions {
  /** Page size, 1 to 500. */
  limit: number;
  /** The `next` of the previous page (given for the same `sort`). */
  cursor?: string | null;
}

/** Headline metrics per latest run. */
const HEADLINE_METRICS = 3;
/** Instances per statement when reading the latest runs of a long list. */
const CHUNK = 500;

function checkSort(sort: unknown): InstanceSort {
  if (sort === undefined) return 'activity';
  if (!INSTANCE_SORTS.includes(sort as InstanceSort)) throw new InputError(`sort must be one of ${INSTANCE_SORTS.join(', ')}, got ${JSON.stringify(sort)}`);
  return sort as InstanceSort;
}

/** A name test for `q` (undefined when there is nothing to search for). */
function nameFilter(q: unknown): ((name: string) => boolean) | undefined {
  if (q === undefined || q === '') return undefined;
  if (typeof q !== 'string') throw new InputError(`q must be the text to search names for, got ${JSON.stringify(q)}`);
  const needle = q.toLowerCase();
  return (name) => name.toLowerCase().includes(needle);
}

/** Every instance (of `experiment`, named like `q`) with its run counts and latest run, in the order asked for. */
export async function listInstances(context: ServiceContext, options: ListInstancesOptions = {}): Promise<Instance[]> {
  const sort = checkSort(options.sort);
  const matches = nameFilter(options.q);
  const instances = await queryInstances(context, { experiment: options.experiment });
  return withLatestRuns(context, sortInstances(matches ? instances.filter((i) => matches(i.name)) : instances, sort));
}

/** One page of {@link listInstances}; `total` counts every match, `next` is the cursor of the following page. */
export async function pageInstances(context: ServiceContext, options: PageInstancesOptions): Promise<InstancePage> {
  const sort = checkSort(options.sort);
  const matches = nameFilter(options.q);
  const { limit } = options;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new InputError(`limit must be a whole number from 1 to 500, got ${JSON.stringify(limit)}`);
  const after = options.cursor ? decodeCursor(options.cursor, sort) : undefined;
  const compare = compareInstances(sort);
  const keys = (await querySortKeys(context, options.experiment)).filter((key) => !matches || matches(key.name)).sort(compare);
  const start = after ? keys.findIndex((key) => compare(key, after) > 0) : 0;
  const page = start === -1 ? [] : keys.slice(start, start + limit);
  const byId = new Map((await queryInstances(context, { ids: page.map((key) => key.id) })).map((i) => [i.id, i]));
  // An instance deleted between the two reads is left out of its page.
  const items = await withLatestRuns(context, page.flatMap((key) => byId.get(key.id) ?? []));
  const more = start !== -1 && start + limit < keys.length;
  return { items, next: more ? encodeCursor(page[page.length - 1]!, sort) : null, total: keys.length };
}

/** A cursor: the sort keys of the last instance of a page, so the next page starts after it even as others come and go. */
function encodeCursor(key: InstanceSortKeys, sort: InstanceSort): string {
  return Buffer.from(JSON.stringify([sort, key.id, key.name, key.createdAt, key.lastRunAt])).toString('base64url');
}

function decodeCursor(cursor: string, sort: InstanceSort): InstanceSortKeys {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    parsed = undefined;
  }
  const [given, id, name, createdAt, lastRunAt] = Array.isArray(parsed) ? parsed : [];
  const text = (value: unknown) => typeof value === 'string';
  if (!text(given) || !text(id) || !text(name) || !text(createdAt) || !(lastRunAt === null || text(lastRunAt))) {
    throw new InputError(`cursor ${JSON.stringify(cursor.length > 80 ? `${cursor.slice(0, 77)}...` : cursor)} is not one this server gave`);
  }
  if (given !== sort) throw new InputError(`cursor was given for sort=${given}, not sort=${sort}: ask for the first page again`);
  return { id, name, createdAt, lastRunAt };
}

/** When each instance's latest run was created, by instance (`experiment`'s instances only when given). */
function lastRunTimes(context: ServiceContext, experiment: string | undefined) {
  const { db } = context.database;
  return db
    .selectFrom('runs')
    .select(['instance_id', sql<Date | string | null>`max(created_at)`.as('last_run_at')])
    .$if(experiment !== undefined, (q) => q.where('instance_id', 'in', db.selectFrom('instances').select('id').where('experiment', '=', experiment!)))
    .groupBy('instance_id')
    .as('c');
}

/** The keys every order reads, of every instance (of `experiment`). */
async function querySortKeys(context: ServiceContext, experiment: string | undefined): Promise<InstanceSortKeys[]> {
  const rows = await context.database.db
    .selectFrom('instances as i')
    .leftJoin(lastRunTimes(context, experiment), 'c.instance_id', 'i.id')
    .select(['i.id', 'i.name', 'i.created_at', 'c.last_run_at'])
    .$if(experiment !== undefined, (q) => q.where('i.experiment', '=', experiment!))
    .execute();
  return rows.map((row) => ({ id: row.id, name: row.name, createdAt: iso(row.created_at), lastRunAt: isoOrNull(row.last_run_at ?? null) }));
}

/** Instances (by id, or of an experiment, or all) with their run counts by status, in one query. */
export async function queryInstances(context: ServiceContext, filter: { id?: string; ids?: readonly string[]; experiment?: string }): Promise<Instance[]> {
  if (filter.ids?.length === 0) return [];
  const { db } = context.database;
  // sum(case …) rather than count(*) filter (…): pg-mem ignores FILTER.
  const count = (status: string) => sql<number>`sum(case when status = ${status} then 1 else 0 end)`;
  const only = filter.id !== undefined ? [filter.id] : filter.ids;
  const counts = db
    .selectFrom('runs')
    .select([
      'instance_id',
      count('pending').as('pending'),
      count('running').as('running'),
      count('completed').as('completed'),
      count('failed').as('failed'),
      count('cancelled').as('cancelled'),
      sql<Date | string | null>`max(created_at)`.as('last_run_at'),
    ])
    .$if(only !== undefined, (q) => q.where('instance_id', 'in', only!))
    .groupBy('instance_id')
    .as('c');
  const rows = await db
    .selectFrom('instances as i')
    .leftJoin(counts, 'c.instance_id', 'i.id')
    .selectAll('i')
    .select(['c.pending', 'c.running', 'c.completed', 'c.failed', 'c.cancelled', 'c.last_run_at'])
    .$if(only !== undefined, (q) => q.where('i.id', 'in', only!))
    .$if(filter.experiment !== undefined, (q) => q.where('i.experiment', '=', filter.experiment!))
    .orderBy('i.created_at', 'desc')
    .orderBy('i.id', 'desc')
    .execute();
  return rows.map((row) => {
    const runCounts: RunCounts = emptyRunCounts();
    for (const status of ['pending', 'running', 'completed', 'failed', 'cancelled'] as const) {
      runCounts[status] = Number(row[status] ?? 0);
      runCounts.total += runCounts[status];
    }
    return toInstance(row, runCounts, row.last_run_at ?? null);
  });
}

/**
 * The latest run of each instance that has runs: one `DISTINCT ON (instance_id)` query per
 * {@link CHUNK} instances, newest first by creation (the id breaks ties).
 */
async function latestRunRows(context: ServiceContext, instanceIds: readonly string[]) {
  const rows = [];
  for (let start = 0; start < instanceIds.length; start += CHUNK) {
    rows.push(
      ...(await context.database.db
        .selectFrom('runs')
        .select(['id', 'instance_id', 'status', 'created_at', 'started_at', 'completed_at', 'result_count', 'code_hash'])
        .distinctOn('instance_id')
        .where('instance_id', 'in', instanceIds.slice(start, start + CHUNK))
        .orderBy('instance_id')
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute()),
    );
  }
  return rows;
}

/** One instance as lists show it: with its run counts and its latest run (`GET /api/instances/:id`). */
export async function describeInstance(context: ServiceContext, id: string): Promise<Instance> {
  const [instance] = await queryInstances(context, { id: checkId(id, 'instance') });
  if (!instance) throw new NotFoundError(`instance ${id} not found`);
  return (await withLatestRuns(context, [instance]))[0]!;
}

/** `instances` with `latestRun` set: null before a first run, else its status, times and headline metrics. */
export async function withLatestRuns(context: ServiceContext, instances: readonly Instance[]): Promise<Instance[]> {
  const rows = await latestRunRows(context, instances.filter((i) => i.runCounts.total > 0).map((i) => i.id));
  const metrics = await latestMetrics(context, rows.filter((row) => Number(row.result_count) > 0).map((row) => row.id));
  const latest = new Map(
    rows.map((row): [string, LatestRun] => [
      row.instance_id,
      {
        id: row.id,
        status: row.status,
        createdAt: iso(row.created_at),
        startedAt: isoOrNull(row.started_at),
        completedAt: isoOrNull(row.completed_at),
        metrics: headlineMetrics(metrics.get(row.id) ?? {}, HEADLINE_METRICS),
        codeHash: row.code_hash,
      },
    ]),
  );
  return instances.map((instance) => ({ ...instance, latestRun: latest.get(instance.id) ?? null }));
}
