import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import '../../ui/elements/athanor-source-pane.ts';
import type { AthanorSourcePane } from '../../ui/elements/athanor-source-pane.ts';
import type { AthanorExperimentList } from '../../ui/elements/athanor-experiment-list.ts';
import { withServer } from '../helpers/http-workbench.ts';
import type { HttpServer } from '../../core/http/http-server.ts';
import { until } from '../helpers/until.ts';

const test = suite('athanor-source-pane (happy-dom)');

test.after.each(() => {
  document.body.replaceChildren();
});

const BROKEN = `import { Definition } from 'athanor';
export function experiment() {
  return Definition.new().name('broken_one')
}
export async function run( {
`;

/** Waits until the page's live stream is connected (events published before it are not replayed). */
const streamOpen = (server: HttpServer) => until(() => server.events.clientCount > 0, 'the live event stream');

async function mountPane(base: string, experiment: string, server: HttpServer): Promise<AthanorSourcePane> {
  const pane = document.createElement('athanor-source-pane');
  pane.setAttribute('api', base);
  pane.setAttribute('experiment', experiment);
  // No app around it: keep navigations in the test.
  pane.addEventListener('athanor-navigate', (e) => e.preventDefault());
  document.body.append(pane);
  await until(() => pane.saved !== undefined && pane.info !== undefined, 'the source and definition to load');
  await streamOpen(server);
  await pane.updateComplete;
  return pane;
}

const shadow = (el: Element | null | undefined) => el?.shadowRoot ?? undefined;
const summaryText = (pane: AthanorSourcePane) => shadow(pane.shadowRoot!.querySelector('athanor-experiment-summary'))?.textContent ?? '';

/** Replaces `from` with `to` in the editor, as typing would. */
function edit(pane: AthanorSourcePane, from: string, to: string): void {
  const view = pane.editor!.view!;
  // Positions count a line break as one character, whatever the file's (CRLF) are.
  const at = view.state.doc.sliceString(0, view.state.doc.length, '\n').indexOf(from);
  assert.ok(at >= 0, `the source holds ${from}`);
  view.dispatch({ changes: { from: at, to: at + from.length, insert: to } });
}

test('the experiment list shows every experiment and a broken one with an icon and text', async () => {
  await withServer(async ({ base, api, server }) => {
    assert.is((await api('POST', '/api/experiments', { file: 'broken_one.ts' })).status, 201);
    await api('PUT', '/api/experiments/broken_one/source', { source: BROKEN });
    const list = document.createElement('athanor-experiment-list') as AthanorExperimentList;
    list.setAttribute('api', base);
    list.setAttribute('selected', 'my_experiment');
    document.body.append(list);
    await until(() => list.experiments?.length === 3, 'three experiments');
    await streamOpen(server);
    await list.updateComplete;
    const items = [...list.shadowRoot!.querySelectorAll('li a')];
    assert.equal(items.map((a) => a.querySelector('.name')!.textContent), ['broken_one', 'kernel_fixture', 'my_experiment']);
    const broken = items[0]!.querySelector('.broken');
    assert.ok(broken, 'the broken experiment is marked');
    assert.match(broken!.textContent!, /⚠\s*error\s*ERR_SYNTAX/);
    assert.is(items[0]!.getAttribute('href'), `${base}/source/broken_one`);
    assert.is(items[2]!.getAttribute('aria-current'), 'page');
    assert.not.ok(items[1]!.querySelector('.broken'));

    // Live: fixing it clears the mark.
    await api('PUT', '/api/experiments/broken_one/source', { source: (await api('GET', '/api/experiments/my_experiment/source')).body.source.replace("'my_experiment'", "'broken_one'") });
    await until(() => !list.experiments?.find((e) => e.name === 'broken_one')?.error, 'the fixed experiment');
    await list.updateComplete;
    assert.not.ok(list.shadowRoot!.querySelector('.broken'));
  });
});

