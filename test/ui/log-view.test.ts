import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import '../../ui/elements/athanor-log-view.ts';
import type { AthanorLogView } from '../../ui/elements/athanor-log-view.ts';
import { withServer } from '../helpers/http-workbench.ts';
import { until } from '../helpers/until.ts';
import { appendEntries, publishLogs, runningRun } from './run-data.helpers.ts';

function mount(base: string, runId: string): AthanorLogView {
  const el = document.createElement('athanor-log-view');
  el.setAttribute('api', base);
  el.setAttribute('run-id', runId);
  document.body.append(el);
  return el;
}

const lines = (el: AthanorLogView) => [...el.shadowRoot!.querySelectorAll('.line[data-seq]')];
const seqs = (el: AthanorLogView) => lines(el).map((line) => Number(line.getAttribute('data-seq')));
const levels = (el: AthanorLogView) => new Set(lines(el).map((line) => line.querySelector('.level')!.textContent));
const button = (el: AthanorLogView, text: RegExp) => [...el.shadowRoot!.querySelectorAll('button')].find((b) => text.test(b.textContent!.trim()))!;

const test = suite('log view');
test.after.each(() => document.body.replaceChildren());

test('renders only the rows in view (plus overscan), with time, level and message', () =>
  withServer(async ({ base, workbench }) => {
    const ids = await runningRun(workbench);
    await appendEntries(workbench, ids.runId, 5000);
    await workbench.database.db.updateTable('runs').set({ status: 'completed', completed_at: new Date() }).where('id', '=', ids.runId).execute();
    const el = mount(base, ids.runId);
    await until(() => lines(el).length > 0, 'rows');
    el.scrollToRow(0);
    await until(() => seqs(el)[0] === 1, 'the start');
    assert.ok(el.renderedRows <= 64, `${el.renderedRows} rows in the DOM for 5,000 entries`);
    assert.ok(lines(el).length <= 45, `${lines(el).length} rows shown`);
    const first = lines(el)[0]!;
    assert.match(first.querySelector('time')!.textContent!, /^\d\d:\d\d:\d\d\.\d{3}$/);
    assert.is(first.querySelector('.level')!.textContent, 'debug');
    assert.is(first.querySelector('.message')!.textContent, 'entry 1');
    assert.match(el.shadowRoot!.textContent!, '5,000 entries');
    assert.not.ok(el.following);
  }),
);

test('a finished run opens at its end, not "paused" and with no "Jump to latest" until the reader scrolls away', () =>
  withServer(async ({ base, workbench }) => {
    const ids = await runningRun(workbench);
    await appendEntries(workbench, ids.runId, 500);
    await workbench.database.db.updateTable('runs').set({ status: 'completed', completed_at: new Date() }).where('id', '=', ids.runId).execute();
    const el = mount(base, ids.runId);
    await until(() => seqs(el).includes(500), 'the last entry in view');
    const toolbar = () => el.shadowRoot!.querySelector('.toolbar')!.textContent!;
    assert.not.match(toolbar(), 'paused');
    assert.not.match(toolbar(), 'Jump to latest');
    el.scrollToRow(0);
    await until(() => seqs(el)[0] === 1, 'the start');
    const jump = await until(() => el.shadowRoot!.querySelector<HTMLButtonElement>('.jump') ?? undefined, 'the jump button once scrolled away');
    jump.click();
    await until(() => seqs(el).includes(500) && !/Jump to latest/.test(toolbar()), 'back at the end');
  }),
);

