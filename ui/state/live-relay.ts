/**
 * The relay: the one place in a browser that holds the live connections, one per
 * workbench (ApiStream), for every tab that subscribes to it. It runs in the SharedWorker
 * (tabs are MessagePorts), in the leader tab (tabs are ids on a BroadcastChannel), or in a
 * tab alone. Tabs that stop answering pings are forgotten, so a crashed tab's topics do not
 * stay on the stream for ever.
 *
 * @example
 * const relay = new LiveRelay<MessagePort>({ send: (port, message) => port.postMessage(message) });
 * port.onmessage = (event) => relay.receive(port, event.data);
 * setInterval(() => relay.sweep(), PING_INTERVAL_MS);
 */
import { ApiStream, type ApiStreamOptions } from './live-api-stream.ts';
import type { TabMessage } from './live-protocol.ts';

export type LiveRelayOptions<K> = ApiStreamOptions<K>;

/** Whether `api` is an absolute http(s) base a tab may ask the relay to connect to. */
function isApiBase(api: unknown): api is string {
  if (typeof api !== 'string') return false;
  try {
    const url = new URL(api);
    return (url.protocol === 'http:' || url.protocol === 'https:') && !url.search && !url.hash && !api.endsWith('/');
  } catch {
    return false;
  }
}

export class LiveRelay<K> {
  readonly #options: LiveRelayOptions<K>;
  readonly #streams = new Map<string, ApiStream<K>>();
  /** The tabs it knows, and whether each answered since the last sweep. */
  readonly #tabs = new Map<K, { answered: boolean }>();

  constructor(options: LiveRelayOptions<K>) {
    this.#options = options;
  }

  /** Handles one message from tab `key`. */
  receive(key: K, message: TabMessage): void {
    const known = this.#tabs.get(key);
    if (known) known.answered = true;
    switch (message?.type) {
      case 'subscribe':
        if (!isApiBase(message.api) || !Array.isArray(message.topics)) return;
        this.#tabs.set(key, { answered: true });
        this.#stream(message.api).subscribe(key, message.topics.map(String), typeof message.lastId === 'number' ? message.lastId : null, message.rewind === true);
        return;
      case 'unsubscribe':
        this.#streams.get(message.api)?.remove(key);
        return;
      case 'leave':
        return this.drop(key);
      case 'pong':
        // A tab it forgot (it was frozen, or its leader changed) comes back: ask for its subscriptions.
        if (!known) this.#options.send(key, { type: 'resubscribe' });
        return;
    }
  }

  /** Forgets tab `key` and everything it subscribed to. */
  drop(key: K): void {
    this.#tabs.delete(key);
    for (const stream of this.#streams.values()) stream.remove(key);
  }

  /** Forgets the tabs that did not answer since the last sweep; pings the others. */
  sweep(): void {
    for (const [key, tab] of this.#tabs) {
      if (!tab.answered) {
        this.drop(key);
        continue;
      }
      tab.answered = false;
      const cursors: Record<string, number> = {};
      for (const [api, stream] of this.#streams) {
        const cursor = stream.cursorOf(key);
        if (cursor !== undefined) cursors[api] = cursor;
      }
      this.#options.send(key, { type: 'ping', cursors });
    }
  }

  /** The tabs it serves now. */
  get tabs(): number {
    return this.#tabs.size;
  }

  close(): void {
    for (const stream of this.#streams.values()) stream.close();
    this.#streams.clear();
    this.#tabs.clear();
  }

  #stream(api: string): ApiStream<K> {
    let stream = this.#streams.get(api);
    if (!stream) this.#streams.set(api, (stream = new ApiStream(api, this.#options)));
    return stream;
  }
}
