/**
 * Keeps a runs table live: follows the status of every run (topic `runs`), the results of
 * the runs it shows that are still going (`run:<id>`), and new instances; patches rows at
 * once and asks for one refetch per burst of events. A run of an instance the table has
 * not met yet (a new run of an instance with no row loaded) is checked against the
 * experiment once per instance.
 */
import type { ReactiveControllerHost } from 'lit';
import type { EventTopic } from '../../../core/events/event-topics.ts';
import type { ApiClient } from '../../client/api-client.ts';
import { LiveEventsController } from '../../state/live-events.ts';
import { RefreshTimer } from '../../state/refresh-timer.ts';
import type { RunsTableData } from './runs-table-data.ts';

/** How long a burst of status changes may last before the rows are read again. */
const STATUS_DELAY_MS = 400;
/** New metric values arrive many times a second while a run runs: the order follows less often. */
const RESULT_DELAY_MS = 2000;
/** Topics per stream are bounded; a table showing more active runs than this patches them by status only. */
const MAX_RUN_TOPICS = 150;

export interface RunsTableLiveOptions {
  api: () => string;
  experiment: () => string;
  client: () => ApiClient;
  data: RunsTableData;
  /** Whether the table's order or filters depend on metrics (new values may move rows). */
  dependsOnMetrics: () => boolean;
}

export class RunsTableLive {
  readonly #options: RunsTableLiveOptions;
  readonly #controller: LiveEventsController;
  /** Instance id → whether it is one of the experiment's (asked once). */
  readonly #instances = new Map<string, Promise<boolean>>();
  readonly #refresh: RefreshTimer;

  constructor(host: ReactiveControllerHost, options: RunsTableLiveOptions) {
    this.#options = options;
    this.#refresh = new RefreshTimer(() => void options.data.refresh());
    this.#controller = new LiveEventsController(host, () => (options.experiment() ? { api: options.api(), topics: this.#topics() } : undefined), {
      'run.status': ({ run, instanceId }) => {
        if (options.data.patchRun(run)) return this.schedule(STATUS_DELAY_MS);
        void this.#isOurs(instanceId).then((ours) => ours && this.schedule(STATUS_DELAY_MS));
      },
      'run.result': ({ runId, entries }) => {
        const unknownKeys = options.data.patchResults(runId, entries);
        if (unknownKeys.length || options.dependsOnMetrics()) this.schedule(RESULT_DELAY_MS);
      },
      'instance.created': ({ instance }) => {
        this.#instances.set(instance.id, Promise.resolve(instance.experiment === options.experiment()));
      },
      'instance.updated': ({ instance }) => {
        if (options.data.rows.some((row) => row.instanceId === instance.id && row.instanceName !== instance.name)) this.schedule(STATUS_DELAY_MS);
      },
      'instance.deleted': ({ instanceId }) => {
        if (options.data.rows.some((row) => row.instanceId === instanceId)) this.schedule(STATUS_DELAY_MS);
      },
      reset: () => void options.data.refresh(),
    });
    host.addController({ hostDisconnected: () => this.#refresh.cancel() });
  }

  /** Follows what the rows now need (call after the rows or the experiment changed). */
  retarget(): void {
    this.#controller.retarget();
  }

  /** Forgets what it learnt about instances (another experiment). */
  forget(): void {
    this.#instances.clear();
    this.#refresh.cancel();
  }

  /** One refetch within `delay` ms, however many events ask for it meanwhile. */
  schedule(delay: number): void {
    this.#refresh.schedule(delay);
  }

  #topics(): EventTopic[] {
    const active = this.#options.data.rows.filter((row) => row.status === 'running' || row.status === 'pending').slice(0, MAX_RUN_TOPICS);
    return ['runs', 'instances', ...active.map((row): EventTopic => `run:${row.id}`)];
  }

  #isOurs(instanceId: string): Promise<boolean> {
    if (this.#options.data.rows.some((row) => row.instanceId === instanceId)) return Promise.resolve(true);
    let known = this.#instances.get(instanceId);
    if (!known) {
      const experiment = this.#options.experiment();
      known = this.#options.client().getInstance(instanceId).then((instance) => instance.experiment === experiment, () => false);
      this.#instances.set(instanceId, known);
    }
    return known;
  }
}
