/**
 * Which way a tab reaches the relay holding its live connection, best first:
 * - `worker`: the workbench's SharedWorker (`/athanor-live-worker.js`), shared by every tab
 *   of the workbench's origin: one connection for the browser;
 * - `leader`: where there is no SharedWorker, or the page is on another origin (a page that
 *   embeds the elements: a worker must come from the page's own origin), the leader tab
 *   of the page's origin holds it for all of them (live-leader.ts);
 * - `direct`: neither (no Web Locks, e.g. a page over plain HTTP off loopback, or a test's
 *   DOM): the tab holds its own, still one for all its elements.
 */
import { canElectLeader, LeaderLink } from './live-leader.ts';
import { LiveRelay } from './live-relay.ts';
import { WORKER_OPTIONS, WORKER_PATH, type TabMessage } from './live-protocol.ts';
import type { LinkEvents, LiveLink } from './live-link-types.ts';

export type { LinkEvents, LiveLink };
export type LinkKind = 'worker' | 'leader' | 'direct';

/** The link kind for `api` (an absolute base) from this page, leaving out those that failed. */
export function linkKindFor(api: string, failed: ReadonlySet<LinkKind>): LinkKind {
  const sameOrigin = typeof location !== 'undefined' && new URL(api).origin === location.origin;
  if (sameOrigin && typeof SharedWorker === 'function' && !failed.has('worker')) return 'worker';
  if (canElectLeader() && !failed.has('leader')) return 'leader';
  return 'direct';
}

/** Opens a link of `kind` (`api`: the workbench whose worker to use). */
export function openLink(kind: LinkKind, api: string, events: LinkEvents): LiveLink {
  if (kind === 'worker') return new WorkerLink(`${new URL(api).origin}${WORKER_PATH}`, events);
  if (kind === 'leader') return new LeaderLink(events);
  return new DirectLink(events);
}

class WorkerLink implements LiveLink {
  readonly #port: MessagePort | undefined;

  constructor(url: string, events: LinkEvents) {
    try {
      const worker = new SharedWorker(url, WORKER_OPTIONS);
      // The script did not load (an older workbench, a proxy that does not pass it).
      worker.addEventListener('error', () => events.failed?.(`the live worker ${url} did not start`));
      this.#port = worker.port;
      this.#port.addEventListener('message', (event: MessageEvent) => events.message(event.data));
      this.#port.start();
    } catch (error) {
      queueMicrotask(() => events.failed?.(`the live worker ${url} cannot be used here: ${(error as Error).message}`));
    }
  }

  send(message: TabMessage): void {
    this.#port?.postMessage(message);
  }

  close(): void {
    this.send({ type: 'leave' });
    this.#port?.close();
  }
}

class DirectLink implements LiveLink {
  readonly #relay: LiveRelay<'tab'>;

  constructor(events: LinkEvents) {
    this.#relay = new LiveRelay<'tab'>({ send: (_tab, message) => queueMicrotask(() => events.message(message)) });
  }

  send(message: TabMessage): void {
    this.#relay.receive('tab', message);
  }

  close(): void {
    this.#relay.close();
  }
}
