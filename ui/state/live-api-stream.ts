/**
 * One workbench's event stream, held for many subscribers (tabs): one EventSource with
 * the union of their topics, each event passed on to the subscribers whose topics want it.
 *
 * Design note — cursors. Each subscriber has a cursor: the id up to which it has every
 * event of its topics. A subscriber the open stream covers (its topics are in the stream's,
 * and its cursor is not behind the stream) is "live" and gets each new event past its
 * cursor. One that is not (new topics, or back from the back/forward cache with an old
 * cursor) waits, and the stream is reopened shortly after with the new union of topics,
 * from the oldest cursor (`lastEventId`): the server replays what that subscriber missed,
 * and the others, whose cursors are further on, skip what they already have. So nobody
 * gets a gap or a duplicate, and one connection serves everyone. When topics are dropped
 * the stream narrows after a delay (a page that navigates usually subscribes again at once).
 */
import { eventTopics, formatTopics, wantsEvent } from '../../core/events/event-topics.ts';
import type { AthanorEvent } from '../../core/events/event-map.ts';
import { EVENT_TYPES, type LiveState, type RelayMessage } from './live-protocol.ts';

/** The slice of EventSource the stream uses (tests pass a fake). */
export interface EventSourceLike {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
}

export interface ApiStreamOptions<K> {
  send(key: K, message: RelayMessage): void;
  /** Opens an EventSource (default: the browser's, with credentials, for a token cookie). */
  open?: (url: string) => EventSourceLike;
  /** Wait before reopening for new subscribers, so a page's elements and tabs opening together share one reopen (default 25 ms). */
  growDelayMs?: number;
  /** Wait before narrowing the stream (or closing it) after topics are dropped (default 3 s). */
  shrinkDelayMs?: number;
  /** First wait before trying again after the server refused the stream; doubles up to 30 s (default 1 s). */
  retryMs?: number;
  /**
   * Least time between two opens of the stream (default 250 ms). Each is a request and a
   * replay for the server, whose close of the one before lags under load: 12 tabs loading
   * together reopened it in a burst and held 3 connections at once.
   */
  reopenGapMs?: number;
}

interface Subscriber {
  topics: Set<string>;
  cursor: number | undefined;
  live: boolean;
}

const CLOSED = 2; // EventSource.CLOSED (not a global in a worker's type library)

export class ApiStream<K> {
  readonly #api: string;
  readonly #options: Required<ApiStreamOptions<K>>;
  readonly #subscribers = new Map<K, Subscriber>();
  #source: EventSourceLike | undefined;
  #sourceTopics = new Set<string>();
  /** The newest id the open stream has passed on (or the one it resumed from). */
  #position: number | undefined;
  #state: LiveState = 'connecting';
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerDue = Infinity;
  #retryMs: number;
  #openedAt = -Infinity;

