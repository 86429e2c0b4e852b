/**
 * Live events from `/api/events`: one EventSource per URL (API base + filter), shared by
 * every element that asks for it and closed when the last one lets go. EventSource
 * reconnects by itself and sends `Last-Event-ID`, so the server resumes without gaps; when
 * it cannot (the events are no longer kept) it sends `stream.reset` and listeners reload.
 *
 * @example
 * class MyView extends LitElement {
 *   #live = new LiveEventsController(this, () => ({ api: this.api, filter: { run: this.runId } }), {
 *     'run.status': (event) => { ... },
 *     reset: () => this.reload(),
 *   });
 * }
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { signal } from '@lit-labs/signals';
import type { AthanorEvent, AthanorEventType } from '../../core/events/event-map.ts';
import { apiClient } from '../client/api-client.ts';
import { loadValidator } from '../client/experiment-validators.ts';

export type { AthanorEvent, AthanorEventType };

type EventOf<K extends AthanorEventType> = Extract<AthanorEvent, { type: K }>;

/** Handlers by event type; `reset` runs when events were missed and views should reload. */
export type LiveHandlers = { [K in AthanorEventType]?: (event: EventOf<K>) => void } & { reset?: () => void };

const EVENT_TYPES: readonly AthanorEventType[] = [
  'run.status',
  'run.log',
  'run.result',
  'run.progress',
  'instance.created',
  'instance.updated',
  'instance.deleted',
  'experiment.changed',
  'experiment.removed',
  'database.status',
];

/** Whether the page holds a live connection: shown in the app's header. */
export const liveConnection = signal<'connecting' | 'open' | 'reconnecting'>('connecting');

interface Connection {
  source: EventSource;
  listeners: Set<LiveHandlers>;
}

const connections = new Map<string, Connection>();

function open(url: string): Connection {
  const source = new EventSource(url, { withCredentials: true });
  const connection: Connection = { source, listeners: new Set() };
  const dispatch = (type: string, data: unknown) => {
    for (const handlers of connection.listeners) {
      try {
        (handlers[type as AthanorEventType] as ((event: unknown) => void) | undefined)?.(data);
      } catch (error) {
        console.error(`athanor: a ${type} handler failed`, error);
      }
    }
  };
  const api = url.slice(0, url.indexOf('/api/events'));
  for (const type of EVENT_TYPES) {
    source.addEventListener(type, (message) => {
      const data = JSON.parse((message as MessageEvent<string>).data);
      // A reloaded experiment's schema starts loading its validator before any form sees it.
      if (type === 'experiment.changed') void loadValidator(api, (data as EventOf<'experiment.changed'>).experiment);
      dispatch(type, data);
    });
  }
  source.addEventListener('stream.reset', () => {
    for (const handlers of connection.listeners) handlers.reset?.();
  });
  source.addEventListener('open', () => liveConnection.set('open'));
  source.addEventListener('error', () => liveConnection.set(source.readyState === EventSource.CLOSED ? 'connecting' : 'reconnecting'));
  return connection;
}

/** Listens on the stream at `url`; returns the function that stops listening. */
export function listen(url: string, handlers: LiveHandlers): () => void {
  let connection = connections.get(url);
  if (!connection) connections.set(url, (connection = open(url)));
  connection.listeners.add(handlers);
  const held = connection;
  return () => {
    held.listeners.delete(handlers);
    if (held.listeners.size === 0) {
      held.source.close();
      connections.delete(url);
    }
  };
}

export interface LiveTarget {
  /** The API base ('' for the page's origin). */
  api: string;
  filter?: { run?: string; instance?: string };
}

/**
 * Holds a host element's subscription while it is connected. `target` is read on connect
 * and on `retarget()` (call it when the element's ids change).
 */
export class LiveEventsController implements ReactiveController {
  #stop: (() => void) | undefined;
  #url: string | undefined;

  readonly #target: () => LiveTarget | undefined;
  readonly #handlers: LiveHandlers;

  constructor(host: ReactiveControllerHost, target: () => LiveTarget | undefined, handlers: LiveHandlers) {
    this.#target = target;
    this.#handlers = handlers;
    host.addController(this);
  }

  hostConnected(): void {
    this.retarget();
  }

  hostDisconnected(): void {
    this.#stop?.();
    this.#stop = this.#url = undefined;
  }

  /** Re-reads the target; reconnects only if its URL changed. */
  retarget(): void {
    const target = this.#target();
    const url = target ? apiClient(target.api).eventsUrl(target.filter) : undefined;
    if (url === this.#url) return;
    this.#stop?.();
    this.#url = url;
    this.#stop = url ? listen(url, this.#handlers) : undefined;
  }
}
