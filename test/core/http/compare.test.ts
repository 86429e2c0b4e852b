// GET /api/compare (issue 14): real runs side by side — configuration, metrics, series, and the diff of their code.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { withServer, type ServerContext } from '../../helpers/http-workbench.ts';
import { until } from '../../helpers/until.ts';

const test = suite('HTTP API: GET /api/compare');
const FIXTURE = 'test/fixtures/compare/sweep_fixture.ts';

const ended = (ctx: ServerContext, id: string) =>
  until(async () => {
    const { body } = await ctx.api('GET', `/api/runs/${id}`);
    return ['completed', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
  }, `run ${id} to end`, 60_000);

test('compares runs of a sweep and a run of edited code: changed fields, metrics and best, series, code diff', async () => {
  await withServer(
    async (ctx) => {
      const { api } = ctx;
      const sweep = await api('POST', '/api/sweeps', { experiment: 'sweep_fixture', name: 'cmp', configuration: { steps: 3 }, grid: { model: ['small', 'large'] } });
      assert.is(sweep.status, 201);
      const [small, large] = sweep.body.runs.map((run: { id: string }) => run.id);
      const [before] = [await ended(ctx, small), await ended(ctx, large)];
      // The same experiment with a faster falling loss: a run of other code.
      const { body: file } = await api('GET', '/api/experiments/sweep_fixture/source');
      const edited = file.source.replace('(scale / (step + 1))', '(scale / (step + 1) / 2)');
      assert.is((await api('PUT', '/api/experiments/sweep_fixture/source', { source: edited })).status, 200);
      await until(async () => (await api('GET', '/api/experiments/sweep_fixture')).body.codeHash !== before.codeHash || undefined, 'the edit to load');
      const rerun = await api('POST', `/api/runs/${large}/rerun`, { code: 'current' });
      assert.is(rerun.status, 201);
      const newer = (await ended(ctx, rerun.body.id)).id;

      const answer = await api('GET', `/api/compare?runs=${small.slice(0, 8)},${large},${newer}&baseline=${large.slice(0, 12)}&points=50`);
      assert.is(answer.status, 200, JSON.stringify(answer.body));
      const comparison = answer.body;
      assert.equal(comparison.runs.map((r: { id: string; instanceName: string }) => [r.id, r.instanceName]), [
        [small, 'cmp · model=small'],
        [large, 'cmp · model=large'],
        [newer, 'cmp · model=large'],
      ]);
      assert.is(comparison.baseline, large);
      assert.equal(comparison.configuration[0], { field: 'model', values: ['small', 'large', 'large'], absent: [], changed: true });
      assert.equal(comparison.configuration.slice(1).map((row: { field: string; changed: boolean }) => [row.field, row.changed]), [
        ['steps', false],
        ['fail', false],
        ['delay_ms', false],
        ['sampling.temperature', false],
      ]);
      const loss = comparison.metrics.find((row: { key: string }) => row.key === 'loss');
      assert.equal(loss, { key: 'loss', values: [0.6667, 0.3333, 0.1667], deltas: [0.3334, 0, -0.1666], goal: 'min', best: 2 });
      const accuracy = comparison.metrics.find((row: { key: string }) => row.key === 'accuracy');
      assert.equal([accuracy.goal, accuracy.best], ['max', 1]);
      // The results that are not numbers, side by side: the latest text of each run.
      assert.equal(comparison.results, [{ key: 'sample', values: ['a small sample', 'a large sample', 'a large sample'], absent: [], changed: true }]);
      assert.equal(comparison.series.map((s: { key: string }) => s.key), ['loss']);
      assert.equal(comparison.series[0].runs[1], { run: large, total: 3, points: [[0, 1], [1, 0.5], [2, 0.3333]] });
      assert.is(comparison.code.same, false);
      assert.equal(comparison.code.hashes, [before.codeHash, before.codeHash, comparison.code.hashes[2]]);
      // Only the run whose code differs from the baseline's has a diff.
      assert.equal(comparison.code.diffs.map((d: { run: string; files: { path: string; change: string }[] }) => [d.run, d.files.map((f) => [f.path, f.change])]), [
        [newer, [['sweep_fixture.ts', 'changed']]],
      ]);
      assert.match(comparison.code.diffs[0].files[0].diff, '+    Runtime.result(ctx, \'loss\', Number((scale / (step + 1) / 2).toFixed(4)));');

      // Without baseline=, the baseline is the run that started first, wherever it is given
      // (a runs table lists the newest first), as the compare page shows it.
      const firstStarted = (await Promise.all([small, large].map(async (id) => (await api('GET', `/api/runs/${id}`)).body)))
        .sort((a: { startedAt: string }, b: { startedAt: string }) => Date.parse(a.startedAt) - Date.parse(b.startedAt))[0].id;
      const byDefault = await api('GET', `/api/compare?runs=${newer},${large},${small}`);
      assert.is(byDefault.status, 200, JSON.stringify(byDefault.body));
      assert.is(byDefault.body.baseline, firstStarted);
    },
    { fixtures: [FIXTURE] },
  );
});

test('refuses a bad request by name: 400 for the count, ids, baseline or points; 404 naming unknown runs', async () => {
  await withServer(
    async ({ api }) => {
      const sweep = await api('POST', '/api/sweeps', { experiment: 'sweep_fixture', name: 'bad', grid: { steps: [1, 2] } });
      const [a, b] = sweep.body.runs.map((run: { id: string }) => run.id);
      const missing = '00000000-0000-4000-8000-000000000000';
      const cases: [string, number, string | RegExp][] = [
        ['', 400, 'runs must list the runs to compare: runs=ID,ID,… (2 to 20 ids or prefixes of 8+ characters)'],
        [`runs=${a}`, 400, 'a comparison takes 2 to 20 runs, got 1'],
        [`runs=${Array.from({ length: 21 }, () => a).join(',')}`, 400, 'a comparison takes 2 to 20 runs, got 21'],
        [`runs=${a},,${b}`, 400, /runs has an empty id between commas/],
        [`runs=${a},${a.slice(0, 9)}`, 400, `run ${a} is given twice: a comparison shows each run once`],
        [`runs=${a},abc`, 400, /a run id prefix must have at least 8 hex characters/],
        [`runs=${a},${b}&baseline=${missing}`, 400, `baseline ${missing} is not one of the compared runs`],
        [`runs=${a},${b}&points=1`, 400, 'points must be an integer from 2 to 10000, got 1'],
        [`runs=${a},${b}&points=many`, 400, /query parameter points must be a whole number/],
        [`runs=${a},${missing},nope`, 404, `runs not found: "${missing}", "nope"`],
      ];
      for (const [query, status, message] of cases) {
        const answer = await api('GET', `/api/compare?${query}`);
        assert.is(answer.status, status, `${query} → ${JSON.stringify(answer.body)}`);
        assert.is(answer.body.code, status === 404 ? 'ERR_NOT_FOUND' : 'ERR_BAD_INPUT');
        if (typeof message === 'string') assert.is(answer.body.error, message);
        else assert.match(answer.body.error, message);
      }
      const split = await api('GET', `/api/compare?runs=${a}&runs=${b}`);
      assert.equal([split.status, split.body.runs.length], [200, 2], 'runs may also be given one per parameter');
    },
    { fixtures: [FIXTURE] },
  );
});

test.run();
