/** How a tab reaches the relay that holds its live connection (live-link.ts chooses one). */
import type { RelayMessage, TabMessage } from './live-protocol.ts';

/** One tab's line to the relay. */
export interface LiveLink {
  send(message: TabMessage): void;
  /** Leaves (the relay forgets the tab's subscriptions) and lets go of everything held. */
  close(): void;
}

/** What a link reports to its tab. */
export interface LinkEvents {
  message(message: RelayMessage): void;
  /** The relay at the other end is new (a new leader): send every subscription again. */
  resubscribe(): void;
  /** The link cannot work (the worker script did not load): use another. */
  failed?(reason: string): void;
}
