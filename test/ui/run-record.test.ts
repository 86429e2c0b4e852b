/**
 * `<athanor-run-record>` and `<athanor-run-again>`: what a run ran with, marked where its
 * instance differs now, and which reruns can be asked for (and why not).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import '../../ui/elements/athanor-run-record.ts';
import '../../ui/elements/athanor-run-again.ts';
import type { AthanorRunRecord } from '../../ui/elements/athanor-run-record.ts';
import type { AthanorRunAgain } from '../../ui/elements/athanor-run-again.ts';
import { NAVIGATE_EVENT, type NavigateDetail } from '../../ui/app/navigation.ts';
import { withServer, type ServerContext } from '../helpers/http-workbench.ts';
import { until } from '../helpers/until.ts';

const test = suite('run record');
test.after.each(() => document.body.replaceChildren());

/** A workbench whose elements are removed before it closes (an open event stream would hold its server). */
const withWorkbench = (fn: Parameters<typeof withServer>[0], options?: Parameters<typeof withServer>[1]) =>
  withServer(async (context) => {
    try {
      await fn(context);
    } finally {
      document.body.replaceChildren();
    }
  }, options);

const text = (node: Element | ShadowRoot | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();

function mount<K extends 'athanor-run-record' | 'athanor-run-again'>(tag: K, base: string, runId: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  el.setAttribute('api', base);
  el.setAttribute('run-id', runId);
  document.body.append(el);
  return el;
}

/** An instance of my_experiment with `configuration` and one finished run of it. */
async function finishedRun({ api, workbench }: ServerContext, configuration: Record<string, unknown>) {
  const instance = (await api('POST', '/api/instances', { experiment: 'my_experiment', name: `i${Math.random()}`, configuration })).body;
  const started = (await api('POST', `/api/instances/${instance.id}/runs`, {})).body;
  const run = await workbench.experiments.waitForRun(started.id);
  assert.is(run.status, 'completed', String(run.error));
  return { instance, run };
}

/** The row of a configuration field, or undefined (for until()) while there is none. */
const field = (el: AthanorRunRecord, path: string) => el.shadowRoot!.querySelector<HTMLElement>(`.field[data-path="${path}"]`) ?? undefined;

test('the configuration it ran with; a value the instance changed since reads "ran with 3 · instance now 6", live', async () => {
  await withWorkbench(async (context) => {
    const { base, api } = context;
    const { instance, run } = await finishedRun(context, { iterations: 3 });
    const el = mount('athanor-run-record', base, run.id);
    await until(() => field(el, 'iterations'), 'the configuration');
    await el.updateComplete;
    assert.is(field(el, 'iterations')!.dataset.kind, 'same');
    assert.match(text(el.shadowRoot!.querySelector('.summary')), `Same as ${instance.name}'s configuration now.`);
    assert.not.ok(el.shadowRoot!.querySelector('.inferred'), 'a kept configuration is not marked inferred');
    assert.match(text(el.shadowRoot!.querySelector('dl.facts')), process.version);

    await api('PATCH', `/api/instances/${instance.id}`, { configuration: { iterations: 6 } });
    await until(() => field(el, 'iterations')?.dataset.kind === 'changed', 'the change, live from instance.updated', 10_000);
    assert.is(text(field(el, 'iterations')!.querySelector('dd')), 'changed ran with 3 · instance now 6');
    assert.match(text(el.shadowRoot!.querySelector('.summary.differs')), `Differs from ${instance.name}'s configuration now: 1 changed.`);
  });
});

test('the worker that ran it is among where it ran; a run of the workbench itself names none', async () => {
  await withWorkbench(async (context) => {
    const { base, workbench } = context;
    const { run: local } = await finishedRun(context, { iterations: 1 });
    const { run: remote } = await finishedRun(context, { iterations: 2 });
    // As a worker's run is stored (issue 16): its name on the row.
    await workbench.database.db.updateTable('runs').set({ worker: 'gpu-7' }).where('id', '=', remote.id).execute();
    const onWorker = mount('athanor-run-record', base, remote.id);
    await until(() => onWorker.shadowRoot?.querySelector('dl.facts') ?? undefined, 'the environment');
    const facts = (el: Element) => [...el.shadowRoot!.querySelectorAll('dl.facts > div')].map((row) => `${text(row.querySelector('dt'))}: ${text(row.querySelector('dd'))}`);
    assert.ok(facts(onWorker).includes('Worker: gpu-7'), facts(onWorker).join(' | '));
    const here = mount('athanor-run-record', base, local.id);
    await until(() => here.shadowRoot?.querySelector('dl.facts') ?? undefined, 'the environment');
    assert.not.ok(facts(here).some((fact) => fact.startsWith('Worker')), facts(here).join(' | '));
  });
});

test('a run cancelled before it started says so where its environment would be, not that it is from before runs kept one', async () => {
  await withWorkbench(async ({ base, api, workbench }) => {
    const instance = (await api('POST', '/api/instances', { experiment: 'my_experiment', name: 'never started', configuration: {} })).body;
    const run = await workbench.experiments.createRun(instance.id); // pending, as a queued run waits for a worker
    const cancelled = await api('POST', `/api/runs/${run.id}/cancel`);
    assert.is(cancelled.status, 200, JSON.stringify(cancelled.body));
    const el = mount('athanor-run-record', base, run.id);
    await until(() => /Not kept/.test(text(el.shadowRoot)) || undefined, 'the environment card');
    assert.match(text(el.shadowRoot), 'Not kept: the run was cancelled before it started.');
    assert.not.match(text(el.shadowRoot), 'from before runs kept');
  });
});

test('fields added and removed since are marked; a run from before runs kept their configuration says inferred', async () => {
  await withWorkbench(async (context) => {
    const { base, workbench } = context;
    const { run } = await finishedRun(context, { iterations: 2 });
    // As the migration left runs from before: what the instance had, marked inferred; and a field the run had that is gone.
    await workbench.database.db
      .updateTable('runs')
      .set({ configuration: JSON.stringify({ iterations: 2, seed: 7 }), configuration_inferred: true })
      .where('id', '=', run.id)
      .execute();
    const el = mount('athanor-run-record', base, run.id);
    await until(() => field(el, 'seed'), 'the configuration');
    await el.updateComplete;
    assert.is(field(el, 'seed')!.dataset.kind, 'removed');
    assert.is(text(field(el, 'seed')!.querySelector('dd')), 'removed since ran with 7 · not in the instance now');
    assert.is(field(el, 'iterations')!.dataset.kind, 'same');
    const inferred = el.shadowRoot!.querySelector('.inferred');
    assert.match(text(inferred), /^inferred This run is from before runs kept their configuration/);
  });
});

/** The Run again menu, opened, with the run's record read. */
async function openMenu(base: string, runId: string): Promise<AthanorRunAgain> {
  const el = mount('athanor-run-again', base, runId);
  await el.updateComplete;
  el.shadowRoot!.querySelector<HTMLButtonElement>('#toggle')!.click();
  await until(() => el.detail, 'the run read');
  await el.updateComplete;
  return el;
}

const choice = (el: AthanorRunAgain, code: 'snapshot' | 'current') => {
  const button = el.shadowRoot!.querySelector<HTMLButtonElement>(`button[data-code="${code}"]`)!;
  return { button, disabled: button.getAttribute('aria-disabled') === 'true', about: text(el.shadowRoot!.getElementById(button.getAttribute('aria-describedby')!)) };
};

test('Run again offers both codes; "with this code" reruns the kept code and shows the new run', async () => {
  await withWorkbench(async (context) => {
    const { base, api } = context;
    const { instance, run } = await finishedRun(context, { iterations: 1 });
    const el = await openMenu(base, run.id);
    const kept = choice(el, 'snapshot');
    assert.is(kept.disabled, false);
    assert.match(kept.about, `The code this run ran (${run.codeHash!.slice(0, 7)})`);
    assert.is(choice(el, 'current').disabled, false);
    const navigations: string[] = [];
    el.addEventListener(NAVIGATE_EVENT, (e) => {
      e.preventDefault();
      navigations.push((e as CustomEvent<NavigateDetail>).detail.path);
    });
    kept.button.click();
    await until(() => navigations.length === 1, 'the new run shown');
    const runs = (await api('GET', `/api/instances/${instance.id}/runs`)).body.items;
    const rerun = runs.find((r: { id: string }) => r.id !== run.id);
    assert.is(navigations[0], `/runs/${rerun.id}`);
    assert.is(rerun.rerunOf, run.id);
    assert.is(rerun.codeSnapshot, run.codeHash);
  });
});

test('"with this code" is refused with its reason when the code was not kept; nothing is started', async () => {
  await withWorkbench(
    async (context) => {
      const { base, api } = context;
      const { instance, run } = await finishedRun(context, { iterations: 1 });
      const el = await openMenu(base, run.id);
      const kept = choice(el, 'snapshot');
      assert.is(kept.disabled, true);
      assert.is(kept.about, "This run's code was not kept (it ran before runs kept their code). Run it with the current code instead.");
      assert.is(choice(el, 'current').disabled, false, 'the current code can still run');
      kept.button.click();
      await new Promise((r) => setTimeout(r, 100));
      assert.is((await api('GET', `/api/instances/${instance.id}/runs`)).body.items.length, 1, 'nothing was started');
      // The record says so too.
      const record = mount('athanor-run-record', base, run.id);
      await until(() => text(record.shadowRoot).includes('Not kept: this run is from before runs kept their code.'), 'the code section');
    },
    { workbench: { supervisor: { keepCode: false } } },
  );
});

test('"with this code" is refused when some of the code was not kept, naming what; a run not started cannot run again', async () => {
  await withWorkbench(async (context) => {
    const { base, api, workbench } = context;
    const { instance, run } = await finishedRun(context, { iterations: 1 });
    // The note as snapshots write it: said once, not "not kept (not kept: …)".
    await workbench.database.db.updateTable('code_snapshots').set({ note: 'not kept: helper.ts (1.2 MiB, over 1 MiB a file)' }).where('hash', '=', run.codeHash!).execute();
    const partial = await openMenu(base, run.id);
    assert.is(choice(partial, 'snapshot').disabled, true);
    assert.is(choice(partial, 'snapshot').about, "Some of this run's code was not kept (helper.ts (1.2 MiB, over 1 MiB a file)). Run it with the current code instead.");

    const pending = await workbench.experiments.createRun(instance.id); // created, never started
    const waiting = await openMenu(base, pending.id);
    for (const code of ['snapshot', 'current'] as const) {
      assert.is(choice(waiting, code).disabled, true);
      assert.is(choice(waiting, code).about, 'This run has not started: it has no configuration to run again yet.');
    }
    assert.is((await api('GET', `/api/instances/${instance.id}/runs`)).body.items.length, 2, 'nothing more was started');
  });
});

test('Escape closes the menu and gives the focus back to its button', async () => {
  await withWorkbench(async (context) => {
    const { run } = await finishedRun(context, { iterations: 1 });
    const el = await openMenu(context.base, run.id);
    assert.is(el.shadowRoot!.querySelector('#menu')!.hasAttribute('hidden'), false);
    el.shadowRoot!.querySelector('.choice button')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    await el.updateComplete;
    assert.is(el.shadowRoot!.querySelector('#menu')!.hasAttribute('hidden'), true);
    assert.is(el.shadowRoot!.activeElement?.id, 'toggle');
  });
});

test.run();
