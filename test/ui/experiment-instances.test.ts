// The source pane's list of an experiment's instances in happy-dom, against a real
// workbench: one request for the first page with the latest runs, more as asked, live.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../../ui/elements/athanor-experiment-instances.ts';
import { withServer } from '../helpers/http-workbench.ts';
import { insertInstance } from '../helpers/storage-rows.ts';
import { until } from '../helpers/until.ts';

const FIXTURES = ['test/fixtures/compare/sweep_fixture.ts'];

/** Counts the requests sent to workbench `base`, by path (a suite of another file sharing the window may fetch from its own). */
function countRequests(base: string) {
  const original = globalThis.fetch;
  const paths: string[] = [];
  globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.origin === new URL(base).origin) paths.push(url.pathname);
    return original(input, init);
  };
  return { paths, restore: () => (globalThis.fetch = original) };
}

test('an experiment of 70 instances: the first 50 with their latest runs in one request, the rest in one more', async () => {
  await withServer(
    async ({ base, workbench }) => {
      const requests = countRequests(base);
      try {
        for (let i = 1; i <= 70; i++) await insertInstance(workbench.database.db, `case ${i}`, 'sweep_fixture');
        await insertInstance(workbench.database.db, 'another experiment', 'my_experiment');
        const el = document.createElement('athanor-experiment-instances');
        el.setAttribute('api', base);
        el.setAttribute('experiment', 'sweep_fixture');
        document.body.append(el);
        await until(() => el.instances, 'the first page');
        assert.is(el.instances!.length, 50);
        assert.is(el.pages!.total, 70);
        assert.ok(el.instances!.every((i) => i.experiment === 'sweep_fixture' && i.latestRun === null));
        assert.equal(requests.paths.filter((p) => p.startsWith('/api/instances') || p.startsWith('/api/runs')), ['/api/instances']);
        await el.updateComplete;
        assert.match(el.shadowRoot!.textContent!, '20 more');
        await el.loadMore();
        assert.is(el.instances!.length, 70);
        assert.is(requests.paths.filter((p) => p.startsWith('/api/instances')).length, 2);
      } finally {
        requests.restore();
        document.body.replaceChildren();
      }
    },
    { fixtures: FIXTURES },
  );
});

test('a run that ends shows its status and headline metrics, live', async () => {
  await withServer(
    async ({ base, api }) => {
      try {
        const instance = (await api('POST', '/api/instances', { experiment: 'sweep_fixture', name: 'measured', configuration: { steps: 3 } })).body;
        const el = document.createElement('athanor-experiment-instances');
        el.setAttribute('api', base);
        el.setAttribute('experiment', 'sweep_fixture');
        document.body.append(el);
        await until(() => el.instances?.length === 1, 'the instance');
        await api('POST', `/api/instances/${instance.id}/runs`, {});
        const latest = await until(() => {
          const run = el.instances![0]!.latestRun;
          return run?.status === 'completed' && run.metrics.loss !== undefined && run;
        }, 'the ended run with its metrics', 15_000);
        assert.equal(latest.metrics, { accuracy: 0.8, loss: 0.6667 });
        assert.ok(latest.codeHash, 'the code it ran');
        await el.updateComplete;
        assert.match(el.shadowRoot!.textContent!, 'loss');
        // Its code version cut as every page cuts it: 7 characters (this pane showed 8).
        assert.is(el.shadowRoot!.querySelector(`.code[title="code ${latest.codeHash}"] code`)?.textContent, latest.codeHash!.slice(0, 7));
      } finally {
        document.body.replaceChildren();
      }
    },
    { fixtures: FIXTURES },
  );
});

test.run();
