import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import '../../ui/elements/athanor-run-view.ts';
import type { AthanorRunView } from '../../ui/elements/athanor-run-view.ts';
import { NAVIGATE_EVENT, type NavigateDetail } from '../../ui/app/navigation.ts';
import { withServer, type ServerContext } from '../helpers/http-workbench.ts';
import { until } from '../helpers/until.ts';
import { appendEntries, publishLogs, runningRun } from './run-data.helpers.ts';

/** Everything the element shows, shadow roots included. */
function deepText(node: Node): string {
  let text = '';
  const walk = (n: Node) => {
    if (n.nodeType === 3) text += n.textContent;
    if ((n as Element).shadowRoot) walk((n as Element).shadowRoot!);
    for (const child of n.childNodes) walk(child);
  };
  walk(node);
  return text.replace(/\s+/g, ' ');
}

function deepQuery<T extends Element>(root: Element | ShadowRoot, selector: string): T[] {
  const found: T[] = [...root.querySelectorAll<T>(selector)];
  for (const el of root.querySelectorAll('*')) if (el.shadowRoot) found.push(...deepQuery<T>(el.shadowRoot, selector));
  return found;
}

async function startRun(api: ServerContext['api'], experiment: string, configuration: Record<string, unknown> = {}) {
  const instance = await api('POST', '/api/instances', { experiment, name: `${experiment} ${Math.random()}`, configuration });
  assert.is(instance.status, 201, JSON.stringify(instance.body));
  const run = await api('POST', `/api/instances/${instance.body.id}/runs`, {});
  assert.is(run.status, 201);
  return { instance: instance.body, run: run.body };
}

function mount(base: string, runId: string): AthanorRunView {
  const el = document.createElement('athanor-run-view');
  el.setAttribute('api', base);
  el.setAttribute('run-id', runId);
  document.body.append(el);
  return el;
}

const test = suite('run view');
test.after.each(() => document.body.replaceChildren());

test('a completed run: status, timing, code version, instance link, logs and results', () =>
  withServer(async ({ base, api, workbench }) => {
    const { instance, run } = await startRun(api, 'my_experiment', { iterations: 3 });
    const done = await workbench.experiments.waitForRun(run.id);
    assert.is(done.status, 'completed', String(done.error));
    const el = mount(base, run.id);
    await until(() => deepText(el).includes('Running iteration 3') && deepText(el).includes('iteration_3'), 'logs and results');
    const badge = el.shadowRoot!.querySelector('athanor-status-badge')!;
    assert.is(badge.getAttribute('status'), 'completed');
    const text = deepText(el);
    assert.match(text, instance.name);
    // Cut as every page cuts a code version: 7 characters (the run page showed 10, the instance page 7, the source pane 8).
    const version = [...el.shadowRoot!.querySelectorAll('code[title]')].find((code) => code.getAttribute('title') === done.codeHash);
    assert.is(version?.textContent, done.codeHash!.slice(0, 7));
    assert.not.match(text, 'Progress');
    assert.is(el.shadowRoot!.querySelector('a[href$="/experiments/' + instance.id + '"]')?.textContent, instance.name);
    const exports = [...el.shadowRoot!.querySelectorAll('a[download]')].map((a) => a.getAttribute('href'));
    assert.equal(exports, [
      `${base}/api/runs/${run.id}/export?format=json`,
      `${base}/api/runs/${run.id}/export?format=csv&table=logs`,
      `${base}/api/runs/${run.id}/export?format=csv&table=results`,
    ]);
    assert.equal([...el.shadowRoot!.querySelectorAll('a[download]')].map((a) => a.textContent), ['Export JSON', 'Logs CSV', 'Results CSV']);
    assert.not.ok([...el.shadowRoot!.querySelectorAll('button')].some((b) => b.textContent === 'Cancel'), 'no Cancel once finished');
    const rows = deepQuery(el.shadowRoot!, 'tr[data-key]').map((tr) => tr.getAttribute('data-key'));
    assert.equal(rows, ['iteration_1', 'iteration_2', 'iteration_3']);
  }),
);

