/**
 * Where each API answer stood in the workbench's event stream (its `athanor-event-id`
 * header): the live hub (ui/state/live-hub.ts) listens, so a view that fetched before its
 * tab's stream first opened gets the events that came between. Here, not in the hub, so
 * the API client needs nothing of the live layer.
 */
type Listener = (api: string, id: number) => void;

const listeners = new Set<Listener>();

/** Calls `listener` with the API base and event id of each answer; returns its removal. */
export function onFetchedEvents(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Tells the listeners an answer from `api` was read as of event `id`. */
export function noteFetchedEvents(api: string, id: number): void {
  for (const listener of listeners) listener(api, id);
}
