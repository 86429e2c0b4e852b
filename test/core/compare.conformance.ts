/**
 * Comparing runs in the experiments service (issue 14): configuration, metrics, series and
 * code side by side, and every bad request refused by name — the same on every backend
 * (run from experiments-service.test.ts, once per backend).
 */
import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import { AmbiguousIdError, InputError, NotFoundError } from '../../core/errors.ts';
import type { CodeSnapshot } from '../../core/records.ts';
import type { ConformanceContext } from './experiments-service.conformance.ts';

const MISSING = '00000000-0000-4000-8000-000000000000';
/** Code hashes of this test process (code snapshots outlive a test's tables). */
const RUN = Math.random().toString(16).slice(2, 10).padEnd(8, '0');
const hash = (char: string) => `${RUN}${char.repeat(56)}`;

function snapshot(char: string, source: string): CodeSnapshot {
  return {
    hash: hash(char),
    entry: 'my_experiment.ts',
    files: [
      { path: 'my_experiment.ts', bytes: source.length, source },
      { path: 'lib/util.ts', bytes: 10, source: 'export const a = 1;\n' },
    ],
    bytes: source.length + 10,
    note: null,
  };
}

export function defineCompareConformance(test: Test, ctx: () => ConformanceContext): void {
  /** A run of a new instance, started with `configuration` and code `codeHash`, that recorded `results` and completed. */
  async function run(name: string, configuration: Record<string, unknown>, results: [string, unknown][], codeHash = hash('a')) {
    const { service } = ctx();
    const instance = await service.createInstance({ experiment: 'my_experiment', name, configuration });
    const created = await service.createRun(instance.id);
    await service.transitionRun(created.id, 'running', { codeHash, configuration: service.runConfiguration(instance) });
    if (results.length > 0) await service.appendResults(created.id, results.map(([key, value]) => ({ key, value })));
    return service.transitionRun(created.id, 'completed');
  }

  async function rejects<E extends Error>(promise: Promise<unknown>, type: new (...args: any[]) => E, message: string | RegExp): Promise<void> {
    try {
      await promise;
    } catch (error) {
      assert.instance(error, type, `expected ${type.name}, got ${(error as Error)?.name}: ${(error as Error)?.message}`);
      if (typeof message === 'string') assert.is((error as Error).message, message);
      else assert.match((error as Error).message, message);
      return;
    }
    assert.unreachable(`expected a ${type.name}`);
  }

  test('compareRuns: configuration by field (changed first), metrics with deltas, goal and best, in the order given', async () => {
    const { service } = ctx();
    const a = await run('a', { iterations: 5, sampling: { temperature: 0.5 } }, [['loss', 0.9], ['loss', 0.4], ['accuracy', 0.7], ['note', 'text'], ['latency_ms', 30]]);
    const b = await run('b', { iterations: 5, model: 'large', sampling: { temperature: 0.5 } }, [['loss', 0.8], ['loss', 0.3], ['accuracy', 0.9], ['answer_len', 12]]);
    const c = await run('c', { iterations: 7, sampling: { temperature: 0.5 } }, [['loss', 0.5], ['accuracy', 0.9], ['latency_ms', 20]]);
    const comparison = await service.compareRuns([a.id, b.id.slice(0, 8), c.id.toUpperCase()]);
    assert.equal(comparison.runs.map((r) => [r.id, r.instanceName, r.experiment, r.status]), [
      [a.id, 'a', 'my_experiment', 'completed'],
      [b.id, 'b', 'my_experiment', 'completed'],
      [c.id, 'c', 'my_experiment', 'completed'],
    ]);
    assert.is(comparison.baseline, a.id);
    assert.equal(comparison.configuration, [
      { field: 'iterations', values: [5, 5, 7], absent: [], changed: true },
      { field: 'model', values: ['small', 'large', 'small'], absent: [], changed: true },
      { field: 'sampling.temperature', values: [0.5, 0.5, 0.5], absent: [], changed: false },
    ]);
    assert.equal(comparison.metrics, [
      { key: 'accuracy', values: [0.7, 0.9, 0.9], deltas: [0, 0.2, 0.2], goal: 'max', best: 1 },
      { key: 'answer_len', values: [null, 12, null], deltas: [null, null, null], goal: 'max', best: 1 },
      { key: 'latency_ms', values: [30, null, 20], deltas: [0, null, -10], goal: 'min', best: 2 },
      { key: 'loss', values: [0.4, 0.3, 0.5], deltas: [0, -0.1, 0.1], goal: 'min', best: 1 },
    ]);
    // The result that is not a number: a's note, side by side with the runs that have none.
    assert.equal(comparison.results, [{ key: 'note', values: ['text', null, null], absent: [1, 2], changed: true }]);
    const againstC = await service.compareRuns([a.id, b.id, c.id], { baseline: c.id.slice(0, 10) });
    assert.is(againstC.baseline, c.id);
    assert.equal(againstC.metrics.find((row) => row.key === 'loss')!.deltas, [-0.1, -0.2, 0]);
  });

  test('compareRuns: a series per key with 2+ numeric values in some run, each run downsampled to at most `points`', async () => {
    const { service } = ctx();
    const long = Array.from({ length: 200 }, (_, i): [string, unknown] => ['loss', i === 120 ? 100 : i === 60 ? -5 : 50 - i / 10]);
    const a = await run('a', {}, [...long, ['accuracy', 0.5], ['step_time', 1], ['step_time', 'n/a']]);
    const b = await run('b', {}, [['loss', 3], ['loss', 2], ['loss', 1], ['accuracy', 0.6]]);
    const comparison = await service.compareRuns([a.id, b.id], { points: 20 });
    assert.equal(comparison.series.map((s) => s.key), ['loss'], 'accuracy has one value per run; step_time one number');
    const [ofA, ofB] = comparison.series[0]!.runs;
    assert.equal([ofA!.run, ofA!.total], [a.id, 200]);
    assert.ok(ofA!.points.length <= 20, `${ofA!.points.length} points`);
    const steps = ofA!.points.map(([step]) => step);
    assert.equal(steps, [...steps].sort((x, y) => x - y), 'in step order');
    assert.equal([steps[0], steps.at(-1)], [0, 199], 'both ends kept');
    assert.ok(ofA!.points.some(([step, value]) => step === 120 && value === 100), 'the peak kept');
    assert.ok(ofA!.points.some(([step, value]) => step === 60 && value === -5), 'the trough kept');
    assert.equal(ofB, { run: b.id, total: 3, points: [[0, 3], [1, 2], [2, 1]] });
    assert.equal(await service.compareRuns([a.id, b.id], { points: 20 }), comparison, 'deterministic');
  });

  test('compareRuns: code hashes, and a unified diff per changed file of each differing snapshot against the baseline', async () => {
    const { service } = ctx();
    await service.storeCodeSnapshot(snapshot('a', 'export const rate = 1;\nexport function run() {}\n'));
    const changed = snapshot('b', 'export const rate = 2;\nexport function run() {}\n');
    await service.storeCodeSnapshot({ ...changed, files: [...changed.files.slice(0, 1), { path: 'lib/new.ts', bytes: 5, source: 'new\n' }] });
    const a = await run('a', {}, [], hash('a'));
    const b = await run('b', {}, [], hash('b'));
    const same = await run('same', {}, [], hash('a'));
    const comparison = await service.compareRuns([a.id, b.id, same.id]);
    assert.equal(comparison.code.hashes, [hash('a'), hash('b'), hash('a')]);
    assert.is(comparison.code.same, false);
    assert.is(comparison.code.diffs.length, 1, 'only the run whose code differs');
    const [diff] = comparison.code.diffs;
    assert.equal([diff!.run, diff!.from, diff!.to], [b.id, hash('a'), hash('b')]);
    assert.equal(diff!.files.map((f) => [f.path, f.change]), [['my_experiment.ts', 'changed'], ['lib/util.ts', 'removed'], ['lib/new.ts', 'added']]);
    assert.match(diff!.files[0]!.diff, `--- a/my_experiment.ts\tcode ${hash('a').slice(0, 12)}\n+++ b/my_experiment.ts\tcode ${hash('b').slice(0, 12)}\n`);
    assert.match(diff!.files[0]!.diff, '-export const rate = 1;\n+export const rate = 2;\n');
    assert.match(diff!.files[2]!.diff, '+new\n');
    const alike = await service.compareRuns([a.id, same.id]);
    assert.equal(alike.code, { hashes: [hash('a'), hash('a')], same: true, diffs: [] });
  });

  test('compareRuns: a run not yet started shows the configuration its instance gives it', async () => {
    const { service } = ctx();
    const a = await run('a', { iterations: 3 }, []);
    const instance = await service.createInstance({ experiment: 'my_experiment', name: 'waiting', configuration: { iterations: 4 } });
    const pending = await service.createRun(instance.id);
    await service.updateInstance(instance.id, { configuration: { iterations: 9 } });
    const comparison = await service.compareRuns([a.id, pending.id]);
    assert.equal(comparison.runs[1]!.status, 'pending');
    assert.equal(comparison.configuration[0], { field: 'iterations', values: [3, 4], absent: [], changed: true }, 'the version it was created from, not the edit');
    assert.equal(comparison.code.hashes, [hash('a'), null]);
  });

  test('compareRuns refuses a bad request by name', async () => {
    const { service, database } = ctx();
    const a = await run('a', {}, []);
    const b = await run('b', {}, []);
    await rejects(service.compareRuns([a.id]), InputError, 'a comparison takes 2 to 20 runs, got 1');
    await rejects(service.compareRuns(Array.from({ length: 21 }, () => a.id)), InputError, 'a comparison takes 2 to 20 runs, got 21');
    await rejects(service.compareRuns([a.id, MISSING, 'ffffffff', b.id]), NotFoundError, `runs not found: "${MISSING}", "ffffffff"`);
    await rejects(service.compareRuns([a.id, 'not-an-id']), NotFoundError, 'run not found: "not-an-id"');
    await rejects(service.compareRuns([a.id, a.id.slice(0, 8)]), InputError, `run ${a.id} is given twice: a comparison shows each run once`);
    await rejects(service.compareRuns([a.id, 'abc']), InputError, /a run id prefix must have at least 8 hex characters/);
    await rejects(service.compareRuns([a.id, b.id], { baseline: MISSING }), InputError, `baseline ${MISSING} is not one of the compared runs`);
    await rejects(service.compareRuns([a.id, b.id], { points: 1 }), InputError, 'points must be an integer from 2 to 10000, got 1');
    await rejects(service.compareRuns([a.id, b.id], { points: 10_001 }), InputError, 'points must be an integer from 2 to 10000, got 10001');
    // Two runs whose ids share a prefix: the prefix names neither.
    const instance = await service.createInstance({ experiment: 'my_experiment', name: 'twins', configuration: {} });
    for (const id of ['3063c6fc-0000-4000-8000-000000000001', '3063c6fc-0000-4000-8000-000000000002']) {
      await database.db.insertInto('runs').values({ id, instance_id: instance.id, status: 'pending', options: '{}', created_at: new Date() }).execute();
    }
    await rejects(service.compareRuns([a.id, '3063c6fc']), AmbiguousIdError, /prefix 3063c6fc matches 2 runs/);
  });
}
