// An experiment's runs table (issue 14), the same on every backend: sorted, filtered and
// paged in SQL, with totals, latest metrics and the columns a table can offer.
import * as assert from 'uvu/assert';
import { InputError, NotFoundError } from '../../core/errors.ts';
import type { ExperimentsService, ListExperimentRunsOptions } from '../../core/experiments-service.ts';
import type { RunStatus } from '../../core/records.ts';
import { suiteForEachBackend } from '../helpers/databases.ts';
import { serviceContext, type ConformanceContext } from './experiments-service.conformance.ts';

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

interface Seeded {
  name: string;
  id: string;
  instanceId: string;
  status: RunStatus;
  loss?: number;
}

/**
 * Eight runs of four instances: losses 0.8 … 0.1 on the completed ones, one failed run
 * without a loss, a pending one without configuration; started a minute apart, durations
 * 10 s × the index.
 */
async function seedTable(service: ExperimentsService, db: ConformanceContext['database']['db']): Promise<Seeded[]> {
  const seeded: Seeded[] = [];
  const instances = [];
  for (const [i, model] of ['small', 'large', 'small', 'large'].entries()) {
    instances.push(await service.createInstance({
      experiment: 'my_experiment', name: `inst-${i}`, configuration: { iterations: 10 * (i + 1), model, sampling: { temperature: i / 10 } },
    }));
  }
  const base = Date.UTC(2026, 0, 1);
  for (let r = 0; r < 8; r++) {
    const instance = instances[r % 4]!;
    const run = await service.createRun(instance.id);
    const name = `run-${r}`;
    if (r === 7) {
      seeded.push({ name, id: run.id, instanceId: instance.id, status: 'pending' });
      await db.updateTable('runs').set({ created_at: new Date(base + r * 60_000) }).where('id', '=', run.id).execute();
      continue;
    }
    await service.transitionRun(run.id, 'running', { configuration: instance.configuration, owner: 't' });
    const loss = r === 6 ? undefined : (8 - r) / 10;
    const losses = loss === undefined ? [] : [{ key: 'loss', value: 9 }, { key: 'loss', value: loss }];
    await service.appendResults(run.id, [...losses, { key: 'acc', value: r }]);
    const status: RunStatus = r === 6 ? 'failed' : 'completed';
    await service.transitionRun(run.id, status);
    await db
      .updateTable('runs')
      .set({ created_at: new Date(base + r * 60_000 - 1000), started_at: new Date(base + r * 60_000), completed_at: new Date(base + r * 60_000 + (r + 1) * 10_000) })
      .where('id', '=', run.id)
      .execute();
    seeded.push({ name, id: run.id, instanceId: instance.id, status, ...(loss === undefined ? {} : { loss }) });
  }
  return seeded;
}

