/**
 * Preload for the component suites (test/ui/): a happy-dom window as the global scope,
 * registered once and never unregistered (uvu runs every file in one process). The
 * components talk to a real workbench server, so Node's own fetch is kept (happy-dom's
 * applies CORS against its fake page origin) and EventSource, which happy-dom lacks,
 * comes from the `eventsource` package (WHATWG semantics over fetch). CSS imported
 * `?inline` loads as its text, as Vite does (css-inline-hooks.mjs).
 */
import { register } from 'node:module';
import { GlobalRegistrator } from '@happy-dom/global-registrator';

// `import css from '….css?inline'` (Vite's), as the chart imports uPlot's style sheet.
register('./css-inline-hooks.mjs', import.meta.url);

const nodeFetch = globalThis.fetch;
GlobalRegistrator.register({ url: 'http://127.0.0.1/', width: 1280, height: 800 });
// Loaded after the window is registered, so its EventTarget and the MessageEvents it
// dispatches are both happy-dom's (Node's EventTarget refuses happy-dom's events).
const { EventSource } = await import('eventsource');
Object.assign(globalThis, { fetch: nodeFetch, EventSource });
// happy-dom has no Element.assignedSlot, which @lit-labs/virtualizer reads to walk up the
// composed tree (the dashboard's list): null, as for an element in no slot.
if (!('assignedSlot' in Element.prototype)) {
  Object.defineProperty(Element.prototype, 'assignedSlot', { configurable: true, get: () => null });
}
