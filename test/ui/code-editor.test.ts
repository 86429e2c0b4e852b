import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import '../../ui/elements/athanor-code-editor.ts';
import type { AthanorCodeEditor } from '../../ui/elements/athanor-code-editor.ts';

const test = suite('athanor-code-editor (happy-dom)');

async function mount(value: string): Promise<AthanorCodeEditor> {
  const el = document.createElement('athanor-code-editor');
  el.value = value;
  el.label = 'Source of demo.ts';
  document.body.append(el);
  await el.updateComplete;
  return el;
}

test.after.each(() => {
  document.body.replaceChildren();
});

test('mounts CodeMirror in its shadow root with an accessible name and the keyboard hint', async () => {
  const el = await mount('const a = 1;\n');
  const content = el.shadowRoot!.querySelector('.cm-content');
  assert.ok(content, 'CodeMirror content is rendered');
  assert.is(content!.getAttribute('aria-label'), 'Source of demo.ts');
  const hint = el.shadowRoot!.getElementById(content!.getAttribute('aria-describedby')!);
  assert.match(hint!.textContent!, /Esc/);
  assert.is(el.text, 'const a = 1;\n');
});

test('setting value replaces the text without an input event; edits send one', async () => {
  const el = await mount('one\n');
  const inputs: string[] = [];
  el.addEventListener('athanor-editor-input', (e) => inputs.push((e as CustomEvent).detail.value));
  el.value = 'two\n';
  await el.updateComplete;
  assert.is(el.text, 'two\n');
  assert.equal(inputs, []);
  el.view!.dispatch({ changes: { from: 0, insert: 'x' } });
  assert.equal(inputs, ['xtwo\n']);
});

test('diagnostics mark their line and clear', async () => {
  const el = await mount('a\nb\nc\n');
  el.diagnostics = [{ line: 2, column: 1, message: 'bad b' }];
  await el.updateComplete;
  const lines = () => [...el.shadowRoot!.querySelectorAll('.cm-line')].map((l) => l.classList.contains('cm-athanor-error-line'));
  assert.equal(lines().slice(0, 3), [false, true, false]);
  el.diagnostics = [];
  await el.updateComplete;
  assert.equal(lines().slice(0, 3), [false, false, false]);
});

test.run();
