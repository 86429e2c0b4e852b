import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LitElement, html } from 'lit';

test('the component suites run in a DOM with custom elements, Lit and EventSource', async () => {
  class ProbeElement extends LitElement {
    override render() {
      return html`<p>probe</p>`;
    }
  }
  customElements.define('test-probe-element', ProbeElement);
  const el = document.createElement('test-probe-element') as ProbeElement;
  document.body.append(el);
  await el.updateComplete;
  assert.is(el.shadowRoot?.querySelector('p')?.textContent, 'probe');
  assert.type(globalThis.EventSource, 'function');
  el.remove();
});

test.run();
