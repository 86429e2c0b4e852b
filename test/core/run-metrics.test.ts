// A run's metrics and series (issue 14), the same on every backend: steps numbered right
// across batches and both write paths, latest values, downsampling that keeps extremes.
import * as assert from 'uvu/assert';
import { InputError, NotFoundError } from '../../core/errors.ts';
import type { EncodedResultEntry } from '../../core/experiments-service.ts';
import { suiteForEachBackend } from '../helpers/databases.ts';
import { serviceContext, type ConformanceContext } from './experiments-service.conformance.ts';

const BLOCK = 256;

async function rejects(promise: Promise<unknown>, type: new (...args: any[]) => Error, pattern: RegExp): Promise<void> {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, type, (error as Error).message);
    assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected a ${type.name}`);
}

/** The contract's downsampling, written plainly: min/max per bucket (first step on a tie), first and last kept. */
function expectedSteps(values: number[], points: number): number[] {
  const total = values.length;
  if (total <= points) return values.map((_, i) => i);
  const buckets = Math.floor((points - 2) / 2);
  if (buckets === 0) return [0, total - 1];
  const blocks = Math.ceil(total / BLOCK);
  const fromBlocks = blocks * 2 >= buckets;
  const count = Math.min(buckets, blocks);
  const bucketOf = (step: number) => (fromBlocks ? Math.floor((Math.floor(step / BLOCK) * count) / blocks) : Math.floor((step * buckets) / total));
  const lo = new Map<number, number>();
  const hi = new Map<number, number>();
  values.forEach((value, step) => {
    const b = bucketOf(step);
    if (!lo.has(b) || value < values[lo.get(b)!]!) lo.set(b, step);
    if (!hi.has(b) || value > values[hi.get(b)!]!) hi.set(b, step);
  });
  return [...new Set([0, total - 1, ...lo.values(), ...hi.values()])].sort((a, b) => a - b);
}

/** A bumpy decreasing series with one spike and one dip, so extremes matter. */
const bumpy = (n: number) => Array.from({ length: n }, (_, i) => (i === 417 ? 99 : i === 733 ? -99 : Math.round((15 * Math.exp(-i / 300) + Math.sin(i) * 0.5) * 1000) / 1000));

suiteForEachBackend('run metrics and series', (test, database) => {
  let ctx: ConformanceContext;
  test.before.each(() => {
    ctx = serviceContext(database());
  });

  async function runningRun() {
    const instance = await ctx.service.createInstance({ experiment: 'my_experiment', name: `i-${Math.random()}`, configuration: {} });
    const run = await ctx.service.createRun(instance.id);
    return ctx.service.transitionRun(run.id, 'running', { codeHash: 'abc', owner: 'test' });
  }

  const encoded = (key: string, values: unknown[], start = Date.UTC(2026, 0, 1)): EncodedResultEntry[] =>
    values.map((value, i) => ({ key, value: JSON.stringify(value), recordedAt: new Date(start + i * 1000) }));

  test('steps count the numbers of each key across batches and both write paths; latest values per key', async () => {
    const { service } = ctx;
    const run = await runningRun();
    await service.appendResults(run.id, [
      { key: 'loss', value: 3 }, { key: 'acc', value: 0.5 }, { key: 'loss', value: 'n/a' }, { key: 'loss', value: 2 }, { key: 'notes', value: { a: 1 } },
    ]);
    const writer = service.createRunWriter(run.id);
    await Promise.all([writer.appendResults(encoded('loss', [1.5, 1, true])), writer.appendResults(encoded('loss', [0.5, null, 0.25]))]);
    await service.appendResults(run.id, [{ key: 'acc', value: 0.75 }, { key: 'loss', value: 1e-29 }]);
    const series = await service.readSeries(run.id, { key: 'loss' });
    const lastLoss = (await service.readResults(run.id, { view: 'latest' })).items.find((e) => e.key === 'loss')!;
    assert.equal(series, { key: 'loss', total: 7, lastSeq: lastLoss.seq, points: [[0, 3], [1, 2], [2, 1.5], [3, 1], [4, 0.5], [5, 0.25], [6, 1e-29]] });
    // A batch stores its points before its count: a read in between answers what it counts.
    await database().db.insertInto('run_points').values({ run_id: run.id, key: 'loss', step: 7, value: 9, recorded_at: new Date() }).execute();
    assert.equal(await service.readSeries(run.id, { key: 'loss' }), series);
    const latest = await service.latestMetrics([run.id]);
    assert.equal(Object.fromEntries(latest), { [run.id]: { acc: 0.75, loss: 1e-29 } });
    assert.equal((await service.latestMetrics([run.id], ['acc'])).get(run.id), { acc: 0.75 });
  });

  test('series name an unknown run or key; a key without numbers has an empty series; bad options are refused by name', async () => {
    const { service } = ctx;
    const run = await runningRun();
    await service.appendResults(run.id, [{ key: 'text', value: 'hello' }, { key: 'loss', value: 1 }]);
    assert.equal(await service.readSeries(run.id, { key: 'text' }), { key: 'text', total: 0, lastSeq: 0, points: [] });
    await rejects(service.readSeries(run.id, { key: 'nope' }), NotFoundError, /has no result "nope"/);
    await rejects(service.readSeries('00000000-0000-4000-8000-000000000000', { key: 'loss' }), NotFoundError, /run 00000000-0000-4000-8000-000000000000 not found/);
    await rejects(service.readSeries(run.id, { key: 'loss', points: 1 }), InputError, /points must be an integer from 2 to 10000, got 1/);
    await rejects(service.readSeries(run.id, { key: 'loss', points: 10_001 }), InputError, /points .* got 10001/);
    await rejects(service.readSeries(run.id, { key: 'loss', x: 'epoch' as never }), InputError, /x must be "step" or "time", got "epoch"/);
    await rejects(service.readSeries(run.id, { key: '' }), InputError, /key must name a result key/);
  });

  test('downsampling keeps each bucket\'s extremes and the ends, at most N points, the same every time', async () => {
    const { service } = ctx;
    const run = await runningRun();
    const values = bumpy(1000);
    const writer = service.createRunWriter(run.id);
    await Promise.all([0, 300, 600, 900].map((start) => writer.appendResults(encoded('loss', values.slice(start, start + 300)))));
    // 100 points: 49 buckets from the points themselves; 10 points: 4 buckets of whole blocks.
    for (const points of [100, 10, 2, 999, 1000]) {
      const series = await service.readSeries(run.id, { key: 'loss', points });
      assert.is(series.total, 1000);
      assert.ok(series.points.length <= points, `${series.points.length} points for ${points}`);
      assert.equal(series.points.map(([step]) => step), expectedSteps(values, points), `points=${points}`);
      for (const [step, value] of series.points) assert.is(value, values[step]);
      if (points >= 10) {
        const shown = series.points.map(([, value]) => value);
        assert.ok(shown.includes(99) && shown.includes(-99), 'the spike and the dip are kept');
      }
      assert.equal(await service.readSeries(run.id, { key: 'loss', points }), series, 'deterministic');
    }
  });

  test('x=time puts the recording time first, in time order, extremes kept', async () => {
    const { service } = ctx;
    const run = await runningRun();
    const start = Date.UTC(2026, 0, 1);
    const values = bumpy(600);
    await service.appendResults(run.id, values.map((value, i) => ({ key: 'loss', value, recordedAt: start + i * 1000 })));
    const all = await service.readSeries(run.id, { key: 'loss', x: 'time' });
    assert.equal(all.points.slice(0, 2), [[start, values[0]!], [start + 1000, values[1]!]]);
    for (const points of [50, 6]) {
      const series = await service.readSeries(run.id, { key: 'loss', points, x: 'time' });
      assert.ok(series.points.length <= points);
      const times = series.points.map(([at]) => at);
      assert.equal(times, [...times].sort((a, b) => a - b));
      assert.is(times[0], start);
      assert.is(times[times.length - 1], start + 599_000);
      assert.ok(series.points.some(([, value]) => value === 99));
    }
  });

  test('metrics and series go with their run and instance', async () => {
    const { service, database: { db } } = ctx;
    const run = await runningRun();
    await service.appendResults(run.id, [{ key: 'loss', value: 1 }, { key: 'loss', value: 0.5 }]);
    const count = async (table: 'run_metrics' | 'run_points' | 'run_point_blocks') =>
      Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('run_id', '=', run.id).executeTakeFirstOrThrow()).n);
    assert.equal([await count('run_metrics'), await count('run_points'), await count('run_point_blocks')], [1, 2, 1]);
    await service.deleteInstance(run.instanceId);
    assert.equal([await count('run_metrics'), await count('run_points'), await count('run_point_blocks')], [0, 0, 0]);
  });
});