test('"New experiment" creates a file from the template and navigates to it', async () => {
  await withServer(async ({ base, workbench }) => {
    const list = document.createElement('athanor-experiment-list') as AthanorExperimentList;
    list.setAttribute('api', base);
    const paths: string[] = [];
    list.addEventListener('athanor-navigate', (e) => (e.preventDefault(), paths.push((e as CustomEvent).detail.path)));
    document.body.append(list);
    await until(() => list.experiments, 'the list');
    await list.startCreating();
    const input = list.shadowRoot!.querySelector<HTMLInputElement>('#new-file')!;
    assert.is(list.shadowRoot!.activeElement, input, 'the file name field has the focus');
    input.value = 'my_study';
    list.shadowRoot!.querySelector('form')!.requestSubmit();
    await until(() => paths.length > 0, 'a navigation');
    assert.equal(paths, ['/source/my_study']);
    assert.match(await readFile(join(workbench.experimentsDir, 'my_study.ts'), 'utf8'), /name\('my_study'\)/);

    // A refusal shows in the form.
    await list.startCreating();
    await list.create('../outside.ts');
    await list.updateComplete;
    assert.match(list.shadowRoot!.querySelector('#new-file-error')!.textContent!, /ERR_BAD_PATH/);
  });
});

test('saving writes the source and shows the reloaded definition and form', async () => {
  await withServer(async ({ base, api, server }) => {
    const pane = await mountPane(base, 'my_experiment', server);
    const save = () => pane.shadowRoot!.querySelector<HTMLButtonElement>('.toolbar button.primary')!;
    assert.ok(save().disabled, 'Save is disabled while nothing changed');
    assert.not.ok(pane.shadowRoot!.querySelector('.dirty'));
    assert.match(summaryText(pane), /iterations/);

    edit(pane, 'max: 100,', 'max: 500,');
    edit(pane, "return ConfigSchema.new().field('iterations'", "return ConfigSchema.new().field('seed', 'integer', { default: 7 }).field('iterations'");
    await pane.updateComplete;
    assert.ok(pane.dirty);
    assert.ok(pane.shadowRoot!.querySelector('.dirty'), 'the unsaved marker shows');
    assert.not.ok(save().disabled);

    // Ctrl-S inside the pane saves.
    pane.editor!.dispatchEvent(new KeyboardEvent('keydown', { key: 's', ctrlKey: true, bubbles: true, composed: true }));
    await until(() => !pane.dirty && !pane.saving, 'the save to finish');
    await pane.updateComplete;
    const stored = (await api('GET', '/api/experiments/my_experiment/source')).body.source as string;
    assert.match(stored, /max: 500/);
    assert.match(pane.status, /Saved and reloaded/);
    assert.equal(Object.keys(pane.info!.schema!.properties as object), ['seed', 'iterations']);
    await until(() => summaryText(pane).includes('seed'), 'the summary to list the new field');
    assert.match(summaryText(pane), /1–500/);
    const summary = pane.shadowRoot!.querySelector('athanor-experiment-summary')!;
    await summary.updateComplete;
    const form = summary.form!;
    await form.updateComplete;
    assert.ok(form.shadowRoot!.querySelector('input[name="seed"], #seed, [id$="seed"]'), 'the form has a field for seed');
    assert.ok(save().disabled);
  });
});

