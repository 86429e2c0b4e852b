/**
 * A tab's side of the live connection: the elements' subscriptions, gathered per workbench
 * into one subscription of the tab (the union of its elements' topics), sent to the relay
 * over a link (live-link.ts), and each event that comes back handed to the elements whose
 * topics want it.
 *
 * A tab hidden in the back/forward cache (or frozen, or closed) leaves: `pagehide` drops
 * its subscriptions and its link, so its topics leave the stream and it holds nothing.
 * On `pageshow` it subscribes again with the id of the last event it had: what it missed
 * is replayed, or, if the workbench no longer keeps it, its elements reload (`reset`).
 *
 * A tab's first stream starts at the workbench's newest event when it opens, and its views
 * fetched their data a moment before (they subscribe, then fetch): what happened between
 * (a run that ended as its page loaded) would be missed, the page showing it running for
 * ever. Each API answer says where the stream stood when it was read (`athanor-event-id`,
 * fetched-events.ts): one read before the stream's first position sets the tab's cursor
 * back to it (`rewind`), and the relay reopens the stream from there.
 */
import { signal } from '@lit-labs/signals';
import { eventTopics, formatTopics, wantsEvent } from '../../core/events/event-topics.ts';
import type { AthanorEvent, AthanorEventType } from '../../core/events/event-map.ts';
import { loadValidator } from '../client/experiment-validators.ts';
import { onFetchedEvents } from '../client/fetched-events.ts';
import { linkKindFor, openLink, type LinkKind, type LiveLink } from './live-link.ts';
import type { LiveState, RelayMessage } from './live-protocol.ts';

type EventOf<K extends AthanorEventType> = Extract<AthanorEvent, { type: K }>;

/** Handlers by event type; `reset` runs when events were missed and views should reload. */
export type LiveHandlers = { [K in AthanorEventType]?: (event: EventOf<K>) => void } & { reset?: () => void };

/** Whether the page holds a live connection: shown in the app's header. */
export const liveConnection = signal<LiveState>('connecting');

interface Listener {
  topics: ReadonlySet<string>;
  handlers: LiveHandlers;
}

/** One workbench, as this tab follows it. */
interface Workbench {
  listeners: Set<Listener>;
  /** The last event id this tab has everything up to (its resume point). */
  cursor: number | undefined;
  /** The topics last sent to the relay (undefined: not subscribed there now). */
  sent: string | undefined;
  state: LiveState;
  kind: LinkKind | undefined;
  /** Where the tab's stream first stood (its first cursor from the relay). */
  first: number | undefined;
  /** The earliest point an answer was read at before that was known. */
  early: number | undefined;
  /** The point the tab's cursor was set back to, if it was. */
  rewound: number | undefined;
}

