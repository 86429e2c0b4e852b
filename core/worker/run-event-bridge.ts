/**
 * A worker's side of the pool's notifications: each event its own runs publish on its
 * bus (after the rows are committed, as the run server publishes) becomes a small notice
 * on `athanor_runs` for the serving workbenches (remote-run-events.ts).
 */
import type { EventBus } from '../events/event-bus.ts';
import type { RunNoticeSender } from './run-notifications.ts';

/** Options of {@link bridgeRunEvents}. */
export interface RunEventBridgeOptions {
  bus: EventBus;
  sender: Pick<RunNoticeSender, 'send'>;
  /** This node's id, carried by each notice. */
  node: string;
  /** Whether a run executes here (events of other runs on the bus came from elsewhere). */
  isLocal(runId: string): boolean;
}

/** Starts forwarding; returns the function that stops it. */
export function bridgeRunEvents(options: RunEventBridgeOptions): () => void {
  const { bus, sender, node, isLocal } = options;
  const offs = [
    bus.subscribe('run.status', ({ runId, instanceId }) => {
      if (isLocal(runId)) sender.send({ t: 'status', node, runId, instanceId });
    }),
    bus.subscribe('run.progress', ({ runId, instanceId, progress }) => {
      if (isLocal(runId)) sender.send({ t: 'progress', node, runId, instanceId, progress });
    }),
    bus.subscribe('run.log', ({ runId, instanceId, entries, omitted }) => {
      const last = entries[entries.length - 1]?.seq ?? omitted?.upTo;
      const first = omitted ? omitted.after + 1 : entries[0]?.seq;
      if (isLocal(runId) && first !== undefined && last !== undefined) sender.send({ t: 'logs', node, runId, instanceId, first, last });
    }),
    bus.subscribe('run.result', ({ runId, instanceId, entries }) => {
      if (isLocal(runId) && entries.length > 0) sender.send({ t: 'results', node, runId, instanceId, first: entries[0]!.seq, last: entries[entries.length - 1]!.seq });
    }),
  ];
  return () => offs.forEach((off) => off());
}
