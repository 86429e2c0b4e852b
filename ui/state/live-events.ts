/**
 * Live events for elements: a controller that subscribes its host to what it shows while
 * it is connected. Underneath, the browser keeps one live connection per workbench,
 * shared by every element of every open tab (live-hub.ts → live-link.ts → the relay in a
 * SharedWorker or the leader tab), carrying only the topics some open view shows.
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
import type { AthanorEvent, AthanorEventType } from '../../core/events/event-map.ts';
import { formatTopics, type EventTopic } from '../../core/events/event-topics.ts';
import { absoluteApi, liveConnection, liveHub, type LiveHandlers } from './live-hub.ts';

export type { AthanorEvent, AthanorEventType, EventTopic, LiveHandlers };
export { liveConnection };

export interface LiveTarget {
  /** The API base ('' for the page's origin). */
  api: string;
  /** Only the events of one run, or of one instance and its runs. */
  filter?: { run?: string; instance?: string };
  /** The topics to follow (core/events/event-topics.ts); by default read from `filter` and the handlers. */
  topics?: readonly EventTopic[];
}

/** The topic each event type is found under when no run or instance is named. */
const UNFILTERED: Record<AthanorEventType, EventTopic | undefined> = {
  'run.status': 'runs',
  'run.progress': 'runs',
  // Every run's output: no view asks for that, but a handler that does gets it.
  'run.log': 'all',
  'run.result': 'all',
  'instance.created': 'instances',
  'instance.updated': 'instances',
  'instance.deleted': 'instances',
  'experiment.changed': 'experiments',
  'experiment.removed': 'experiments',
  'database.status': undefined, // every stream carries it
};

/** The topics a target with these handlers follows. */
export function topicsFor(target: LiveTarget, handlers: LiveHandlers): EventTopic[] {
  if (target.topics) return [...target.topics];
  const scoped: EventTopic[] = [];
  if (target.filter?.run) scoped.push(`run:${target.filter.run}`);
  if (target.filter?.instance) scoped.push(`instance:${target.filter.instance}`);
  if (scoped.length) return scoped;
  const topics = new Set<EventTopic>();
  for (const type of Object.keys(handlers) as AthanorEventType[]) {
    const topic = UNFILTERED[type];
    if (topic) topics.add(topic);
  }
  return [...topics];
}

/**
 * Holds a host element's subscription while it is connected. `target` is read on connect
 * and on `retarget()` (call it when the element's ids change).
 */
export class LiveEventsController implements ReactiveController {
  #stop: (() => void) | undefined;
  #key: string | undefined;

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
    this.#stop = this.#key = undefined;
  }

  /** Re-reads the target; subscribes again only if what it follows changed. */
  retarget(): void {
    const target = this.#target();
    const topics = target && topicsFor(target, this.#handlers);
    const key = target && topics ? `${absoluteApi(target.api)} ${formatTopics(topics)}` : undefined;
    if (key === this.#key) return;
    this.#stop?.();
    this.#key = key;
    this.#stop = target && topics ? liveHub.listen(target.api, topics, this.#handlers) : undefined;
  }
}