  constructor(api: string, options: ApiStreamOptions<K>) {
    this.#api = api;
    this.#options = {
      open: (url) => new EventSource(url, { withCredentials: true }) as EventSourceLike,
      growDelayMs: 25,
      shrinkDelayMs: 3_000,
      retryMs: 1_000,
      reopenGapMs: 250,
      ...options,
    };
    this.#retryMs = this.#options.retryMs;
  }

  /** Whether anyone is subscribed. */
  get idle(): boolean {
    return this.#subscribers.size === 0;
  }

  /**
   * Sets `key`'s topics; `lastId`: the last event it saw (null: it comes fresh, and takes
   * what comes from now). A cursor only moves on, unless `rewind` sets it back to `lastId`:
   * the stream is reopened from there and what followed is sent again.
   */
  subscribe(key: K, topics: readonly string[], lastId: number | null, rewind = false): void {
    const before = this.#subscribers.get(key)?.cursor;
    const cursor =
      rewind && lastId !== null ? lastId : before === undefined ? (lastId ?? this.#position) : lastId === null ? before : Math.max(before, lastId);
    const subscriber: Subscriber = { topics: new Set(topics), cursor, live: false };
    this.#subscribers.set(key, subscriber);
    this.#options.send(key, { type: 'state', api: this.#api, state: this.#state });
    // Its resume point from now on, covered yet or not: if it leaves before the stream is
    // reopened for it, it comes back asking for what followed this.
    if (cursor !== undefined) this.#options.send(key, { type: 'cursor', api: this.#api, id: cursor });
    if (this.#covers(subscriber)) subscriber.live = true;
    // The first subscriber opens the stream at once; later ones wait a moment to share a reopen.
    else if (!this.#source && !this.#timer) this.#reconcile();
    else this.#schedule(this.#options.growDelayMs);
    if (this.#narrower()) this.#schedule(this.#options.shrinkDelayMs);
  }

  remove(key: K): void {
    if (!this.#subscribers.delete(key)) return;
    if (this.#narrower()) this.#schedule(this.#options.shrinkDelayMs);
  }

  /** `key`'s cursor (for its pings). */
  cursorOf(key: K): number | undefined {
    return this.#subscribers.get(key)?.cursor;
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#source?.close();
    this.#source = undefined;
  }

  /** Whether the open stream gives `subscriber` everything it needs from its cursor on. */
  #covers(subscriber: Subscriber): boolean {
    if (!this.#source) return false;
    for (const topic of subscriber.topics) if (!this.#sourceTopics.has(topic)) return false;
    if (subscriber.cursor === undefined) return true;
    return this.#position !== undefined && subscriber.cursor >= this.#position;
  }

  /** Whether the open stream carries topics nobody asks for any more. */
  #narrower(): boolean {
    const union = this.#union();
    return this.#source !== undefined && (union.size < this.#sourceTopics.size || this.#subscribers.size === 0);
  }

  #union(): Set<string> {
    const union = new Set<string>();
    for (const subscriber of this.#subscribers.values()) for (const topic of subscriber.topics) union.add(topic);
    return union;
  }

  /** Reconciles at `delay` from now, or sooner if already due sooner. */
  #schedule(delay: number): void {
    const due = Date.now() + delay;
    if (this.#timer && this.#timerDue <= due) return;
    clearTimeout(this.#timer);
    this.#timerDue = due;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerDue = Infinity;
      this.#reconcile();
    }, delay);
  }

  /** Opens, reopens or closes the stream so it serves every subscriber and nothing more. */
  #reconcile(): void {
    if (this.#subscribers.size === 0) return this.close();
    const union = this.#union();
    const stale = [...this.#subscribers.values()].some((s) => !s.live);
    const same = this.#source && union.size === this.#sourceTopics.size && [...union].every((t) => this.#sourceTopics.has(t));
    if (!stale && same) return;
    const wait = this.#openedAt + this.#options.reopenGapMs - Date.now();
    if (wait > 0) return this.#schedule(wait);
    this.#reopen(union);
  }

  #reopen(topics: Set<string>): void {
    this.#source?.close();
    const cursors = [...this.#subscribers.values()].map((s) => s.cursor).filter((c): c is number => c !== undefined);
    const from = cursors.length ? Math.min(...cursors) : this.#position;
    const url = `${this.#api}/api/events?topics=${encodeURIComponent(formatTopics(topics))}${from === undefined ? '' : `&lastEventId=${from}`}`;
    const source = this.#options.open(url);
    this.#openedAt = Date.now();
    this.#source = source;
    this.#sourceTopics = topics;
    this.#position = from;
    for (const subscriber of this.#subscribers.values()) subscriber.live = true;
    for (const type of EVENT_TYPES) source.addEventListener(type, (message) => this.#source === source && this.#onEvent(message));
    source.addEventListener('stream.open', (message) => this.#source === source && this.#onOpen(Number(message.lastEventId)));
    source.addEventListener('stream.reset', (message) => this.#source === source && this.#onReset(Number(message.lastEventId)));
    source.addEventListener('open', () => this.#source === source && this.#setState('open'));
    source.addEventListener('error', () => this.#source === source && this.#onError(source));
  }

  #onEvent(message: MessageEvent<string>): void {
    const id = Number(message.lastEventId);
    const event = JSON.parse(message.data) as AthanorEvent;
    const topics = eventTopics(event);
    this.#position = id;
    for (const [key, subscriber] of this.#subscribers) {
      if (!subscriber.live || (subscriber.cursor !== undefined && id <= subscriber.cursor)) continue;
      subscriber.cursor = id;
      if (wantsEvent(subscriber.topics, topics)) this.#options.send(key, { type: 'event', api: this.#api, id, event });
    }
  }

  /** The stream is live from `id`: every live subscriber has all of its topics up to there. */
  #onOpen(id: number): void {
    this.#position = id;
    this.#retryMs = this.#options.retryMs;
    for (const [key, subscriber] of this.#subscribers) {
      if (!subscriber.live || (subscriber.cursor !== undefined && subscriber.cursor >= id)) continue;
      subscriber.cursor = id;
      this.#options.send(key, { type: 'cursor', api: this.#api, id });
    }
  }

  #onReset(id: number): void {
    this.#position = id;
    for (const [key, subscriber] of this.#subscribers) {
      if (subscriber.cursor !== undefined && subscriber.cursor >= id) continue;
      subscriber.cursor = id;
      this.#options.send(key, { type: 'reset', api: this.#api, id });
    }
  }

  #onError(source: EventSourceLike): void {
    if (source.readyState !== CLOSED) return this.#setState('reconnecting'); // EventSource retries by itself
    // Refused (an HTTP error, a proxy's page): EventSource gives up, so try again later.
    this.#source = undefined;
    this.#setState('connecting');
    for (const subscriber of this.#subscribers.values()) subscriber.live = false;
    this.#schedule(this.#retryMs);
    this.#retryMs = Math.min(this.#retryMs * 2, 30_000);
  }

  #setState(state: LiveState): void {
    if (state === this.#state) return;
    this.#state = state;
    for (const key of this.#subscribers.keys()) this.#options.send(key, { type: 'state', api: this.#api, state });
  }
}