test('a running run shows its progress live; Cancel ends it cancelled, saying why and where it stopped', () =>
  withServer(async ({ base, api }) => {
    const { run } = await startRun(api, 'kernel_fixture', { mode: 'progress', count: 600, delay_ms: 50 });
    const el = mount(base, run.id);
    await until(() => el.shadowRoot!.querySelector('progress[value]') !== null, 'a progress bar', 15_000);
    assert.match(deepText(el), /\d+\/600 \(\d+%\)( · ~\d+ (s|min) left)? · step \d+/);
    await until(() => deepText(el).includes('mode progress'), 'the first log line, live', 10_000);
    const cancel = [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent === 'Cancel')!;
    cancel.click();
    await until(() => el.shadowRoot!.querySelector('athanor-status-badge')?.getAttribute('status') === 'cancelled', 'cancelled', 15_000);
    await el.updateComplete;
    assert.match(el.shadowRoot!.querySelector('.cancel-reason')?.textContent ?? '', /^\s*Cancelled: cancelled by request/);
    const stopped = el.shadowRoot!.querySelector('.progress.stopped');
    assert.match(stopped?.textContent?.replace(/\s+/g, ' ') ?? '', /Stopped at\s*\d+\/600 \(\d+%\) · step \d+/);
    const bar = el.shadowRoot!.querySelector('progress')!;
    assert.ok(Number(bar.getAttribute('value')) > 0 && bar.getAttribute('max') === '600', 'the bar stays where the run stopped');
  }),
);

test('a failed run shows its error; an unknown run says it is not found', () =>
  withServer(async ({ base, api, workbench }) => {
    const { run } = await startRun(api, 'kernel_fixture', { mode: 'throw' });
    await workbench.experiments.waitForRun(run.id);
    const el = mount(base, run.id);
    await until(() => deepText(el).includes('boom from the experiment'), 'the error');
    assert.is(el.shadowRoot!.querySelector('athanor-status-badge')?.getAttribute('status'), 'failed');
    const missing = mount(base, '00000000-0000-4000-8000-000000000000');
    await until(() => deepText(missing).includes('not found'), 'not found');
    // A heading and a way on, as an unknown instance's page has.
    assert.is(missing.shadowRoot!.querySelector('h1')?.textContent, 'Run not found');
    assert.match(missing.shadowRoot!.querySelector('.problem a')!.getAttribute('href')!, /\/experiments$/);
  }),
);

/** Until the page's live stream is open on the server: events published before it would not reach the view. */
const liveStreamOpen = (base: string) =>
  until(async () => ((await (await fetch(`${base}/api/health`)).json()) as { eventClients: number }).eventClients > 0, 'the live stream');

test('a retried run says which attempt it is, the run it retries and the run that retries it', () =>
  withServer(
    async ({ base, api, workbench }) => {
      const { instance, run } = await startRun(api, 'flaky_fixture', { fail_until: 1 });
      const first = await workbench.experiments.waitForRun(run.id);
      assert.is(first.status, 'failed');
      const page = await api('GET', `/api/instances/${instance.id}/runs`);
      const retry = page.body.items.find((r: { retryOf: string | null }) => r.retryOf === run.id);
      assert.ok(retry, 'the retry was made before the failed run settled');
      await workbench.experiments.waitForRun(retry.id);
      const second = mount(base, retry.id);
      await until(() => deepText(second).includes('Attempt'), 'the attempt line');
      assert.match(deepText(second), `Attempt2 of 3 · retry of Run ${run.id.slice(0, 8)}`);
      assert.ok(second.shadowRoot!.querySelector(`.attempt a[href$="/runs/${run.id}"]`), 'a link to the failed attempt');
      const failed = mount(base, run.id);
      await until(() => deepText(failed).includes('retried as'), 'the failed attempt links its retry');
      assert.match(deepText(failed), `Attempt1 of 3 · retried as Run ${retry.id.slice(0, 8)}`);
      const plain = mount(base, (await startRun(api, 'my_experiment', { iterations: 1 })).run.id);
      await until(() => deepText(plain).includes('Code version'), 'a run without retries');
      assert.not.match(deepText(plain), 'Attempt');
    },
    { fixtures: ['test/fixtures/retries/flaky_fixture.ts'] },
  ));