test('a load error shows with its line and clears when fixed; refusals keep the text', async () => {
  await withServer(async ({ base, server }) => {
    const pane = await mountPane(base, 'my_experiment', server);
    const original = pane.draft;
    edit(pane, "export async function run(ctx: RunContext) {", 'export async function run(ctx: RunContext) {{{');
    await pane.save();
    await until(() => pane.info?.error, 'the load error');
    await pane.updateComplete;
    const error = pane.info!.error!;
    assert.is(error.code, 'ERR_SYNTAX');
    assert.type(error.line, 'number');
    const panel = pane.shadowRoot!.querySelector('.load-error')!;
    assert.ok(panel, 'the message panel shows');
    assert.match(panel.textContent!, new RegExp(`my_experiment\\.ts:${error.line}`));
    assert.match(panel.textContent!, /ERR_SYNTAX/);
    assert.ok(panel.querySelector('button')!.textContent!.includes(`line ${error.line}`));
    assert.equal(pane.diagnostics.map((d) => d.line), [error.line]);
    const editor = pane.editor!;
    await editor.updateComplete;
    // "Go to line" brings it into the editor's view; the marked line's number is read through the
    // editor's own map of its DOM (which lines it draws depends on layout).
    (panel.querySelector('button') as HTMLButtonElement).click();
    await until(() => editor.shadowRoot!.querySelector('.cm-line.cm-athanor-error-line'), 'the error line drawn');
    const marked = editor.shadowRoot!.querySelector('.cm-line.cm-athanor-error-line');
    assert.ok(marked, 'a line is marked');
    const view = editor.view!;
    assert.is(view.state.doc.lineAt(view.posAtDOM(marked!)).number, error.line, 'the error line is marked in the editor');

    // Fix it: the error clears.
    pane.editor!.view!.dispatch({ changes: { from: 0, to: pane.editor!.view!.state.doc.length, insert: original } });
    await pane.save();
    await until(() => !pane.info?.error, 'the error to clear');
    await pane.updateComplete;
    assert.not.ok(pane.shadowRoot!.querySelector('.load-error'));
    assert.equal(pane.diagnostics, []);

    // A refusal (too large) shows its message and leaves the editor's text alone.
    const huge = `${original}\n// ${'x'.repeat(1_100_000)}\n`;
    pane.editor!.view!.dispatch({ changes: { from: 0, to: pane.editor!.view!.state.doc.length, insert: huge } });
    await pane.save();
    await pane.updateComplete;
    assert.match(pane.shadowRoot!.querySelector('.refusal')!.textContent!, /Not saved.*(413|ERR_TOO_LARGE)/s);
    assert.is(pane.editor!.text, huge);
    assert.ok(pane.dirty);
  });
});

test('a change on disk reloads a clean editor and warns a dirty one', async () => {
  await withServer(async ({ base, workbench, server }) => {
    const pane = await mountPane(base, 'my_experiment', server);
    const file = join(workbench.experimentsDir, 'my_experiment.ts');
    const disk1 = pane.saved!.replace('A minimal experiment example', 'Changed on disk');
    await writeFile(file, disk1);
    await until(() => pane.info?.description === 'Changed on disk', 'the changed event');
    await until(() => pane.saved === disk1, 'the clean editor to reload');
    assert.is(pane.editor!.text, disk1);

    edit(pane, 'Changed on disk', 'Changed by me');
    const disk2 = disk1.replace('Changed on disk', 'Changed on disk again');
    await writeFile(file, disk2);
    await until(() => pane.diskText === disk2, 'the conflict');
    await pane.updateComplete;
    const conflict = pane.shadowRoot!.querySelector('.conflict')!;
    assert.match(conflict.textContent!, /changed on disk/);
    assert.match(pane.editor!.text, /Changed by me/, 'the editor keeps my text');
    // Ctrl-S before choosing does not write over what changed on disk.
    pane.dispatchEvent(new KeyboardEvent('keydown', { key: 's', ctrlKey: true, bubbles: true, composed: true }));
    await pane.save();
    await pane.updateComplete;
    assert.is(await readFile(file, 'utf8'), disk2, 'the file on disk is left as it is');
    assert.match(pane.status, /Not saved: choose Reload or Keep mine/);
    assert.ok(pane.shadowRoot!.querySelector('.conflict'), 'the choice is still offered');
    [...conflict.querySelectorAll('button')].find((b) => b.textContent === 'Keep mine')!.click();
    await pane.updateComplete;
    assert.not.ok(pane.shadowRoot!.querySelector('.conflict'));
    assert.ok(pane.dirty);
    assert.match(pane.editor!.text, /Changed by me/);
    // Chosen: saving replaces the file.
    await pane.save();
    assert.match(await readFile(file, 'utf8'), /Changed by me/);
    assert.not.ok(pane.dirty);
  }, { workbench: { watch: true } }); // files changed on disk: the watcher reloads them
});

