/**
 * The experiments service's behaviour, identical on every backend: the conformance suite
 * `experiments-service.test.ts` runs once per backend.
 */
import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigSchema, ConfigValidationError, Definition } from '../../core/index.ts';
import { AmbiguousIdError, ConflictError, InputError, InvalidTransitionError, NotFoundError } from '../../core/errors.ts';
import { createExperimentsService, type ExperimentsService } from '../../core/experiments-service.ts';
import type { DatabaseHandle } from '../../core/experiments-service.ts';
import { definitionTable, minimalDefinition } from '../helpers/experiment-definitions.ts';

export interface ConformanceContext {
  database: DatabaseHandle;
  service: ExperimentsService;
  definitions: ReturnType<typeof definitionTable>;
}

/** Builds a fresh service over `database` for each test. */
export function serviceContext(database: DatabaseHandle): ConformanceContext {
  const definitions = definitionTable(minimalDefinition);
  return { database, definitions, service: createExperimentsService({ database, definitions: definitions.lookup }) };
}

async function rejects<E extends Error>(promise: Promise<unknown>, type: new (...args: any[]) => E, pattern?: RegExp): Promise<E> {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, type, `expected ${type.name}, got ${(error as Error)?.name}: ${(error as Error)?.message}`);
    if (pattern) assert.match((error as Error).message, pattern);
    return error as E;
  }
  return assert.unreachable(`expected a ${type.name}`) as never;
}

const MISSING = '00000000-0000-4000-8000-000000000000';