suiteForEachBackend('experiment runs table', (test, database) => {
  let ctx: ConformanceContext;
  let runs: Seeded[];
  test.before.each(async () => {
    ctx = serviceContext(database());
    runs = await seedTable(ctx.service, ctx.database.db);
  });

  const list = (options: ListExperimentRunsOptions = {}) => ctx.service.listExperimentRuns('my_experiment', options);
  const names = (items: { id: string }[]) => items.map((item) => runs.find((run) => run.id === item.id)!.name);

  test('default: newest started first (a pending run by its creation), every run with its instance, configuration and metrics', async () => {
    const page = await list();
    assert.equal(names(page.items), ['run-7', 'run-6', 'run-5', 'run-4', 'run-3', 'run-2', 'run-1', 'run-0']);
    assert.is(page.total, 8);
    assert.is(page.next, null);
    const first = page.items.find((item) => item.id === runs[1]!.id)!;
    assert.equal(first.configuration, { iterations: 20, model: 'large', sampling: { temperature: 0.1 } });
    assert.equal(first.metrics, { acc: 1, loss: 0.7 });
    assert.is(first.instanceName, 'inst-1');
    assert.is(first.status, 'completed');
    assert.is(first.startedAt, new Date(Date.UTC(2026, 0, 1) + 60_000).toISOString());
    assert.is(page.items[0]!.configuration, null, 'a pending run has no configuration yet');
    assert.equal(page.columns, { configuration: ['iterations', 'model', 'sampling.temperature'], metrics: ['acc', 'loss'] });
  });

  test('sorted by a metric either way: runs without it last; by duration, config, instance, status', async () => {
    const byLoss = names((await list({ sort: 'metrics.loss' })).items);
    assert.equal(byLoss.slice(0, 6), ['run-5', 'run-4', 'run-3', 'run-2', 'run-1', 'run-0']);
    assert.equal(byLoss.slice(6).sort(), ['run-6', 'run-7'], 'runs without the metric come last (by id)');
    assert.equal(names((await list({ sort: 'metrics.loss:desc' })).items).slice(0, 3), ['run-0', 'run-1', 'run-2']);
    assert.equal(names((await list({ sort: 'metrics.loss:desc' })).items).slice(6).sort(), ['run-6', 'run-7']);
    assert.equal(names((await list({ sort: 'duration:desc' })).items), ['run-6', 'run-5', 'run-4', 'run-3', 'run-2', 'run-1', 'run-0', 'run-7']);
    const byTemperature = (await list({ sort: 'config.sampling.temperature:desc', filters: ['status=completed'] })).items;
    assert.equal(byTemperature.map((item) => (item.configuration as { sampling: { temperature: number } }).sampling.temperature), [0.3, 0.2, 0.1, 0.1, 0, 0]);
    assert.equal((await list({ sort: 'instance' })).items.map((item) => item.instanceName), ['inst-0', 'inst-0', 'inst-1', 'inst-1', 'inst-2', 'inst-2', 'inst-3', 'inst-3']);
    assert.equal((await list({ sort: 'status' })).items.map((item) => item.status), [...Array(6).fill('completed'), 'failed', 'pending']);
  });

  test('filters by status, instance (id or name), configuration value and metric range; total counts the matches', async () => {
    const completed = await list({ filters: ['status=completed'] });
    assert.is(completed.total, 6);
    assert.is((await list({ filters: ['status=failed|pending'] })).total, 2);
    assert.is((await list({ filters: ['status!=completed'] })).total, 2);
    assert.equal(names((await list({ filters: [`instance=inst-1|${runs[2]!.instanceId}`], sort: 'metrics.loss' })).items), ['run-5', 'run-2', 'run-1', 'run-6']);
    assert.is((await list({ filters: ['config.model=large'] })).total, 3);
    assert.is((await list({ filters: ['config.model=large|small', 'status=completed'] })).total, 6);
    assert.is((await list({ filters: ['config.iterations=20'] })).total, 2);
    assert.is((await list({ filters: ['config.iterations>=30'] })).total, 3);
    assert.is((await list({ filters: ['config.sampling.temperature<0.15', 'status=completed'] })).total, 4);
    assert.is((await list({ filters: ['config.model>1'] })).total, 0, 'a text value never compares as a number');
    const range = await list({ filters: ['metrics.loss>0.25', 'metrics.loss<=0.6'], sort: 'metrics.loss' });
    assert.equal(names(range.items), ['run-5', 'run-4', 'run-3', 'run-2']);
    assert.is(range.total, 4);
    assert.is((await list({ filters: ['metrics.loss!=0.5'] })).total, 5, 'a run without the metric fails a metric filter');
    // Bounds read off the page (0.6 shown for 0.6000000000000001) keep the rows shown as them.
    assert.is((await list({ filters: ['metrics.loss>=0.6000000000000001'] })).total, 3);
    assert.is((await list({ filters: ['metrics.loss<=0.29999999999999993'] })).total, 1);
    assert.is((await list({ filters: ['metrics.loss=0.30000000000000004'] })).total, 1);
    assert.is((await list({ filters: ['config.sampling.temperature>=0.30000000000000004'] })).total, 1);
  });

  test('pages with a cursor, in any sort, every row once', async () => {
    for (const sort of ['metrics.loss', 'metrics.loss:desc', 'startedAt:desc', 'duration', 'config.model:desc', 'instance', 'run']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await list({ sort, limit: 3, cursor });
        assert.is(page.total, 8);
        seen.push(...page.items.map((item) => item.id));
        cursor = page.next;
        pages++;
      } while (cursor && pages < 10);
      assert.is(pages, 3, sort);
      assert.equal([...seen].sort(), runs.map((run) => run.id).sort(), sort);
      assert.equal(seen, (await list({ sort, limit: 8 })).items.map((item) => item.id), `${sort}: pages read as one`);
    }
  });

  test('columns follow new configuration fields and metric keys as runs start and record', async () => {
    const { service } = ctx;
    assert.equal((await list()).columns, { configuration: ['iterations', 'model', 'sampling.temperature'], metrics: ['acc', 'loss'] });
    const run = await service.createRun(runs[0]!.instanceId);
    await service.transitionRun(run.id, 'running', { configuration: { iterations: 5, extra: { depth: 2 } }, owner: 't' });
    await service.appendResults(run.id, [{ key: 'bleu', value: 0.3 }]);
    assert.equal((await list()).columns, { configuration: ['extra.depth', 'iterations', 'model', 'sampling.temperature'], metrics: ['acc', 'bleu', 'loss'] });
    await service.deleteInstance(runs[0]!.instanceId);
    assert.equal((await list()).columns.metrics, ['acc', 'loss'], 'gone with the runs that had them');
    assert.equal((await list()).columns.configuration, ['iterations', 'model', 'sampling.temperature']);
  });

  test('columns choose the configuration fields and metrics rows carry', async () => {
    const page = await list({ columns: ['config.sampling.temperature', 'metrics.loss', 'status'], filters: [`instance=${runs[1]!.instanceId}`], sort: 'startedAt' });
    assert.equal(page.items[0]!.configuration, { sampling: { temperature: 0.1 } });
    assert.equal(page.items[0]!.metrics, { loss: 0.7 });
    assert.equal((await list({ columns: 'config.model' })).items[1]!.metrics, {});
  });

  test('unknown experiments are not found; bad sort, filter, columns, limit and cursor are refused by name', async () => {
    await rejects(ctx.service.listExperimentRuns('nope'), NotFoundError, /unknown experiment "nope"/);
    await rejects(list({ sort: 'colour' }), InputError, /sort "colour": unknown column "colour"/);
    await rejects(list({ sort: 'config.' }), InputError, /is not a configuration path/);
    await rejects(list({ filters: ['metrics.loss<abc'] }), InputError, /filter "metrics.loss<abc": write metrics.<key><op>NUMBER/);
    await rejects(list({ filters: ['config.iterations>ten'] }), InputError, /filter "config.iterations>ten": the value must be a number, got "ten"/);
    await rejects(list({ filters: ['status=done'] }), InputError, /status must be among .* got "done"/);
    await rejects(list({ filters: ['colour=red'] }), InputError, /filter "colour=red": a filter starts with status/);
    await rejects(list({ columns: ['metrics.'] }), InputError, /columns: unknown column "metrics."/);
    await rejects(list({ sort: 'metrics.loss:up' }), InputError, /sort "metrics.loss:up": the direction must be asc or desc/);
    await rejects(list({ sort: 'metrics.loss:desc:asc' }), InputError, /sort "metrics.loss:desc:asc": the direction must be asc or desc/);
    await rejects(list({ sort: 'metrics.los' }), InputError, /sort "metrics.los": no run of this experiment has "metrics.los"; did you mean "metrics.loss"\?/);
    await rejects(list({ filters: ['metrics.acc_x>1'] }), InputError, /filter: no run of this experiment has "metrics.acc_x"/);
    await rejects(list({ filters: ['config.modle=small'] }), InputError, /no run of this experiment has "config.modle"; did you mean "config.model"\?/);
    await rejects(list({ columns: ['config.sampling.temp'] }), InputError, /columns: no run of this experiment has "config.sampling.temp"/);
    await rejects(list({ limit: 501 }), InputError, /limit must be a whole number from 1 to 500, got 501/);
    await rejects(list({ cursor: 'garbage' }), InputError, /cursor "garbage" is not a cursor of this list/);
    const page = await list({ limit: 2, sort: 'metrics.loss' });
    await rejects(list({ limit: 2, sort: 'duration', cursor: page.next }), InputError, /cursor belongs to the sort "metrics.loss:asc"/);
  });
});