test('a save that finds the file changed on disk before its event came is refused and shows the choice', async () => {
  await withServer(async ({ base, workbench, server }) => {
    const pane = await mountPane(base, 'my_experiment', server);
    const file = join(workbench.experimentsDir, 'my_experiment.ts');
    // Not watched: no event tells the pane, as when the save beats the watcher.
    const disk = pane.saved!.replace('A minimal experiment example', 'Changed on disk');
    await writeFile(file, disk);
    edit(pane, 'A minimal experiment example', 'Changed by me');
    await pane.save();
    await pane.updateComplete;
    assert.is(await readFile(file, 'utf8'), disk, 'the file on disk is left as it is');
    assert.is(pane.diskText, disk);
    assert.ok(pane.shadowRoot!.querySelector('.conflict'), 'the choice is offered');
    assert.not.ok(pane.shadowRoot!.querySelector('.refusal'));
    assert.match(pane.editor!.text, /Changed by me/, 'the editor keeps my text');
    pane.reloadFromDisk();
    await pane.updateComplete;
    assert.is(pane.editor!.text, disk);
    assert.not.ok(pane.dirty);
  });
});

test('a removed file says so, and a restored one takes the message back', async () => {
  await withServer(async ({ base, workbench, server }) => {
    const pane = await mountPane(base, 'my_experiment', server);
    const file = join(workbench.experimentsDir, 'my_experiment.ts');
    const text = await readFile(file, 'utf8');
    await rm(file);
    await until(() => /my_experiment was removed: its file is gone/.test(pane.status), 'the removal to show');
    await pane.updateComplete;
    // Its definition is not shown as if it were still there.
    assert.is(pane.shadowRoot!.querySelector('athanor-experiment-summary'), null);
    assert.match(pane.shadowRoot!.querySelector('.side')?.textContent ?? '', 'No definition: the file went with it');
    // Saving makes it again, as the panel says, even with the text unchanged.
    assert.not.ok(pane.dirty);
    assert.is((pane.shadowRoot!.querySelector('button.primary') as HTMLButtonElement).disabled, false, 'Save is offered');
    await pane.save();
    assert.is(pane.status, 'Saved: my_experiment.ts is there again.');
    assert.is(await readFile(file, 'utf8'), text);
    await until(() => pane.shadowRoot!.querySelector('athanor-experiment-summary'), 'the definition to show again');
    await rm(file);
    await until(() => /my_experiment was removed/.test(pane.status), 'the removal to show again');
    // A save refused while it is gone (too large)…
    const huge = `${text}\n// ${'x'.repeat(1_100_000)}\n`;
    pane.editor!.view!.dispatch({ changes: { from: 0, to: pane.editor!.view!.state.doc.length, insert: huge } });
    await pane.save();
    await pane.updateComplete;
    assert.match(pane.shadowRoot!.querySelector('.refusal')?.textContent ?? '', /Not saved:.*(413|ERR_TOO_LARGE)/s);
    await writeFile(file, text);
    await until(() => pane.status === 'my_experiment is back: its file is there again.', 'the removal message to go');
    await pane.updateComplete;
    assert.not.match(pane.shadowRoot!.textContent!, 'its file is gone');
    // …goes when it is back: it was about a file that is no more.
    assert.is(pane.shadowRoot!.querySelector('.refusal'), null);
    await until(() => pane.shadowRoot!.querySelector('athanor-experiment-summary'), 'the definition to show again');
    assert.not.match(pane.shadowRoot!.textContent!, 'No definition');
    // Gone again with the editor's text unsaved: saving makes the file again from it.
    pane.editor!.view!.dispatch({ changes: { from: 0, to: pane.editor!.view!.state.doc.length, insert: text.replace('A minimal experiment example', 'Made again') } });
    await rm(file);
    await until(() => /was removed/.test(pane.status), 'the second removal to show');
    await pane.save();
    assert.is(pane.status, 'Saved: my_experiment.ts is there again.');
    assert.match(await readFile(file, 'utf8'), /Made again/);
    await until(() => pane.info?.description?.includes('Made again'), 'the experiment to load again');
  }, { workbench: { watch: true } }); // files removed and restored on disk: the watcher sees them
});

