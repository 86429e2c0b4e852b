/**
 * Sharing the live connection where there is no SharedWorker (Chrome on Android, a page of
 * another origin that embeds the elements): the tabs of an origin elect a leader, which
 * holds the relay (and so the connections) for all of them, and talk to it over a
 * BroadcastChannel. The election is a Web Lock: the tab holding it leads; when that tab
 * closes or goes into the back/forward cache it lets go, the next waiting tab takes over,
 * says so on the channel, and every tab sends its subscriptions again (with where it was,
 * so nothing is missed).
 */
import { LiveRelay } from './live-relay.ts';
import { PING_INTERVAL_MS, type RelayMessage, type TabMessage } from './live-protocol.ts';
import type { LinkEvents, LiveLink } from './live-link-types.ts';

const CHANNEL = 'athanor-live';
const LOCK = 'athanor-live-leader';

/** What travels on the channel: to the leader, to one tab, or "I lead now". */
type ChannelMessage =
  | { kind: 'to-leader'; from: string; message: TabMessage }
  | { kind: 'to-tab'; to: string; message: RelayMessage }
  | { kind: 'leader'; from: string };

/** Whether this browser can elect a leader (BroadcastChannel and Web Locks). */
export function canElectLeader(): boolean {
  return typeof BroadcastChannel === 'function' && typeof navigator !== 'undefined' && typeof navigator.locks?.request === 'function';
}

export class LeaderLink implements LiveLink {
  // Not crypto.randomUUID(): pages served over plain HTTP off loopback are no secure context.
  readonly #id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  readonly #events: LinkEvents;
  readonly #channel = new BroadcastChannel(CHANNEL);
  readonly #abort = new AbortController();
  #relay: LiveRelay<string> | undefined;
  #resign: (() => void) | undefined;
  #sweep: ReturnType<typeof setInterval> | undefined;

  constructor(events: LinkEvents) {
    this.#events = events;
    this.#channel.addEventListener('message', (event: MessageEvent<ChannelMessage>) => this.#onChannel(event.data));
    navigator.locks
      .request(LOCK, { signal: this.#abort.signal }, () => new Promise<void>((resolve) => this.#lead(resolve)))
      .catch(() => {}); // aborted: the tab left before its turn
  }

  /** Whether this tab holds the connections now. */
  get leading(): boolean {
    return this.#relay !== undefined;
  }

  send(message: TabMessage): void {
    if (this.#relay) this.#relay.receive(this.#id, message);
    else this.#post({ kind: 'to-leader', from: this.#id, message });
  }

  close(): void {
    this.send({ type: 'leave' });
    this.#abort.abort();
    clearInterval(this.#sweep);
    this.#relay?.close();
    this.#relay = undefined;
    this.#resign?.();
    this.#channel.close();
  }

  #lead(resign: () => void): void {
    if (this.#abort.signal.aborted) return resign();
    this.#resign = resign;
    this.#relay = new LiveRelay<string>({
      send: (key, message) => {
        // Its own messages go round the event loop, as the others' do: never re-entrant.
        if (key === this.#id) queueMicrotask(() => this.#events.message(message));
        else this.#post({ kind: 'to-tab', to: key, message });
      },
    });
    this.#sweep = setInterval(() => this.#relay?.sweep(), PING_INTERVAL_MS);
    this.#post({ kind: 'leader', from: this.#id });
    this.#events.resubscribe();
  }

  #onChannel(data: ChannelMessage): void {
    if (data.kind === 'to-leader') this.#relay?.receive(data.from, data.message);
    else if (data.kind === 'to-tab' && data.to === this.#id) this.#events.message(data.message);
    else if (data.kind === 'leader' && data.from !== this.#id) this.#events.resubscribe();
  }

  #post(message: ChannelMessage): void {
    try {
      this.#channel.postMessage(message);
    } catch {
      // Closed: the tab is leaving.
    }
  }
}
