/**
 * Issue 14 over HTTP: a run's downsampled series and an experiment's runs table, through a
 * real server and through the UI's typed client; bad parameters answer 400 naming them,
 * unknown runs, keys and experiments 404.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { apiClient, ApiError } from '../../../ui/client/api-client.ts';
import { withServer, type ServerContext } from '../../helpers/http-workbench.ts';

const routes = suite('metric routes: series and the runs table');

/** Two instances, three runs with a loss series each (the third 2,000 points long). */
async function seed({ workbench }: ServerContext) {
  const service = workbench.experiments;
  const ids: string[] = [];
  for (const [i, length] of [3, 5, 2000].entries()) {
    const instance = await service.createInstance({ experiment: 'my_experiment', name: `inst-${i}`, configuration: { iterations: i + 1 } });
    const run = await service.createRun(instance.id);
    await service.transitionRun(run.id, 'running', { configuration: instance.configuration, owner: 'test' });
    const losses = Array.from({ length }, (_, step) => ({ key: 'loss', value: step === 700 ? -5 : 10 / (step + 1) + i }));
    await service.appendResults(run.id, [...losses, { key: 'note', value: 'text' }]);
    await service.transitionRun(run.id, 'completed');
    ids.push(run.id);
  }
  return ids;
}

const expectError = async (promise: Promise<unknown>, status: number, pattern: RegExp) => {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, ApiError);
    assert.is((error as ApiError).status, status, (error as Error).message);
    assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected ${status}`);
};

routes('GET /api/runs/:id/results/series: at most N points, extremes kept, by id or prefix, step or time', async () => {
  await withServer(async (context) => {
    const [short, , long] = await seed(context);
    const { api, base } = context;
    const all = await api('GET', `/api/runs/${short}/results/series?key=loss`);
    assert.is(all.status, 200);
    assert.equal(all.body, { key: 'loss', total: 3, lastSeq: 3, points: [[0, 10], [1, 5], [2, 10 / 3]] });
    const client = apiClient(base);
    const sampled = await client.series(long!.slice(0, 8), 'loss', { points: 50 });
    assert.is(sampled.total, 2000);
    assert.ok(sampled.points.length <= 50 && sampled.points.length > 40, String(sampled.points.length));
    assert.ok(sampled.points.some(([step, value]) => step === 700 && value === -5), 'the dip is kept');
    assert.equal(sampled.points[0], [0, 12]);
    assert.equal(sampled.points[sampled.points.length - 1]![0], 1999);
    const timed = await client.series(long!, 'loss', { points: 10, x: 'time' });
    assert.ok(timed.points.every(([at]) => at > 1_600_000_000_000), 'x is a time in ms');
    assert.equal(await client.series(long!, 'note'), { key: 'note', total: 0, lastSeq: 0, points: [] });
  });
});

routes('series: bad parameters are 400 naming them; unknown run or key 404', async () => {
  await withServer(async (context) => {
    const [run] = await seed(context);
    const { api } = context;
    const cases: [string, number, RegExp][] = [
      [`/api/runs/${run}/results/series`, 400, /key is required/],
      [`/api/runs/${run}/results/series?key=loss&points=abc`, 400, /points must be a whole number from 2 to 10000, got "abc"/],
      [`/api/runs/${run}/results/series?key=loss&points=1`, 400, /points must be an integer from 2 to 10000, got 1/],
      [`/api/runs/${run}/results/series?key=loss&points=10001`, 400, /got 10001/],
      [`/api/runs/${run}/results/series?key=loss&x=epoch`, 400, /x must be "step" or "time", got "epoch"/],
      [`/api/runs/${run}/results/series?key=accuracy`, 404, /has no result "accuracy"/],
      ['/api/runs/00000000-0000-4000-8000-000000000000/results/series?key=loss', 404, /not found/],
    ];
    for (const [path, status, pattern] of cases) {
      const response = await api('GET', path);
      assert.is(response.status, status, path);
      assert.match(response.body.error, pattern);
    }
  });
});

routes('GET /api/experiments/:name/runs: sorted by a metric, filtered, paged with a cursor, total and columns', async () => {
  await withServer(async (context) => {
    const ids = await seed(context);
    const client = apiClient(context.base);
    const first = await client.experimentRuns('my_experiment', { sort: 'metrics.loss:desc', limit: 2 });
    assert.equal(first.items.map((item) => item.id), [ids[0], ids[1]]);
    assert.is(first.total, 3);
    assert.equal(first.columns, { configuration: ['iterations'], metrics: ['loss'] });
    assert.equal(first.items[0]!.metrics, { loss: 10 / 3 });
    assert.is(first.items[0]!.instanceName, 'inst-0');
    const second = await client.experimentRuns('my_experiment', { sort: 'metrics.loss:desc', limit: 2, cursor: first.next });
    assert.equal(second.items.map((item) => item.id), [ids[2]]);
    assert.is(second.next, null);
    const filtered = await client.experimentRuns('my_experiment', { sort: 'metrics.loss', filters: ['metrics.loss<=3', 'config.iterations>=1'], columns: ['metrics.loss'] });
    assert.equal(filtered.items.map((item) => item.id), [ids[2], ids[1]]);
    assert.equal(filtered.items[0]!.configuration, {});
    const raw = await context.api('GET', '/api/experiments/my_experiment/runs?filter=status%3Dcompleted&filter=instance%3Dinst-0&sort=startedAt');
    assert.equal(raw.body.items.map((item: { id: string }) => item.id), [ids[0]]);
  });
});

routes('runs table: bad sort, filter, columns, limit or cursor are 400 naming them; an unknown experiment 404', async () => {
  await withServer(async (context) => {
    await seed(context);
    const client = apiClient(context.base);
    await expectError(client.experimentRuns('nope'), 404, /unknown experiment "nope"/);
    await expectError(client.experimentRuns('my_experiment', { sort: 'colour:desc' }), 400, /sort "colour:desc": unknown column "colour"/);
    await expectError(client.experimentRuns('my_experiment', { filters: ['metrics.loss<low'] }), 400, /filter "metrics.loss<low"/);
    await expectError(client.experimentRuns('my_experiment', { columns: ['weight'] }), 400, /columns: unknown column "weight"/);
    await expectError(client.experimentRuns('my_experiment', { limit: 0 }), 400, /limit must be a whole number from 1 to 500, got 0/);
    await expectError(client.experimentRuns('my_experiment', { cursor: 'xyz' }), 400, /cursor "xyz" is not a cursor/);
    const response = await context.api('GET', '/api/experiments/my_experiment/runs?limit=ten');
    assert.is(response.status, 400);
    assert.match(response.body.error, /query parameter limit must be a whole number/);
  });
});

routes.run();