test('unsaved text kept while another experiment is shown comes back, also when the file changed meanwhile', async () => {
  await withServer(async ({ base, workbench, server }) => {
    const pane = await mountPane(base, 'my_experiment', server);
    const file = join(workbench.experimentsDir, 'my_experiment.ts');
    const shown = async (name: string) => {
      pane.experiment = name;
      await until(() => pane.saved !== undefined && pane.info?.name === name, `${name} to show`);
      await pane.updateComplete;
    };
    edit(pane, 'A minimal experiment example', 'My draft');
    await shown('kernel_fixture');
    await shown('my_experiment');
    assert.match(pane.editor!.text, /My draft/);
    assert.is(pane.status, 'Your unsaved changes are back.');
    // Away again, and the file changes on disk meanwhile: the draft is not dropped, the choice is offered.
    await shown('kernel_fixture');
    const disk = (await readFile(file, 'utf8')).replace('A minimal experiment example', 'Changed on disk');
    await writeFile(file, disk);
    await shown('my_experiment');
    assert.match(pane.editor!.text, /My draft/, 'the draft is back');
    assert.is(pane.diskText, disk);
    assert.ok(pane.dirty);
    assert.ok(pane.shadowRoot!.querySelector('.conflict'), 'the choice is offered');
    assert.is(pane.status, 'Your unsaved changes are back; the file changed on disk meanwhile.');
    await pane.save();
    assert.is(await readFile(file, 'utf8'), disk, 'not saved over the change before the choice');
  });
});

test('a file with Windows line breaks (CRLF) keeps them when saved: only the edited line changes', async () => {
  await withServer(async ({ base, server, workbench }) => {
    const file = join(workbench.experimentsDir, 'my_experiment.ts');
    const crlf = (await readFile(file, 'utf8')).replace(/\r?\n/g, '\r\n');
    await writeFile(file, crlf);
    const pane = await mountPane(base, 'my_experiment', server);
    assert.is(pane.dirty, false, 'opened unchanged');
    edit(pane, 'Your experiment logic here', 'Your experiment logic, edited');
    await pane.updateComplete;
    assert.ok(pane.dirty);
    await pane.save();
    await until(() => /Saved/.test(pane.status), 'the save');
    const saved = await readFile(file, 'utf8');
    assert.is(saved, crlf.replace('Your experiment logic here', 'Your experiment logic, edited'));
    assert.is(pane.dirty, false);
    pane.remove();
  });
});

test('an unknown experiment says not found', async () => {
  await withServer(async ({ base }) => {
    const pane = document.createElement('athanor-source-pane');
    pane.setAttribute('api', base);
    pane.setAttribute('experiment', 'nope');
    document.body.append(pane);
    await until(() => pane.notFound, 'not found');
    await pane.updateComplete;
    assert.match(pane.shadowRoot!.querySelector('.placeholder')!.textContent!, /no experiment called nope/);
    pane.remove();
  });
});

test('opened while its file is gone, the page shows the experiment once its file is back', async () => {
  await withServer(async ({ base, server, workbench }) => {
    const file = join(workbench.experimentsDir, 'my_experiment.ts');
    const text = await readFile(file, 'utf8');
    await rm(file);
    await until(() => !workbench.registry.get('my_experiment'), 'my_experiment to be removed');
    const pane = document.createElement('athanor-source-pane');
    pane.setAttribute('api', base);
    pane.setAttribute('experiment', 'my_experiment');
    document.body.append(pane);
    await until(() => pane.notFound, 'not found');
    await streamOpen(server);
    await writeFile(file, text);
    await until(() => pane.saved === text && pane.info?.name === 'my_experiment', 'the experiment to show once its file is back');
    await pane.updateComplete;
    assert.is(pane.notFound, false);
    assert.is(pane.shadowRoot!.querySelector('.placeholder'), null);
    pane.remove();
  }, { workbench: { watch: true } }); // files removed and restored on disk: the watcher sees them
});

test.run();