test('the header\'s log and result counts follow the live output, not the status they were read with', () =>
  withServer(async ({ base, workbench }) => {
    const ids = await runningRun(workbench);
    await appendEntries(workbench, ids.runId, 8);
    const el = mount(base, ids.runId);
    const counts = () => el.shadowRoot!.querySelector('dl > div:last-child dd')?.textContent?.trim();
    await until(() => counts() === '8 · 0', 'the counts as read');
    await liveStreamOpen(base);
    await appendEntries(workbench, ids.runId, 131, 9);
    await workbench.experiments.appendResults(ids.runId, [{ key: 'loss', value: 0.5 }, { key: 'loss', value: 0.25 }]);
    const results = await workbench.experiments.readResults(ids.runId, {});
    // Published again until seen (a count takes the highest seq, so a repeat changes nothing):
    // an event published while the view's stream (re)connects is not replayed to it.
    await until(async () => {
      await publishLogs(workbench, ids, 9, 139);
      workbench.bus.publish('run.result', { ...ids, entries: results.items });
      await new Promise((resolve) => setTimeout(resolve, 100));
      return counts() === '139 · 2';
    }, `139 logs and 2 results in the header (it shows ${counts()})`);
  }),
);

test('a run named by the 8 characters the workbench shows loads, follows its live output, and asks the app for its full id in the URL', () =>
  withServer(async ({ base, workbench }) => {
    const ids = await runningRun(workbench);
    await appendEntries(workbench, ids.runId, 3);
    const asked: NavigateDetail[] = [];
    const listener = (event: Event) => asked.push((event as CustomEvent<NavigateDetail>).detail);
    document.body.addEventListener(NAVIGATE_EVENT, listener);
    try {
      const el = mount(base, ids.runId.slice(0, 8));
      const counts = () => el.shadowRoot!.querySelector('dl > div:last-child dd')?.textContent?.trim();
      await until(() => counts() === '3 · 0', 'the run, loaded by its prefix');
      await liveStreamOpen(base);
      assert.is(el.run?.id, ids.runId);
      assert.match(deepText(el), `Run ${ids.runId.slice(0, 8)}`);
      assert.equal(asked, [{ path: `/runs/${ids.runId}`, replace: true }]);
      assert.is(el.shadowRoot!.querySelector('a[download]')?.getAttribute('href'), `${base}/api/runs/${ids.runId}/export?format=json`);
      // Live events carry the full id: they still reach a view named by a prefix.
      await appendEntries(workbench, ids.runId, 2, 4);
      // Published again until seen (a count takes the highest seq, so a repeat changes nothing):
      // the view moves its stream from the prefix to the full id once loaded, and an event
      // published while it reconnects is not replayed to a new stream.
      await until(async () => {
        await publishLogs(workbench, ids, 4, 5);
        await new Promise((resolve) => setTimeout(resolve, 100));
        return counts() === '5 · 0';
      }, `the live count (it shows ${counts()})`);
      // The app then gives the full id: the same run stays on screen, not loaded again.
      const shown = el.run;
      el.setAttribute('run-id', ids.runId);
      await el.updateComplete;
      assert.is(el.run, shown);
    } finally {
      document.body.removeEventListener(NAVIGATE_EVENT, listener);
    }
  }),
);

test('a prefix too short or shared by several runs says why it shows no run', () =>
  withServer(async ({ base, workbench }) => {
    const ids = await runningRun(workbench);
    const short = mount(base, ids.runId.slice(0, 6));
    await until(() => deepText(short).includes('at least 8 hex characters'), 'the rule');
    for (const id of ['abcdef12-0000-4000-8000-000000000001', 'abcdef12-0000-4000-8000-000000000002']) {
      await workbench.database.db.insertInto('runs').values({ id, instance_id: ids.instanceId, status: 'completed', options: '{}', created_at: new Date() }).execute();
    }
    const shared = mount(base, 'abcdef12');
    await until(() => deepText(shared).includes('matches 2 runs'), 'the ids it matches');
  }),
);

test.run();
