/**
 * The messages between a tab and the relay that holds the browser's one live connection
 * for it: the SharedWorker (live-worker.ts), the leader tab (live-leader.ts), or the tab
 * itself (live-link.ts). Structured-clonable, so they cross MessagePorts and
 * BroadcastChannels as they are.
 */
import type { AthanorEvent, AthanorEventType } from '../../core/events/event-map.ts';

/** What the header shows: the connection is being made, is open, or is being made again. */
export type LiveState = 'connecting' | 'open' | 'reconnecting';

/** A tab → the relay. `api` is an absolute API base (`http://127.0.0.1:4000`). */
export type TabMessage =
  /**
   * Sets the tab's subscription to `api`'s stream: the topics its views show, and the id
   * of the last event it saw (null: none), so a tab back from the back/forward cache is
   * sent what it missed. `rewind`: the tab's cursor goes back to `lastId` (a view fetched
   * its data as of there, before the tab's stream first opened: see live-hub.ts).
   */
  | { type: 'subscribe'; api: string; topics: string[]; lastId: number | null; rewind?: boolean }
  | { type: 'unsubscribe'; api: string }
  /** The tab is hidden in the back/forward cache, frozen or closed: forget all it asked for. */
  | { type: 'leave' }
  /** The answer to `ping`, also sent unasked when the tab becomes visible again. */
  | { type: 'pong' };

/** The relay → a tab. */
export type RelayMessage =
  /** An event of one of the tab's topics (or one every stream gets, as `database.status`). */
  | { type: 'event'; api: string; id: number; event: AthanorEvent }
  /** Events were missed and cannot be sent: reload what is shown. Later events follow `id`. */
  | { type: 'reset'; api: string; id: number }
  /** The tab has every event of its topics up to `id` (its resume point). */
  | { type: 'cursor'; api: string; id: number }
  | { type: 'state'; api: string; state: LiveState }
  /**
   * Are you there? (Tabs that do not answer are forgotten.) With the tab's cursor on each
   * stream, so one that goes into the back/forward cache resumes from near where it left.
   */
  | { type: 'ping'; cursors: Record<string, number> }
  /** The relay does not know this tab (it forgot it, or it is new): send the subscriptions again. */
  | { type: 'resubscribe' };

/** Every event type the stream carries (the relay listens to each by name). */
export const EVENT_TYPES: readonly AthanorEventType[] = [
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

/** Where a workbench serves the SharedWorker script (beside its API). */
export const WORKER_PATH = '/athanor-live-worker.js';
/** The worker's options: a page's tabs share one worker only where URL, name and type match. */
export const WORKER_OPTIONS: { readonly type: 'module'; readonly name: string } = { type: 'module', name: 'athanor-live' };

/** How often a relay asks its tabs whether they are there; one that misses two is forgotten. */
export const PING_INTERVAL_MS = 10_000;
