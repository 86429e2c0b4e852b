/**
 * Keeps a paged list of instances (the dashboard's, an experiment's) in step with live
 * events, for the element that shows it: an instance created, updated or deleted is placed
 * or removed at once; the instances whose runs changed are re-read once per burst, and the
 * head with its count when an instance the list had not loaded came or went (whether its
 * read counted it, the event cannot tell). Re-reads run one at a time, and an answer for an
 * older load of the list is dropped (instance-refresh.ts).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ApiClient, Instance } from '../client/api-client.ts';
import { isLoaded, placeInstance, removeInstance, type InstanceListQuery, type InstancePages } from './instance-pages.ts';
import { Burst, refreshInstances, Serial } from './instance-refresh.ts';

/** The element: its list as loaded so far (a reactive property). */
export interface InstanceListHost extends ReactiveControllerHost {
  pages: InstancePages | undefined;
}

export interface InstanceListSyncOptions {
  client(): ApiClient;
  query(): InstanceListQuery;
  /** The list's load: a re-read started under an earlier one is not applied. */
  generation(): number;
  /** Rows a head re-read asks for at the least (the list's first page). */
  firstPage: number;
}

export class InstanceListSync implements ReactiveController {
  /** Instances whose runs changed: re-read (counts, metrics) once per burst. */
  readonly #stale = new Burst((ids) => void this.refresh(ids));
  /** Instances created or deleted that the list had not loaded: its head and count, once per burst. */
  readonly #recount = new Burst(() => void this.refresh([], true));
  readonly #reads = new Serial();
  readonly host: InstanceListHost;
  readonly options: InstanceListSyncOptions;

  constructor(host: InstanceListHost, options: InstanceListSyncOptions) {
    this.host = host;
    this.options = options;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.#stale.cancel();
    this.#recount.cancel();
  }

  /** Instance `id`'s runs changed: it is re-read with the others of the burst. */
  touched(id: string): void {
    this.#stale.add(id);
  }

  /** An instance created or updated, placed where the list's order puts it. */
  place(instance: Instance, created: boolean): void {
    const pages = this.host.pages;
    if (!pages) return;
    if (created && !isLoaded(pages, instance.id)) this.#recount.add(instance.id);
    this.host.pages = placeInstance(pages, instance, this.options.query(), created);
  }

  /** An instance deleted. */
  remove(instanceId: string): void {
    const pages = this.host.pages;
    if (!pages) return;
    if (!isLoaded(pages, instanceId)) this.#recount.add(instanceId);
    this.host.pages = removeInstance(pages, instanceId);
  }

  /** Re-reads `ids` (and the head and count with `recount`), after the re-reads before it. */
  refresh(ids: string[], recount = false): Promise<void> {
    return this.#reads.run(async () => {
      const pages = this.host.pages;
      if (!pages) return;
      const { client, query, generation, firstPage } = this.options;
      const started = generation();
      const apply = await refreshInstances(client(), pages, ids, query(), firstPage, recount);
      if (apply && started === generation() && this.host.pages) this.host.pages = apply(this.host.pages);
    });
  }
}
