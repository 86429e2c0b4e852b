/**
 * The in-process event bus. Publishing never waits for a subscriber, and a subscriber
 * that throws is reported and cut off from nothing else: a slow or broken listener can
 * never slow or break a run. (Listeners that do real work — an HTTP stream — buffer on
 * their own side.)
 *
 * @example
 * const bus = createEventBus();
 * const off = bus.subscribe('run.status', (event) => console.log(event.status));
 * bus.publish('run.status', { runId, instanceId, status: 'running', run });
 */
import type { AthanorEvent, AthanorEventMap, AthanorEventType } from './event-map.ts';

type Listener<E> = (event: E) => void;

export interface EventBus {
  publish<K extends AthanorEventType>(type: K, payload: AthanorEventMap[K]): void;
  /** Listens to one type, or to every event with `'*'`. Returns the unsubscribe function. */
  subscribe<K extends AthanorEventType>(type: K, listener: Listener<{ type: K } & AthanorEventMap[K]>): () => void;
  subscribe(type: '*', listener: Listener<AthanorEvent>): () => void;
}

export function createEventBus(options: { onListenerError?: (error: unknown) => void } = {}): EventBus {
  const listeners = new Map<string, Set<Listener<any>>>();
  const report = options.onListenerError ?? ((error) => console.error('athanor: an event listener failed:', error));

  const deliver = (set: Set<Listener<any>> | undefined, event: AthanorEvent) => {
    if (!set) return;
    for (const listener of set) {
      try {
        listener(event);
      } catch (error) {
        report(error);
      }
    }
  };

  return {
    publish(type, payload) {
      const event = { type, ...payload } as AthanorEvent;
      deliver(listeners.get(type), event);
      deliver(listeners.get('*'), event);
    },
    subscribe(type: string, listener: Listener<any>) {
      let set = listeners.get(type);
      if (!set) listeners.set(type, (set = new Set()));
      set.add(listener);
      return () => void set.delete(listener);
    },
  };
}