/** An absolute API base without a trailing slash ('' → this page's origin). */
export function absoluteApi(api: string): string {
  const url = new URL(api || '/', location.href);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

const STATE_RANK: Record<LiveState, number> = { open: 0, connecting: 1, reconnecting: 2 };

class LiveHub {
  readonly #workbenches = new Map<string, Workbench>();
  readonly #links = new Map<LinkKind, LiveLink>();
  readonly #failed = new Set<LinkKind>();
  #hidden = false;
  #flushing = false;

  constructor() {
    if (typeof window === 'undefined') return;
    onFetchedEvents((api, id) => this.#fetched(absoluteApi(api), id));
    window.addEventListener('pagehide', () => this.#leave());
    window.addEventListener('pageshow', (event) => event.persisted && this.#return());
    // A frozen tab answers no pings and is forgotten: leave first, come back on resume.
    document.addEventListener('freeze', () => this.#leave());
    document.addEventListener('resume', () => this.#return());
    // A tab that was in the background a long time checks it is still known.
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') for (const link of this.#links.values()) link.send({ type: 'pong' });
    });
  }

  /** Hands `api`'s events of `topics` to `handlers` until the returned function is called. */
  listen(api: string, topics: readonly string[], handlers: LiveHandlers): () => void {
    const base = absoluteApi(api);
    let workbench = this.#workbenches.get(base);
    if (!workbench) {
      workbench = { listeners: new Set(), cursor: undefined, sent: undefined, state: 'connecting', kind: undefined, first: undefined, early: undefined, rewound: undefined };
      this.#workbenches.set(base, workbench);
    }
    const listener: Listener = { topics: new Set(topics), handlers };
    workbench.listeners.add(listener);
    this.#scheduleFlush();
    return () => {
      workbench.listeners.delete(listener);
      this.#scheduleFlush();
    };
  }

  /** Elements connect and disconnect many at a time (a page renders): one message for all. */
  #scheduleFlush(): void {
    if (this.#flushing) return;
    this.#flushing = true;
    queueMicrotask(() => {
      this.#flushing = false;
      this.#flush();
    });
  }

  /** Tells the relay what changed in this tab's subscriptions. */
  #flush(): void {
    if (this.#hidden) return;
    for (const [api, workbench] of this.#workbenches) {
      if (workbench.listeners.size === 0) {
        if (workbench.sent !== undefined && workbench.kind) this.#links.get(workbench.kind)?.send({ type: 'unsubscribe', api });
        this.#workbenches.delete(api);
        continue;
      }
      const topics = new Set<string>();
      for (const listener of workbench.listeners) for (const topic of listener.topics) topics.add(topic);
      const text = formatTopics(topics);
      if (text === workbench.sent) continue;
      workbench.sent = text;
      this.#link(api, workbench).send({ type: 'subscribe', api, topics: text ? text.split(',') : [], lastId: workbench.cursor ?? null });
    }
    this.#showState();
  }

  #link(api: string, workbench: Workbench): LiveLink {
    const kind = (workbench.kind ??= linkKindFor(api, this.#failed));
    let link = this.#links.get(kind);
    if (!link) {
      link = openLink(kind, api, {
        message: (message) => this.#receive(kind, message),
        resubscribe: () => this.#resend(kind),
        failed: (reason) => this.#fail(kind, reason),
      });
      this.#links.set(kind, link);
    }
    return link;
  }

  #receive(kind: LinkKind, message: RelayMessage): void {
    if (message.type === 'ping') {
      for (const [api, cursor] of Object.entries(message.cursors)) this.#advance(api, cursor);
      return this.#links.get(kind)?.send({ type: 'pong' });
    }
    if (message.type === 'resubscribe') return this.#resend(kind);
    const workbench = this.#workbenches.get(message.api);
    if (!workbench) return;
    switch (message.type) {
      case 'event':
        this.#advance(message.api, message.id);
        this.#opened(message.api, workbench, message.id);
        return this.#dispatch(message.api, workbench, message.event);
      case 'cursor':
        this.#advance(message.api, message.id);
        return this.#opened(message.api, workbench, message.id);
      case 'reset':
        this.#advance(message.api, message.id);
        workbench.first ??= message.id; // the views reload: nothing before it to catch up
        for (const listener of [...workbench.listeners]) this.#call(() => listener.handlers.reset?.(), 'reset');
        return;
      case 'state':
        workbench.state = message.state;
        return this.#showState();
    }
  }

  /** The tab's stream has a position: views that read their data before it catch up from there. */
  #opened(api: string, workbench: Workbench, id: number): void {
    if (workbench.first !== undefined) return;
    workbench.first = id;
    if (workbench.early !== undefined && workbench.early < id) this.#rewind(api, workbench, workbench.early);
  }

  /** An answer from `api` was read as of event `id`. */
  #fetched(api: string, id: number): void {
    const workbench = this.#workbenches.get(api);
    if (!workbench) return; // no view follows it live
    if (workbench.first === undefined) workbench.early = Math.min(workbench.early ?? id, id);
    else if (id < workbench.first) this.#rewind(api, workbench, id);
  }

  /** Sets the tab's cursor back to `id`: the relay sends again what followed it. */
  #rewind(api: string, workbench: Workbench, id: number): void {
    if (workbench.rewound !== undefined && workbench.rewound <= id) return;
    workbench.rewound = id;
    workbench.cursor = id;
    // Not subscribed yet: the subscription goes out with this cursor.
    if (workbench.sent === undefined || !workbench.kind) return;
    this.#links.get(workbench.kind)?.send({ type: 'subscribe', api, topics: workbench.sent ? workbench.sent.split(',') : [], lastId: id, rewind: true });
  }

  #advance(api: string, id: number): void {
    const workbench = this.#workbenches.get(api);
    if (workbench && (workbench.cursor === undefined || id > workbench.cursor)) workbench.cursor = id;
  }

  #dispatch(api: string, workbench: Workbench, event: AthanorEvent): void {
    // A reloaded experiment's schema starts loading its validator before any form sees it.
    if (event.type === 'experiment.changed') void loadValidator(api, event.experiment);
    const topics = eventTopics(event);
    for (const listener of [...workbench.listeners]) {
      if (!wantsEvent(listener.topics, topics)) continue;
      const handler = listener.handlers[event.type] as ((event: AthanorEvent) => void) | undefined;
      if (handler) this.#call(() => handler(event), event.type);
    }
  }

  #call(fn: () => void, what: string): void {
    try {
      fn();
    } catch (error) {
      console.error(`athanor: a ${what} handler failed`, error);
    }
  }

  /** Sends every subscription on `kind`'s link again (a new relay at the other end). */
  #resend(kind: LinkKind): void {
    for (const workbench of this.#workbenches.values()) if (workbench.kind === kind) workbench.sent = undefined;
    this.#scheduleFlush();
  }

  #fail(kind: LinkKind, reason: string): void {
    console.warn(`athanor: ${reason}; sharing the live connection another way`);
    this.#failed.add(kind);
    this.#links.get(kind)?.close();
    this.#links.delete(kind);
    for (const workbench of this.#workbenches.values()) {
      if (workbench.kind !== kind) continue;
      workbench.kind = undefined;
      workbench.sent = undefined;
    }
    this.#scheduleFlush();
  }

  #leave(): void {
    if (this.#hidden) return;
    this.#hidden = true;
    for (const link of this.#links.values()) link.close();
    this.#links.clear();
    for (const workbench of this.#workbenches.values()) {
      workbench.sent = undefined;
      workbench.kind = undefined;
    }
  }

  #return(): void {
    if (!this.#hidden) return;
    this.#hidden = false;
    this.#flush();
  }

  #showState(): void {
    let worst: LiveState = 'open';
    for (const workbench of this.#workbenches.values()) if (STATE_RANK[workbench.state] > STATE_RANK[worst]) worst = workbench.state;
    if (this.#workbenches.size > 0 && liveConnection.get() !== worst) liveConnection.set(worst);
  }
}

/** The tab's one hub. */
export const liveHub = new LiveHub();
