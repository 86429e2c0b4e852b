/**
 * Lists of instances that scale (issue 14): name search, pages with a cursor and a total,
 * and each instance's latest run with headline metrics — the same on every backend (run
 * from experiments-service.test.ts, once per backend).
 */
import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError } from '../../core/errors.ts';
import type { Instance, InstanceSort } from '../../core/records.ts';
import type { ConformanceContext } from './experiments-service.conformance.ts';

export function defineInstanceListConformance(test: Test, ctx: () => ConformanceContext): void {
  const newInstance = (name: string) => ctx().service.createInstance({ experiment: 'my_experiment', name, configuration: {} });

  /** A run of `instanceId` that recorded `results` (in order) and ended `status`. */
  async function finishedRun(instanceId: string, results: [string, unknown][], status: 'completed' | 'failed' = 'completed') {
    const { service } = ctx();
    const run = await service.createRun(instanceId);
    await service.transitionRun(run.id, 'running', { codeHash: 'h' });
    if (results.length > 0) await service.appendResults(run.id, results.map(([key, value]) => ({ key, value })));
    return service.transitionRun(run.id, status, status === 'failed' ? { error: 'boom' } : {});
  }

  async function rejectsInput(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
    try {
      await promise;
    } catch (error) {
      assert.instance(error, InputError, `expected an InputError, got ${(error as Error).message}`);
      assert.match((error as Error).message, pattern);
      return;
    }
    assert.unreachable('expected an InputError');
  }

  test('listInstances: each instance carries its latest run with up to 3 headline metrics', async () => {
    const { service } = ctx();
    const ran = await newInstance('ran');
    const never = await newInstance('never ran');
    await finishedRun(ran.id, [['loss', 3]], 'failed');
    const latest = await finishedRun(ran.id, [
      ['step', 1],
      ['loss', 0.9],
      ['loss', 0.5],
      ['accuracy', 0.8],
      ['note', 'text is no metric'],
      ['lr', 0.01],
      ['zeta', 7],
      ['sample', { text: 'an object is no metric' }],
    ]);
    const listed = await service.listInstances();
    const byName = Object.fromEntries(listed.map((i) => [i.name, i]));
    assert.is(byName['never ran']!.latestRun, null);
    const run = byName.ran!.latestRun!;
    assert.equal([run.id, run.status, run.createdAt, run.completedAt, run.codeHash], [latest.id, 'completed', latest.createdAt, latest.completedAt, 'h']);
    // Measures before counters (step), in natural order; the latest value of a series.
    assert.equal(run.metrics, { accuracy: 0.8, loss: 0.5, lr: 0.01 });
    assert.is(never.runCounts.total, 0);
  });

  test('listInstances: a latest run still pending has no metrics yet', async () => {
    const { service } = ctx();
    const instance = await newInstance('waiting');
    await finishedRun(instance.id, [['loss', 1]]);
    const pending = await service.createRun(instance.id);
    const [listed] = await service.listInstances();
    assert.equal(listed!.latestRun, { id: pending.id, status: 'pending', createdAt: pending.createdAt, startedAt: null, completedAt: null, metrics: {}, codeHash: null });
  });

  test('listInstances: q finds names containing the text, case aside; experiment narrows', async () => {
    const { service } = ctx();
    for (const name of ['Baseline', 'baseline · model=large', 'Ablation', 'ÉTÉ run']) await newInstance(name);
    const names = async (q: string) => (await service.listInstances({ q, sort: 'name' })).map((i) => i.name);
    assert.equal(await names('BASE'), ['Baseline', 'baseline · model=large']);
    assert.equal(await names('line · m'), ['baseline · model=large']);
    assert.equal(await names('été'), ['ÉTÉ run']);
    assert.equal(await names('%'), [], 'no wildcard: % is text');
    assert.equal(await names(''), ['Ablation', 'Baseline', 'baseline · model=large', 'ÉTÉ run']);
    assert.equal(await service.listInstances({ experiment: 'other', q: 'base' }), []);
  });

  test('pageInstances: pages in the order of the whole list, with a total, for every sort', async () => {
    const { service } = ctx();
    const made: Instance[] = [];
    for (const name of ['run 10', 'run 2', 'Run 1', 'other', 'run 3', 'run 20', 'run 4']) made.push(await newInstance(name));
    await finishedRun(made[3]!.id, [['loss', 1]]);
    await finishedRun(made[0]!.id, [['loss', 2]]);
    for (const sort of ['activity', 'name', 'created'] as InstanceSort[]) {
      const whole = (await service.listInstances({ sort, q: 'run' })).map((i) => i.name);
      const paged: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await service.pageInstances({ sort, q: 'run', limit: 2, cursor });
        assert.is(page.total, 6, 'total counts every match, not the page');
        assert.ok(page.items.length <= 2);
        paged.push(...page.items.map((i) => i.name));
        cursor = page.next;
        pages++;
      } while (cursor);
      assert.equal(paged, whole, `sort=${sort}`);
      assert.is(pages, 3);
    }
    assert.equal((await service.listInstances({ sort: 'name', q: 'run' })).map((i) => i.name), ['Run 1', 'run 2', 'run 3', 'run 4', 'run 10', 'run 20']);
    const first = await service.pageInstances({ sort: 'activity', limit: 2 });
    assert.equal(first.items.map((i) => i.name), ['run 10', 'other'], 'latest run first');
    assert.equal(first.items[0]!.latestRun!.metrics, { loss: 2 });
    assert.is(first.items[0]!.runCounts.completed, 1);
  });

  test('pageInstances: a page cursor keeps its place when instances come and go', async () => {
    const { service } = ctx();
    for (const name of ['a', 'b', 'c', 'd']) await newInstance(name);
    const first = await service.pageInstances({ sort: 'name', limit: 2 });
    assert.equal(first.items.map((i) => i.name), ['a', 'b']);
    await service.deleteInstance(first.items[0]!.id);
    await newInstance('aa');
    const second = await service.pageInstances({ sort: 'name', limit: 2, cursor: first.next });
    assert.equal(second.items.map((i) => i.name), ['c', 'd']);
    assert.is(second.next, null);
    assert.is(second.total, 4);
    const none = await service.pageInstances({ q: 'nothing like it', limit: 5 });
    assert.equal(none, { items: [], next: null, total: 0 });
  });

  test('pageInstances refuses a bad limit, cursor or sort by name', async () => {
    const { service } = ctx();
    await newInstance('a');
    await rejectsInput(service.pageInstances({ limit: 0 }), /limit must be a whole number from 1 to 500, got 0/);
    await rejectsInput(service.pageInstances({ limit: 501 }), /limit must be a whole number from 1 to 500, got 501/);
    await rejectsInput(service.pageInstances({ limit: 1.5 }), /limit must be a whole number from 1 to 500, got 1.5/);
    await rejectsInput(service.pageInstances({ limit: 5, cursor: 'garbage' }), /cursor "garbage" is not one this server gave/);
    const page = await service.pageInstances({ limit: 1, sort: 'name' });
    await newInstance('b');
    const next = await service.pageInstances({ limit: 1, sort: 'name' });
    await rejectsInput(service.pageInstances({ limit: 1, sort: 'created', cursor: next.next }), /cursor was given for sort=name, not sort=created/);
    await rejectsInput(service.pageInstances({ limit: 1, sort: 'size' as InstanceSort }), /sort must be one of activity, name, created, got "size"/);
    await rejectsInput(service.listInstances({ q: 5 as unknown as string }), /q must be the text to search names for, got 5/);
    assert.is(page.next, null);
  });
}