export function defineServiceConformance(test: Test, ctx: () => ConformanceContext): void {
  const newInstance = (name = 'Baseline', configuration: Record<string, unknown> = {}) =>
    ctx().service.createInstance({ experiment: 'my_experiment', name, configuration });

  async function runningRun() {
    const { service } = ctx();
    const instance = await newInstance(`i-${Math.random()}`);
    const run = await service.createRun(instance.id);
    return service.transitionRun(run.id, 'running', { codeHash: 'abc', owner: 'test' });
  }

  test('createInstance snapshots the configuration with defaults applied', async () => {
    const { service, definitions } = ctx();
    const instance = await newInstance('Baseline', { iterations: 5 });
    assert.equal(instance.configuration, { iterations: 5, model: 'small', sampling: { temperature: 0.7 } });
    assert.is(instance.experiment, 'my_experiment');
    assert.equal(instance.runCounts.total, 0);
    definitions.set(Definition.new().name('my_experiment')
      .configuration(ConfigSchema.new().field('iterations', 'integer', { default: 99 })).resolve());
    const later = await service.getInstance(instance.id);
    assert.equal(later.configuration, instance.configuration);
  });

  test('createInstance refuses an invalid configuration and writes nothing', async () => {
    const { service } = ctx();
    const error = await rejects(newInstance('Bad', { iterations: 1000, colour: 'red' }), ConfigValidationError);
    assert.equal(error.errors, [
      { path: 'colour', message: 'config.colour is not a field of this experiment (fields: iterations, model, sampling)' },
      { path: 'iterations', message: 'config.iterations: 1000 is above the maximum 100' },
    ]);
    assert.equal(await service.listInstances(), []);
  });

  test('createInstance names unknown and broken experiments', async () => {
    const { service, definitions } = ctx();
    await rejects(service.createInstance({ experiment: 'nope', name: 'x' }), NotFoundError, /unknown experiment "nope"/);
    definitions.break('my_experiment', 'SyntaxError at my_experiment.ts:3:7');
    await rejects(newInstance(), InputError, /cannot be used until its file loads: SyntaxError at my_experiment.ts:3:7/);
  });

  test('instance names are unique per experiment', async () => {
    await newInstance('Same');
    await rejects(newInstance('Same'), ConflictError, /named "Same" already exists/);
    await rejects(newInstance('  '), InputError, /name must be a non-empty string/);
  });

  test('unknown and malformed ids are not found', async () => {
    const { service } = ctx();
    await rejects(service.getInstance(MISSING), NotFoundError);
    await rejects(service.getInstance('not-a-uuid'), NotFoundError, /not found/);
    await rejects(service.getRun("'; drop table runs; --"), NotFoundError);
    await rejects(service.createRun(MISSING), NotFoundError);
    await rejects(service.deleteInstance(MISSING), NotFoundError);
  });

  test('resolveRunId takes a unique prefix of 8+ hex characters; a short, ambiguous or unknown one is refused by name', async () => {
    const { service, database } = ctx();
    const instance = await newInstance();
    // Ids chosen to share prefixes, with neighbours just outside the range of '3063c6fc'.
    const ids = [
      '3063c6fb-ffff-4fff-bfff-ffffffffffff',
      '3063c6fc-0000-4000-8000-000000000000',
      '3063c6fc-1a00-4000-8000-000000000001',
      '3063c6fc-1b00-4000-8000-000000000002',
      '3063c6fd-0000-4000-8000-000000000000',
    ];
    for (const id of ids) {
      await database.db.insertInto('runs').values({ id, instance_id: instance.id, status: 'pending', options: '{}', created_at: new Date() }).execute();
    }
    const created = await service.createRun(instance.id);
    assert.is(await service.resolveRunId(created.id.slice(0, 8)), created.id);
    assert.is(await service.resolveRunId(created.id), created.id);
    assert.is(await service.resolveRunId(created.id.toUpperCase()), created.id);
    assert.is(await service.resolveRunId('3063c6fc-1a'), ids[2]);
    assert.is(await service.resolveRunId('3063c6fc1b'), ids[3], 'a prefix without its hyphens');
    assert.is(await service.resolveRunId('3063C6FD'), ids[4]);
    assert.is(await service.resolveRunId('3063c6fb'), ids[0]);
    const ambiguous = await rejects(service.resolveRunId('3063c6fc'), AmbiguousIdError, /prefix 3063c6fc matches 3 runs/);
    assert.equal(ambiguous.matches, ids.slice(1, 4));
    assert.match(ambiguous.message, ids[1]!);
    await rejects(service.resolveRunId('3063c6fc-1'), AmbiguousIdError, /matches 2 runs/);
    await rejects(service.resolveRunId('3063c6'), InputError, /at least 8 hex characters .*, got "3063c6"/);
    await rejects(service.resolveRunId('0000000a'), NotFoundError, /run 0000000a not found: no run id starts with 0000000a/);
    await rejects(service.resolveRunId('not-a-run'), NotFoundError, /run "not-a-run" not found/);
    await rejects(service.resolveRunId('3063-c6fc'), NotFoundError, /not found/);
    // A full id is taken as it is: whether it exists is the next query's to say.
    assert.is(await service.resolveRunId(MISSING), MISSING);
  });

  test('listInstances returns run counts by status', async () => {
    const { service } = ctx();
    const a = await newInstance('A');
    const b = await newInstance('B');
    const runs = await Promise.all([1, 2, 3].map(() => service.createRun(a.id)));
    await service.transitionRun(runs[0]!.id, 'running');
    await service.transitionRun(runs[0]!.id, 'completed');
    await service.transitionRun(runs[1]!.id, 'cancelled');
    const listed = await service.listInstances();
    const byName = Object.fromEntries(listed.map((i) => [i.name, i.runCounts]));
    assert.equal(byName.A, { pending: 1, running: 0, completed: 1, failed: 0, cancelled: 1, total: 3 });
    assert.equal(byName.B, { pending: 0, running: 0, completed: 0, failed: 0, cancelled: 0, total: 0 });
    assert.is((await service.getInstance(b.id)).runCounts.total, 0);
  });

  test('listInstances: latest activity first (the latest run, else creation), or by name, or newest', async () => {
    const { service } = ctx();
    const older = await newInstance('b older, ran');
    const middle = await newInstance('A middle, never ran');
    await newInstance('c newest, never ran');
    await service.createRun(older.id);
    const names = async (sort?: 'activity' | 'name' | 'created') => (await service.listInstances(sort ? { sort } : {})).map((i) => i.name);
    assert.equal(await names(), ['b older, ran', 'c newest, never ran', 'A middle, never ran']);
    assert.equal(await names('name'), ['A middle, never ran', 'b older, ran', 'c newest, never ran']);
    assert.equal(await names('created'), ['c newest, never ran', 'A middle, never ran', 'b older, ran']);
    const [run] = (await service.listRuns(older.id)).items;
    assert.is((await service.getInstance(older.id)).lastRunAt, run!.createdAt);
    assert.is((await service.getInstance(middle.id)).lastRunAt, null);
  });

  test('updateInstance re-validates and changes nothing on error', async () => {
    const { service } = ctx();
    const instance = await newInstance('Up');
    const updated = await service.updateInstance(instance.id, { name: 'Up2', description: 'notes', configuration: { iterations: 7 } });
    assert.is(updated.name, 'Up2');
    assert.is(updated.description, 'notes');
    assert.is(updated.configuration.iterations, 7);
    assert.ok(updated.updatedAt >= instance.updatedAt);
    await rejects(service.updateInstance(instance.id, { configuration: { iterations: 0 } }), ConfigValidationError, /below the minimum 1/);
    await rejects(service.updateInstance(instance.id, { experiment: 'x' } as object), InputError, /cannot change experiment/);
    assert.equal((await service.getInstance(instance.id)).configuration, updated.configuration);
  });

  test('deleteInstance takes its runs, logs and results with it', async () => {
    const { service, database } = ctx();
    const run = await runningRun();
    await service.appendLogs(run.id, [{ level: 'info', message: 'hello' }]);
    await service.appendResults(run.id, [{ key: 'k', value: 1 }]);
    await service.deleteInstance(run.instanceId);
    await rejects(service.getRun(run.id), NotFoundError);
    const left = await database.db.selectFrom('run_logs').select('seq').where('run_id', '=', run.id).execute();
    const results = await database.db.selectFrom('run_results').select('seq').where('run_id', '=', run.id).execute();
    assert.equal([left.length, results.length], [0, 0]);
  });

  test('cloneInstance copies with a new name, optionally changing the configuration', async () => {
    const { service } = ctx();
    const original = await newInstance('Orig', { iterations: 3 });
    const copy = await service.cloneInstance(original.id);
    assert.is(copy.name, 'Orig (copy)');
    assert.equal(copy.configuration, original.configuration);
    const copy2 = await service.cloneInstance(original.id);
    assert.is(copy2.name, 'Orig (copy 2)');
    const changed = await service.cloneInstance(original.id, { name: 'Big', configuration: { iterations: 50 } });
    assert.equal(changed.configuration, { ...original.configuration, iterations: 50 });
    await rejects(service.cloneInstance(original.id, { configuration: { model: 'huge' } }), ConfigValidationError);
  });

  test('listRuns pages newest first with a cursor', async () => {
    const { service } = ctx();
    const instance = await newInstance('Paged');
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await service.createRun(instance.id));
    const first = await service.listRuns(instance.id, { limit: 2 });
    assert.is(first.items.length, 2);
    const second = await service.listRuns(instance.id, { limit: 2, cursor: first.next });
    const third = await service.listRuns(instance.id, { limit: 2, cursor: second.next });
    assert.is(third.next, null);
    const ids = [...first.items, ...second.items, ...third.items].map((r) => r.id);
    assert.equal(ids, created.map((r) => r.id).reverse());
    await rejects(service.listRuns(instance.id, { cursor: 'garbage' }), InputError, /cursor/);
    await rejects(service.listRuns(MISSING), NotFoundError);
  });

  test('runs created within one millisecond still list newest first in creation order', async () => {
    const { database, definitions } = ctx();
    const frozen = createExperimentsService({ database, definitions: definitions.lookup, now: () => new Date(1_700_000_000_000) });
    const instance = await frozen.createInstance({ experiment: 'my_experiment', name: 'Same instant', configuration: {} });
    const created = [];
    for (let i = 0; i < 4; i++) created.push(await frozen.createRun(instance.id));
    const listed = await frozen.listRuns(instance.id, { limit: 3 });
    const rest = await frozen.listRuns(instance.id, { limit: 3, cursor: listed.next });
    assert.equal([...listed.items, ...rest.items].map((r) => r.id), created.map((r) => r.id).reverse());
  });

  test('instances created within one millisecond still list newest first in creation order', async () => {
    const { database, definitions } = ctx();
    const frozen = createExperimentsService({ database, definitions: definitions.lookup, now: () => new Date(1_700_000_000_000) });
    for (const name of ['first', 'second', 'third']) await frozen.createInstance({ experiment: 'my_experiment', name, configuration: {} });
    const names = async (sort: 'activity' | 'created') => (await frozen.listInstances({ sort })).map((i) => i.name);
    assert.equal(await names('created'), ['third', 'second', 'first']);
    assert.equal(await names('activity'), ['third', 'second', 'first']);
    const page = await frozen.pageInstances({ sort: 'created', limit: 2 });
    const rest = await frozen.pageInstances({ sort: 'created', limit: 2, cursor: page.next });
    assert.equal([...page.items, ...rest.items].map((i) => i.name), ['third', 'second', 'first']);
  });

  test('run status transitions follow the lifecycle', async () => {
    const { service } = ctx();
    const instance = await newInstance('Life');
    const run = await service.createRun(instance.id, { timeoutMs: 5000 });
    assert.is(run.status, 'pending');
    assert.equal(run.options, { timeoutMs: 5000 });
    const running = await service.transitionRun(run.id, 'running', { codeHash: 'h1' });
    assert.is(running.status, 'running');
    assert.is(running.codeHash, 'h1');
    assert.ok(running.startedAt);
    await rejects(service.transitionRun(run.id, 'pending'), InvalidTransitionError, /from running to pending/);
    const done = await service.transitionRun(run.id, 'failed', { error: 'boom' });
    assert.equal([done.status, done.error], ['failed', 'boom']);
    assert.ok(done.completedAt);
    await rejects(service.transitionRun(run.id, 'completed'), InvalidTransitionError, /from failed to completed/);
    const other = await service.createRun(instance.id);
    assert.is((await service.transitionRun(other.id, 'cancelled')).status, 'cancelled');
    await rejects(service.transitionRun(other.id, 'running'), InvalidTransitionError, /from cancelled to running/);
    await rejects(service.createRun(instance.id, { timeoutMs: -1 }), InputError, /timeoutMs/);
  });

  test('a run keeps the configuration and environment it started with, whatever the instance becomes', async () => {
    const { service } = ctx();
    const instance = await newInstance('Kept', { iterations: 4 });
    const run = await service.createRun(instance.id);
    assert.is(run.configuration, null, 'a pending run has not run with anything yet');
    const configuration = service.runConfiguration(instance);
    const environment = { node: 'v20.0.0', athanor: '0.1.0', platform: 'linux', arch: 'x64', host: 'lab', git: { commit: 'c0ffee', branch: 'main', dirty: false } };
    const running = await service.transitionRun(run.id, 'running', { codeHash: 'h', configuration, environment });
    assert.equal(running.configuration, { iterations: 4, model: 'small', sampling: { temperature: 0.7 } });
    assert.equal(running.environment, environment);
    await service.updateInstance(instance.id, { configuration: { iterations: 9 } });
    await service.transitionRun(run.id, 'completed');
    const later = await service.getRun(run.id);
    assert.equal(later.configuration, configuration);
    assert.is(later.configurationInferred, false);
  });

  test('code snapshots are stored once per hash and read back exactly; diffs once per commit', async () => {
    const { service, database } = ctx();
    const hash = 'a'.repeat(64);
    const snapshot = {
      hash,
      entry: 'exp.ts',
      files: [{ path: 'exp.ts', bytes: 20, source: 'export const π = "✓";\n' }, { path: 'big.json', bytes: 2_000_000, omitted: 'over 1 MiB a file' }],
      bytes: 2_000_020,
      note: 'not kept: big.json (1.9 MiB, over 1 MiB a file)',
    };
    assert.is(await service.storeCodeSnapshot(snapshot), true);
    for (let i = 0; i < 999; i++) await service.storeCodeSnapshot(snapshot);
    // Another service over the same database (another workbench) stores nothing either.
    const other = createExperimentsService({ database, definitions: () => undefined });
    await other.storeCodeSnapshot(snapshot);
    const rows = await database.db.selectFrom('code_snapshots').select('hash').execute();
    assert.equal(rows, [{ hash }]);
    assert.equal(await service.getCodeSnapshot(hash), snapshot);
    await rejects(service.getCodeSnapshot('b'.repeat(64)), NotFoundError, /not found/);
    await rejects(service.getCodeSnapshot('../etc'), NotFoundError, /64 hex characters/);
    await service.storeCodeDiff(hash, 'c0ffee', '-a\n+b\n');
    await service.storeCodeDiff(hash, 'c0ffee', '-a\n+b\n');
    assert.is((await database.db.selectFrom('code_diffs').selectAll().execute()).length, 1);
  });

  test('a rerun takes the configuration and options its run ran with; kept code only when complete', async () => {
    const { service } = ctx();
    const instance = await newInstance('Again', { iterations: 2 });
    const never = await service.createRun(instance.id);
    await rejects(service.createRerun(never.id), ConflictError, /never started/);
    const hash = 'c'.repeat(64);
    await service.storeCodeSnapshot({ hash, entry: 'e.ts', files: [{ path: 'e.ts', bytes: 1, source: 'x' }], bytes: 1, note: null });
    const run = await service.createRun(instance.id, { timeoutMs: 9000 });
    await service.transitionRun(run.id, 'running', { codeHash: hash, configuration: service.runConfiguration(instance) });
    await service.transitionRun(run.id, 'completed');
    await service.updateInstance(instance.id, { configuration: { iterations: 7 } });
    const current = await service.createRerun(run.id, 'current');
    assert.equal([current.status, current.rerunOf, current.codeSnapshot, current.options], ['pending', run.id, null, { timeoutMs: 9000 }]);
    assert.equal(current.configuration, { iterations: 2, model: 'small', sampling: { temperature: 0.7 } });
    const kept = await service.createRerun(run.id, 'snapshot');
    assert.equal([kept.codeSnapshot, kept.codeHash], [hash, hash]);
    await rejects(service.createRerun(run.id, 'tomorrow' as never), InputError, /"current" or "snapshot"/);
    const unkept = await service.createRun(instance.id);
    await service.transitionRun(unkept.id, 'running', { codeHash: 'd'.repeat(64), configuration: {} });
    await rejects(service.createRerun(unkept.id, 'snapshot'), ConflictError, /kept no code snapshot/);
  });

  test('a rerun with the current code takes its configuration as it would be taken now: a field added since gets its default, one refused now refuses the rerun', async () => {
    const { service, definitions } = ctx();
    const instance = await newInstance('Checked again', { iterations: 50 });
    const run = await service.createRun(instance.id);
    await service.transitionRun(run.id, 'running', { codeHash: 'f'.repeat(64), configuration: service.runConfiguration(instance) });
    await service.transitionRun(run.id, 'completed');
    const schema = (max: number) =>
      ConfigSchema.new()
        .field('iterations', 'integer', { default: 10, min: 1, max })
        .field('model', 'string', { options: ['small', 'large'], default: 'small' })
        .group('sampling', ConfigSchema.new().field('temperature', 'float', { default: 0.7, max: 2 }))
        .field('seed', 'integer', { default: 5 });
    definitions.set(Definition.new().name('my_experiment').configuration(schema(100)).resolve());
    const rerun = await service.createRerun(run.id, 'current');
    assert.equal(rerun.configuration, { iterations: 50, model: 'small', sampling: { temperature: 0.7 }, seed: 5 });
    definitions.set(Definition.new().name('my_experiment').configuration(schema(10)).resolve());
    const before = (await service.listRuns(instance.id)).items.length;
    const refused = await rejects(service.createRerun(run.id, 'current'), ConfigValidationError);
    assert.match(refused.message, `invalid configuration run ${run.id.slice(0, 8)} ran with, for "my_experiment" as it is now: config.iterations: 50 is above the maximum 10`);
    assert.is((await service.listRuns(instance.id)).items.length, before, 'nothing created');
    // Its own kept code runs with what it ran with.
    const hash = '7'.repeat(64);
    await service.storeCodeSnapshot({ hash, entry: 'e.ts', files: [{ path: 'e.ts', bytes: 1, source: 'x' }], bytes: 1, note: null });
    const kept = await service.createRun(instance.id);
    await service.transitionRun(kept.id, 'running', { codeHash: hash, configuration: { iterations: 50 } });
    await service.transitionRun(kept.id, 'completed');
    assert.equal((await service.createRerun(kept.id, 'snapshot')).configuration, { iterations: 50 });
  });

  test('a failed run its definition retries gets one next attempt each time, with its configuration, options and kept code', async () => {
    const { service, definitions } = ctx();
    definitions.set({ ...minimalDefinition, retries: 2 });
    const instance = await newInstance('Flaky', { iterations: 3 });
    const hash = 'e'.repeat(64);
    await service.storeCodeSnapshot({ hash, entry: 'e.ts', files: [{ path: 'e.ts', bytes: 1, source: 'x' }], bytes: 1, note: null });
    const first = await service.createRun(instance.id, { timeoutMs: 5000 });
    assert.equal([first.attempt, first.retries, first.retryOf], [1, 2, null]);
    const fail = async (run: { id: string }) => {
      await service.transitionRun(run.id, 'running', { codeHash: hash, configuration: { iterations: 3 } });
      return service.transitionRun(run.id, 'failed', { error: 'boom' });
    };
    await fail(first);
    definitions.set({ ...minimalDefinition, retries: 0 }); // the chain keeps the budget it began with
    let withRetry: string | undefined;
    const second = await service.createRetry(first.id, { owner: 'queue', withRetry: async (_trx, retry) => void (withRetry = retry.id) });
    assert.ok(second);
    assert.equal(
      [second.status, second.attempt, second.retries, second.retryOf, second.rerunOf, second.codeSnapshot, second.configuration, second.options],
      ['pending', 2, 2, first.id, null, hash, { iterations: 3 }, { timeoutMs: 5000 }],
    );
    const { owner } = await ctx().database.db.selectFrom('runs').select('owner').where('id', '=', second.id).executeTakeFirstOrThrow();
    assert.is(owner, 'queue');
    assert.is(withRetry, second.id);
    assert.is(await service.createRetry(first.id), undefined, 'a run is retried once, whoever asks');
    await fail(second);
    const third = (await service.createRetry(second.id))!;
    assert.equal([third.attempt, third.retryOf], [3, second.id]);
    await fail(third);
    assert.is(await service.createRetry(third.id), undefined, 'attempt 3 of 3 is the last');
  });

  test('cancelled runs, runs that never started and runs of an experiment without retries are not retried', async () => {
    const { service, definitions } = ctx();
    const plain = await newInstance('Plain');
    const once = await service.createRun(plain.id);
    assert.is(once.retries, 0);
    await service.transitionRun(once.id, 'running', { codeHash: 'abc', configuration: {} });
    await service.transitionRun(once.id, 'failed', { error: 'boom' });
    assert.is(await service.createRetry(once.id), undefined);
    definitions.set({ ...minimalDefinition, retries: 3 });
    const instance = await newInstance('Retried');
    const cancelled = await service.createRun(instance.id);
    await service.transitionRun(cancelled.id, 'running', { codeHash: 'abc', configuration: {} });
    await service.transitionRun(cancelled.id, 'cancelled', { error: 'cancelled by request' });
    assert.is(await service.createRetry(cancelled.id), undefined);
    const unstarted = await service.createRun(instance.id);
    await service.transitionRun(unstarted.id, 'failed', { error: 'could not start the run: instance gone' });
    assert.is(await service.createRetry(unstarted.id), undefined);
    const unkept = await service.createRun(instance.id);
    await service.transitionRun(unkept.id, 'running', { codeHash: 'f'.repeat(64), configuration: {} });
    await service.transitionRun(unkept.id, 'failed', { error: 'boom' });
    assert.is(await service.createRetry(unkept.id, { keptCodeOnly: true }), undefined, 'a worker needs the kept code');
    const local = (await service.createRetry(unkept.id))!;
    assert.equal([local.attempt, local.codeSnapshot], [2, null], 'locally, the experiment file as it is');
    const { runs } = await service.createSweep({ experiment: 'my_experiment', name: 'grid', grid: { iterations: [1, 2] } });
    assert.equal(runs.map((run) => run.retries), [3, 3]);
  });

  test('progress is kept on the run row', async () => {
    const { service } = ctx();
    const run = await runningRun();
    await service.saveProgress(run.id, { current: 3, total: 10, message: 'three' });
    assert.equal((await service.getRun(run.id)).progress, { current: 3, total: 10, message: 'three' });
  });

  test('logs append in order and read back with cursor, level filter and limit', async () => {
    const { service } = ctx();
    const run = await runningRun();
    const levels = ['debug', 'info', 'warn', 'error'] as const;
    const batch = Array.from({ length: 25 }, (_, i) => ({
      level: levels[i % 4]!, message: `line ${i + 1}`, metadata: i % 2 ? { i } : undefined, timestamp: 1_700_000_000_000 + i,
    }));
    assert.equal(await service.appendLogs(run.id, batch.slice(0, 10)), { first: 1, last: 10 });
    assert.equal(await service.appendLogs(run.id, batch.slice(10)), { first: 11, last: 25 });
    const page = await service.readLogs(run.id, { limit: 10 });
    assert.equal(page.items.map((l) => l.seq), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.is(page.next, '10');
    assert.equal(page.items[1], { seq: 2, level: 'info', message: 'line 2', metadata: { i: 1 }, timestamp: new Date(1_700_000_000_001).toISOString() });
    assert.is(page.items[0]!.metadata, null);
    const rest = await service.readLogs(run.id, { after: 10 });
    assert.is(rest.items.length, 15);
    assert.is(rest.next, null);
    const errors = await service.readLogs(run.id, { levels: ['warn', 'error'] });
    assert.ok(errors.items.every((l) => l.level === 'warn' || l.level === 'error'));
    assert.is(errors.items.length, 12);
    assert.is((await service.getRun(run.id)).logCount, 25);
    // A window (after, until]: what the export reads, a bounded range of the index.
    assert.equal((await service.readLogs(run.id, { after: 20, until: 23 })).items.map((l) => l.seq), [21, 22, 23]);
    assert.equal((await service.readLogs(run.id, { after: 8, until: 16, levels: ['error'] })).items.map((l) => l.seq), [12, 16]);
    await rejects(service.readLogs(run.id, { until: -1 }), InputError, /until must be a sequence number from 0 to 2147483647, got -1/);
    await rejects(service.readLogs(run.id, { levels: ['loud' as 'info'] }), InputError, /level/);
    await rejects(service.readLogs(MISSING), NotFoundError);
  });

  test('only a running run takes logs and results; bad entries write nothing', async () => {
    const { service } = ctx();
    const instance = await newInstance('Closed');
    const pending = await service.createRun(instance.id);
    await rejects(service.appendLogs(pending.id, [{ level: 'info', message: 'x' }]), ConflictError, /is pending/);
    const run = await runningRun();
    await rejects(service.appendLogs(run.id, [{ level: 'info', message: 'ok' }, { level: 'loud' as 'info', message: 'x' }]), InputError, /logs\[1\]\.level/);
    await rejects(service.appendResults(run.id, [{ key: 'nan', value: { score: NaN } }]), Error, /result "nan"\.score is not JSON: NaN/);
    await rejects(service.appendResults(run.id, [{ key: 'big', value: 10n }]), Error, /result "big" is not JSON: 10n is a BigInt/);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    await rejects(service.appendResults(run.id, [{ key: 'cyc', value: cycle }]), Error, /result "cyc"\.self is not JSON: it contains a cycle/);
    assert.equal((await service.getRun(run.id)).logCount, 0);
    assert.equal((await service.readResults(run.id)).items, []);
    await service.transitionRun(run.id, 'completed');
    await rejects(service.appendResults(run.id, [{ key: 'late', value: 1 }]), ConflictError, /is completed/);
  });

  test('results are append-only series; readers get the latest per key or every point', async () => {
    const { service } = ctx();
    const run = await runningRun();
    await service.appendResults(run.id, [
      { key: 'loss', value: 0.9 }, { key: 'accuracy', value: { top1: 0.5 } }, { key: 'loss', value: 0.5 },
    ]);
    await service.appendResults(run.id, [{ key: 'loss', value: 0.2 }, { key: 'notes', value: ['a', 'b'] }]);
    const latest = await service.readResults(run.id, { view: 'latest' });
    assert.equal(latest.items.map((r) => [r.key, r.value]), [['accuracy', { top1: 0.5 }], ['loss', 0.2], ['notes', ['a', 'b']]]);
    const series = await service.readResults(run.id, { key: 'loss' });
    assert.equal(series.items.map((r) => r.value), [0.9, 0.5, 0.2]);
    assert.equal((await service.readResults(run.id)).items.map((r) => r.seq), [1, 2, 3, 4, 5]);
    assert.equal((await service.readResults(run.id, { after: 1, until: 3 })).items.map((r) => r.value), [{ top1: 0.5 }, 0.5]);
    await rejects(service.readResults(run.id, { view: 'latest', until: 3 }), InputError, /view=latest/);
  });

  test('unicode and 1 MiB values round-trip exactly', async () => {
    const { service } = ctx();
    const run = await runningRun();
    const text = 'héllo 世界 🚀 "quotes" \\back\\slash\n\ttabs \u2028 end';
    const big = 'x'.repeat(1024 * 1024);
    await service.appendLogs(run.id, [{ level: 'info', message: text, metadata: { text } }, { level: 'info', message: big }]);
    await service.appendResults(run.id, [{ key: 'ключ 🔑', value: { text, big } }, { key: 's', value: 'plain string' }]);
    const logs = (await service.readLogs(run.id)).items;
    assert.is(logs[0]!.message, text);
    assert.equal(logs[0]!.metadata, { text });
    assert.is(logs[1]!.message.length, big.length);
    const results = (await service.readResults(run.id)).items;
    assert.equal(results[0]!.value, { text, big });
    assert.is(results[0]!.key, 'ключ 🔑');
    assert.is(results[1]!.value, 'plain string');
  });

  test('a result value and log metadata read back with their keys in the order written', async () => {
    const { service } = ctx();
    const run = await runningRun();
    const value = { iteration: 3, value: 0.5, nested: { zeta: 1, a: 2 }, b: [{ long_key: 1, k: 2 }] };
    await service.appendResults(run.id, [{ key: 'step', value }]);
    await service.appendLogs(run.id, [{ level: 'info', message: 'm', metadata: { iteration: 3, at: 'x' } }]);
    const read = (await service.readResults(run.id)).items[0]!.value;
    assert.is(JSON.stringify(read), JSON.stringify(value));
    assert.is(JSON.stringify((await service.readResults(run.id, { view: 'latest' })).items[0]!.value), JSON.stringify(value));
    assert.is(JSON.stringify((await service.readLogs(run.id)).items[0]!.metadata), '{"iteration":3,"at":"x"}');
  });

  test('NUL characters, which Postgres cannot store, become U+FFFD', async () => {
    const { service } = ctx();
    const run = await runningRun();
    await service.appendLogs(run.id, [{ level: 'info', message: 'a\0b', metadata: { s: 'c\0d', escaped: '\\u0000' } }]);
    await service.appendResults(run.id, [{ key: 'k', value: 'e\0f' }]);
    const [log] = (await service.readLogs(run.id)).items;
    assert.equal([log!.message, log!.metadata], ['a\uFFFDb', { s: 'c\uFFFDd', escaped: '\\u0000' }]);
    assert.is((await service.readResults(run.id)).items[0]!.value, 'e\uFFFDf');
  });

  test('ten concurrent writers append to one run without losing or reordering a row', async () => {
    const { service } = ctx();
    const run = await runningRun();
    const writers = Array.from({ length: 10 }, async (_, w) => {
      for (let b = 0; b < 5; b++) {
        const batch = Array.from({ length: 40 }, (_, i) => ({ level: 'info' as const, message: `${w}:${b * 40 + i}` }));
        await service.appendLogs(run.id, batch);
      }
    });
    await Promise.all(writers);
    const all = [];
    for (let after = 0; ; ) {
      const page = await service.readLogs(run.id, { after, limit: 500 });
      all.push(...page.items);
      if (!page.next) break;
      after = Number(page.next);
    }
    assert.is(all.length, 2000);
    assert.equal(all.map((l) => l.seq), Array.from({ length: 2000 }, (_, i) => i + 1));
    for (let w = 0; w < 10; w++) {
      const mine = all.filter((l) => l.message.startsWith(`${w}:`)).map((l) => Number(l.message.split(':')[1]));
      assert.equal(mine, Array.from({ length: 200 }, (_, i) => i), `writer ${w} kept its order`);
    }
  });

  const encodedLogs = (from: number, count: number, level = 'info') =>
    Array.from({ length: count }, (_, i) => ({ level: level as 'info', message: `line ${from + i}`, metadata: null, timestamp: new Date(1_700_000_000_000 + from + i) }));

  async function allLogSeqs(runId: string): Promise<number[]> {
    const seqs: number[] = [];
    for (let after = 0; ; ) {
      const page = await ctx().service.readLogs(runId, { after, limit: 1000 });
      seqs.push(...page.items.map((l) => l.seq));
      if (!page.next) return seqs;
      after = Number(page.next);
    }
  }

  test("a run's writer takes batches before the previous ones settle and commits them in order", async () => {
    const { service } = ctx();
    const run = await runningRun();
    const writer = service.createRunWriter(run.id);
    let writing = true;
    const seen: number[][] = [];
    const reader = (async () => {
      while (writing) {
        seen.push(await allLogSeqs(run.id));
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })();
    const batches = Array.from({ length: 8 }, (_, b) => writer.appendLogs(encodedLogs(b * 500 + 1, 500)));
    const results = writer.appendResults([{ key: 'loss', value: '0.5', recordedAt: new Date() }, { key: 'loss', value: '0.25', recordedAt: new Date() }]);
    const ranges = await Promise.all(batches);
    writing = false;
    await reader;
    assert.equal(ranges, Array.from({ length: 8 }, (_, b) => ({ first: b * 500 + 1, last: b * 500 + 500 })));
    assert.equal(await results, { first: 1, last: 2 });
    assert.equal(await allLogSeqs(run.id), Array.from({ length: 4000 }, (_, i) => i + 1));
    for (const seqs of seen) assert.equal(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1), 'a reader never sees a later batch before an earlier one');
    const page = await service.readLogs(run.id, { after: 3999 });
    assert.is(page.items[0]!.message, 'line 4000');
    const stored = await service.getRun(run.id);
    assert.equal([stored.logCount, stored.resultCount], [4000, 2]);
    assert.equal(await writer.appendLogs([]), { first: 0, last: 0 });
  });

  test("a writer's batch fails, with every batch after it, when it cannot be stored, another writer got in, or the run stopped", async () => {
    const { service } = ctx();
    const run = await runningRun();
    const writer = service.createRunWriter(run.id);
    const [ok, bad, after] = await Promise.allSettled([
      writer.appendLogs(encodedLogs(1, 10)),
      writer.appendLogs(encodedLogs(11, 10, 'loud')),
      writer.appendLogs(encodedLogs(21, 10)),
    ]);
    assert.equal(ok, { status: 'fulfilled', value: { first: 1, last: 10 } });
    assert.is(bad.status, 'rejected');
    assert.is(after.status, 'rejected');
    assert.equal(await allLogSeqs(run.id), Array.from({ length: 10 }, (_, i) => i + 1));
    assert.is((await service.getRun(run.id)).logCount, 10);

    const other = await runningRun();
    const mine = service.createRunWriter(other.id);
    await mine.appendLogs(encodedLogs(1, 5));
    await service.appendLogs(other.id, [{ level: 'info', message: 'someone else' }]);
    await rejects(mine.appendLogs(encodedLogs(6, 5)), ConflictError, /another writer appended to its logs \(log_count is 6, expected 5\)/);
    assert.is((await service.getRun(other.id)).logCount, 6);

    const stopped = await runningRun();
    const late = service.createRunWriter(stopped.id);
    await late.appendResults([{ key: 'k', value: '1', recordedAt: new Date() }]);
    await service.transitionRun(stopped.id, 'cancelled');
    await rejects(late.appendResults([{ key: 'k', value: '2', recordedAt: new Date() }]), ConflictError, /is cancelled: only a running run/);
    assert.is((await service.readResults(stopped.id)).items.length, 1);
    await rejects(service.createRunWriter(MISSING).appendLogs(encodedLogs(1, 1)), NotFoundError);
  });
}
