import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import '../../ui/elements/athanor-json-tree.ts';
import type { AthanorJsonTree } from '../../ui/elements/athanor-json-tree.ts';

async function mount(value: unknown, foldDepth?: number): Promise<AthanorJsonTree> {
  const el = document.createElement('athanor-json-tree');
  el.value = value;
  if (foldDepth !== undefined) el.foldDepth = foldDepth;
  document.body.append(el);
  await el.updateComplete;
  return el;
}

const text = (el: AthanorJsonTree) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ');
const buttons = (el: AthanorJsonTree, label: RegExp) => [...el.shadowRoot!.querySelectorAll('button')].filter((b) => label.test(b.getAttribute('aria-label') ?? b.textContent ?? ''));

const test = suite('json tree');
test.after.each(() => document.body.replaceChildren());

test('shows primitives as JSON', async () => {
  assert.match(text(await mount('hello')), '"hello"');
  assert.match(text(await mount(42)), '42');
  assert.match(text(await mount(null)), 'null');
});

test('opens three levels by itself and folds deeper values behind "show more"', async () => {
  const el = await mount({ a: { b: { c: { d: { e: 'deep' } } } }, top: 1 });
  assert.match(text(el), 'top: 1');
  assert.match(text(el), 'c:');
  assert.not.match(text(el), 'e: "deep"', 'folded: only its preview shows');
  const more = buttons(el, /^Show more of c/);
  assert.is(more.length, 1);
  more[0]!.click();
  await el.updateComplete;
  assert.match(text(el), 'e: "deep"');
});

test('collapses and expands a branch with a named button', async () => {
  const el = await mount({ list: [1, 2, 3] });
  const collapse = buttons(el, /^Collapse list/)[0]!;
  assert.is(collapse.getAttribute('aria-expanded'), 'true');
  collapse.click();
  await el.updateComplete;
  const expand = buttons(el, /^Expand list/)[0]!;
  assert.is(expand.getAttribute('aria-expanded'), 'false');
  assert.match(text(el), '[1,2,3]');
  expand.click();
  await el.updateComplete;
  assert.match(text(el), '3 items');
});

test('long arrays show 50 members, then "show more"', async () => {
  const el = await mount(Array.from({ length: 120 }, (_, i) => i));
  assert.match(text(el), '49: 49');
  assert.not.match(text(el), '50: 50');
  buttons(el, /^show 50 more of 70/)[0]!.click();
  await el.updateComplete;
  assert.match(text(el), '99: 99');
  assert.match(text(el), 'show 20 more of 20');
});

test('fold-depth sets how many levels open', async () => {
  const el = await mount({ a: { b: 1 } }, 1);
  assert.not.match(text(el), 'b: 1');
  assert.is(buttons(el, /^Show more of a/).length, 1);
});

test('closed: the value starts as one line with a preview; opened, it shows fold-depth levels', async () => {
  const el = document.createElement('athanor-json-tree');
  el.value = { iteration: 3, nested: { deeper: { x: 1 } } };
  el.closed = true;
  document.body.append(el);
  await el.updateComplete;
  assert.not.match(text(el), 'iteration: 3');
  assert.match(text(el), '{"iteration":3,');
  const expand = buttons(el, /^Expand value/);
  assert.is(expand.length, 1);
  expand[0]!.click();
  await el.updateComplete;
  assert.match(text(el), 'iteration: 3');
  assert.match(text(el), 'x: 1', 'three levels open below it');
});

test.run();