test('the level filter shows only the chosen levels', () =>
  withServer(async ({ base, workbench }) => {
    const ids = await runningRun(workbench);
    await appendEntries(workbench, ids.runId, 400);
    const el = mount(base, ids.runId);
    el.scrollToRow(0);
    await until(() => lines(el).length > 0, 'rows');
    assert.equal(levels(el), new Set(['debug', 'info', 'warn', 'error']));
    button(el, /debug$/).click();
    button(el, /info$/).click();
    await el.updateComplete;
    assert.is(button(el, /debug$/).getAttribute('aria-pressed'), 'false');
    await until(() => lines(el).length > 0 && levels(el).size === 2, 'filtered rows');
    assert.equal(levels(el), new Set(['warn', 'error']));
    assert.ok(seqs(el).every((seq) => seq % 4 === 3 || seq % 4 === 0), 'warn and error entries only');
    await until(() => /200 matching/.test(el.shadowRoot!.textContent!), 'the exact count once the end is read');
    button(el, /warn$/).click();
    button(el, /error$/).click();
    await until(() => /No levels selected/.test(el.shadowRoot!.textContent!), 'nothing selected');
  }),
);

test('follows live entries, pauses when scrolled away, "Jump to latest" resumes', () =>
  withServer(async ({ base, workbench }) => {
    const ids = await runningRun(workbench);
    await appendEntries(workbench, ids.runId, 100);
    const el = mount(base, ids.runId);
    await until(() => seqs(el).includes(100), 'the tail');
    assert.ok(el.following, 'a running run follows its tail');
    await until(() => el.shadowRoot!.querySelector('.jump') === null, 'no jump button while following');
    await appendEntries(workbench, ids.runId, 50, 101);
    await publishLogs(workbench, ids, 101, 150);
    await until(() => seqs(el).includes(150), 'live entries at the tail');
    el.scrollToRow(0);
    await until(() => seqs(el)[0] === 1, 'the start');
    assert.not.ok(el.following);
    const jump = await until(() => el.shadowRoot!.querySelector<HTMLButtonElement>('.jump') ?? undefined, 'the jump button');
    assert.match(jump.textContent!, 'Jump to latest');
    jump.click();
    await until(() => el.following && seqs(el).includes(150), 'back at the tail');
  }),
);

test('a row\'s metadata opens in the inspector, folded past three levels', () =>
  withServer(async ({ base, workbench }) => {
    const ids = await runningRun(workbench);
    await appendEntries(workbench, ids.runId, 20);
    const el = mount(base, ids.runId);
    const meta = await until(() => el.shadowRoot!.querySelector<HTMLButtonElement>('.line[data-seq="10"] button.meta') ?? undefined, 'the metadata button');
    assert.match(meta.textContent!, /^Metadata of entry 10: \{"k":10,/, 'named by its entry, and its visible preview');
    meta.click();
    const tree = await until(() => el.shadowRoot!.querySelector('.inspector athanor-json-tree') ?? undefined, 'the inspector');
    await (tree as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
    assert.match(tree.shadowRoot!.textContent!, 'k:');
    assert.ok([...tree.shadowRoot!.querySelectorAll('button')].some((b) => b.textContent === 'show more'));
  }),
);

test('a 10,000-line log reads every page it scrolls through, with no error (never asks for 0 entries)', () =>
  withServer(async ({ base, workbench }) => {
    const ids = await runningRun(workbench);
    await appendEntries(workbench, ids.runId, 10_000);
    await workbench.database.db.updateTable('runs').set({ status: 'completed', completed_at: new Date() }).where('id', '=', ids.runId).execute();
    const el = mount(base, ids.runId);
    await until(() => seqs(el).includes(10_000), 'the last rows');
    // Quick moves, each before the previous pages arrived, as a reader dragging the scrollbar does.
    for (const row of [0, 10, 990, 1990, 5000, 9970, 4000, 0]) {
      el.scrollToRow(row);
      await el.updateComplete;
    }
    for (const row of [990, 1995, 5500, 9960]) {
      el.scrollToRow(row);
      await until(() => seqs(el).includes(row + 1), `row ${row + 1}`);
    }
    assert.is(el.shadowRoot!.querySelector('[role="alert"]')?.textContent ?? null, null, 'no error shown');
  }),
);

test('an unknown run says so', () =>
  withServer(async ({ base }) => {
    const el = mount(base, '00000000-0000-4000-8000-000000000000');
    await until(() => /not found/.test(el.shadowRoot!.textContent!), 'not found');
  }),
);

test.run();
