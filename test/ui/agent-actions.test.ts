import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import '../../ui/elements/athanor-agent-actions.ts';
import '../../ui/elements/athanor-run-view.ts';
import { matchRoute } from '../../ui/app/app-routes.ts';
import { NAVIGATE_EVENT } from '../../ui/app/navigation.ts';
import { until } from '../helpers/until.ts';
import { withWorkbench } from './views-workbench.helpers.ts';

const test = suite('agents page and the run view\'s agent mark');
test.after.each(() => document.body.replaceChildren());

const text = (el: Element | ShadowRoot | null | undefined) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();

test('/agents is a page of the app', () => {
  assert.equal(matchRoute('/agents'), { view: 'agents' });
});

test('lists what agents did, newest first, a page at a time; a run it names links to its page', async () => {
  await withWorkbench(async ({ workbench, base }) => {
    const { experiments } = workbench;
    const instance = await experiments.createInstance({ experiment: 'my_experiment', name: 'a' });
    const run = await experiments.createRun(instance.id, {}, { agent: 'claude-code' });
    await experiments.recordAgentAction({ client: 'cursor', tool: 'create_instance', arguments: { name: 'bad' }, outcome: 'error', detail: 'invalid configuration: config.iterations: 1000 is above the maximum 100' });
    await experiments.recordAgentAction({ client: 'claude-code', tool: 'start_run', arguments: { instanceId: instance.id }, outcome: 'ok', detail: `run ${run.id} pending` });
    const el = document.createElement('athanor-agent-actions');
    el.setAttribute('api', base);
    el.setAttribute('page-size', '1');
    document.body.append(el);
    const rows = () => [...el.shadowRoot!.querySelectorAll('tbody tr')];
    await until(() => rows().length === 1, 'the first page');
    assert.match(text(rows()[0]), /claude-code start_run ✓ done run \w{8} pending/);
    assert.is(rows()[0]!.querySelector('a')!.getAttribute('href'), `/runs/${run.id}`);
    el.shadowRoot!.querySelector<HTMLButtonElement>('button')!.click();
    await until(() => rows().length === 2, 'the next page');
    assert.match(text(rows()[1]), /cursor create_instance ✗ refused invalid configuration: config\.iterations: 1000 is above the maximum 100/);
    await el.updateComplete;
    assert.is(el.shadowRoot!.querySelector('button'), null, 'no more pages: no button');

    const view = document.createElement('athanor-run-view');
    view.setAttribute('api', base);
    view.setAttribute('run-id', run.id);
    view.addEventListener(NAVIGATE_EVENT, (e) => e.preventDefault());
    document.body.append(view);
    await until(() => view.shadowRoot?.querySelector('.agent') != null, 'the run view\'s agent mark');
    assert.is(text(view.shadowRoot!.querySelector('.agent dd')), 'an agent, claude-code (MCP)');
  });
});

test('with no action yet, it says so', async () => {
  await withWorkbench(async ({ base }) => {
    const el = document.createElement('athanor-agent-actions');
    el.setAttribute('api', base);
    document.body.append(el);
    await until(() => el.shadowRoot?.querySelector('.empty') !== null, 'the empty note');
    assert.is(text(el.shadowRoot!.querySelector('.empty')), 'No agent has changed anything yet.');
  });
});

test.run();
