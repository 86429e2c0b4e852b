// POST /api/sweeps (issue 14): a grid's instances created and their runs started (queued past
// the supervisor's limit); every bad input refused by name with nothing created.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { withServer, type ServerContext } from '../../helpers/http-workbench.ts';
import { until } from '../../helpers/until.ts';

const test = suite('HTTP API: POST /api/sweeps');
const FIXTURE = 'test/fixtures/compare/sweep_fixture.ts';

const allEnded = (ctx: ServerContext, ids: string[]) =>
  until(
    async () => {
      const runs = await Promise.all(ids.map(async (id) => (await ctx.api('GET', `/api/runs/${id}`)).body));
      return runs.every((run) => ['completed', 'failed', 'cancelled'].includes(run.status)) ? runs : undefined;
    },
    'the sweep runs to end',
    60_000,
  );

test('creates one instance per combination and starts their runs, queued past the concurrency limit', async () => {
  await withServer(
    async (ctx) => {
      const created = await ctx.api('POST', '/api/sweeps', {
        experiment: 'sweep_fixture',
        name: 'lr',
        configuration: { steps: 3 },
        grid: { model: ['small', 'large'], 'sampling.temperature': [0.1, 0.5] },
      });
      assert.is(created.status, 201, JSON.stringify(created.body));
      const { instances, runs } = created.body;
      assert.equal(instances.map((i: { name: string }) => i.name), [
        'lr · model=small · sampling.temperature=0.1',
        'lr · model=small · sampling.temperature=0.5',
        'lr · model=large · sampling.temperature=0.1',
        'lr · model=large · sampling.temperature=0.5',
      ]);
      assert.equal(instances[2].configuration, { model: 'large', steps: 3, fail: false, delay_ms: 0, sampling: { temperature: 0.1 } });
      assert.equal(runs.map((r: { instanceId: string }) => r.instanceId), instances.map((i: { id: string }) => i.id));
      // Concurrency 1: the first runs, the others wait in the supervisor's queue.
      assert.ok(runs.slice(1).every((r: { status: string }) => r.status === 'pending'));
      const ended = await allEnded(ctx, runs.map((r: { id: string }) => r.id));
      assert.equal(ended.map((r) => r.status), ['completed', 'completed', 'completed', 'completed']);
      assert.equal(ended[3].configuration.sampling, { temperature: 0.5 }, 'each run ran with its combination');
      const listed = await ctx.api('GET', '/api/instances?experiment=sweep_fixture&q=lr · model=large&sort=name');
      assert.equal(listed.body.map((i: { latestRun: { metrics: object } }) => i.latestRun.metrics), [{ accuracy: 0.9, loss: 0.2 }, { accuracy: 0.9, loss: 0.3333 }]);
    },
    { fixtures: [FIXTURE], workbench: { supervisor: { concurrency: 1 } } },
  );
});

test('refuses bad input by name and creates nothing: 422 values and fields, 400 size and shape, 404 experiment, 409 names', async () => {
  await withServer(
    async ({ api }) => {
      await api('POST', '/api/instances', { experiment: 'sweep_fixture', name: 'taken · model=large', configuration: {} });
      const base = { experiment: 'sweep_fixture', name: 'taken', grid: { model: ['small', 'large'] } };
      const cases: [unknown, number, string, RegExp][] = [
        [{ ...base, grid: { 'sampling.temperature': [0.5, 3] } }, 422, 'ERR_INVALID_CONFIG', /config\.sampling\.temperature: 3 is above the maximum 2 \(in the combination sampling\.temperature=3\)/],
        [{ ...base, grid: { steps: ['many'] } }, 422, 'ERR_INVALID_CONFIG', /config\.steps: "many" is not an integer/],
        [{ ...base, grid: { modle: ['small'] } }, 422, 'ERR_INVALID_CONFIG', /grid\.modle is not a field of this experiment; did you mean "model"\?/],
        [{ ...base, grid: { model: [] } }, 422, 'ERR_INVALID_CONFIG', /grid\.model must be a list of at least one value, got \[\]/],
        [{ ...base, grid: { steps: Array.from({ length: 11 }, (_, i) => i + 1), delay_ms: Array.from({ length: 100 }, (_, i) => i) } }, 400, 'ERR_BAD_INPUT', /the grid has 1100 combinations \(11 steps × 100 delay_ms\), more than the 1000/],
        [{ ...base, grid: {} }, 400, 'ERR_BAD_INPUT', /grid must be an object of field → list of values/],
        [{ ...base, name: 42 }, 400, 'ERR_BAD_INPUT', /name must be a non-empty string/],
        [{ ...base, extra: true }, 400, 'ERR_BAD_INPUT', /a sweep takes experiment, name, description, configuration, grid; not extra/],
        [[base], 400, 'ERR_BAD_INPUT', /the request body must be a JSON object/],
        [{ ...base, experiment: 'nope' }, 404, 'ERR_NOT_FOUND', /unknown experiment "nope"/],
        [base, 409, 'ERR_CONFLICT', /already has the name "taken · model=large": give the sweep another name/],
      ];
      for (const [body, status, code, message] of cases) {
        const answer = await api('POST', '/api/sweeps', body);
        assert.is(answer.status, status, `${JSON.stringify(body).slice(0, 120)} → ${JSON.stringify(answer.body)}`);
        assert.is(answer.body.code, code);
        assert.match(answer.body.error, message);
        if (status === 422) assert.ok(answer.body.errors.length > 0 && answer.body.errors.every((e: { path: string }) => typeof e.path === 'string'));
      }
      const instances = await api('GET', '/api/instances');
      assert.equal(instances.body.map((i: { name: string }) => i.name), ['taken · model=large'], 'nothing created');
    },
    { fixtures: [FIXTURE] },
  );
});

test.run();
