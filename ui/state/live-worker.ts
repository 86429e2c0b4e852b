/**
 * The SharedWorker that holds the browser's live connection to a workbench for every tab
 * of its origin (served at `/athanor-live-worker.js`; live-link.ts starts it). Each tab is
 * a MessagePort; the relay keeps one EventSource per workbench with the union of the
 * tabs' topics. Imports nothing that needs a DOM.
 */
import { LiveRelay } from './live-relay.ts';
import { PING_INTERVAL_MS, type TabMessage } from './live-protocol.ts';

/** The slice of SharedWorkerGlobalScope used here (ui/ type-checks against the DOM library). */
declare const self: { addEventListener(type: 'connect', listener: (event: MessageEvent) => void): void };

const relay = new LiveRelay<MessagePort>({ send: (port, message) => port.postMessage(message) });

self.addEventListener('connect', (event) => {
  const port = event.ports[0];
  if (!port) return;
  port.addEventListener('message', (message: MessageEvent<TabMessage>) => relay.receive(port, message.data));
  port.start();
});

// A closed tab's port says nothing: tabs that stop answering are forgotten.
setInterval(() => relay.sweep(), PING_INTERVAL_MS);
