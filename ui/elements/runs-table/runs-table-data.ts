/**
 * The rows a runs table holds: pages read from `GET /api/experiments/:name/runs` through
 * its cursor, refetched as a whole when live events say they changed, and patched in
 * place meanwhile (a status, a new metric value) so a running run's row moves at once.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ResultEntry, Run, RunsTablePage, RunsTableRow } from '../../../core/records.ts';
import { ApiError, type ApiClient, type RunsTableQuery } from '../../client/api-client.ts';
import { isBehind } from '../../state/fresher-run.ts';

/** Rows per request, unless the table says otherwise. */
export const PAGE_SIZE = 50;
/** The API's largest page: a refetch of more rows than this keeps only this many. */
const MAX_PAGE = 500;

export interface RunsTableSource {
  client: ApiClient;
  experiment: string;
  query: Omit<RunsTableQuery, 'limit' | 'cursor'>;
  /** Rows per request (default {@link PAGE_SIZE}). */
  pageSize?: number;
}

export class RunsTableData implements ReactiveController {
  rows: RunsTableRow[] = [];
  next: string | null = null;
  total = 0;
  columns: RunsTablePage['columns'] | undefined;
  /** A first page has arrived (for this source). */
  loaded = false;
  loading = false;
  error: string | undefined;
  /** The HTTP status of the last error (404: no such experiment). */
  errorStatus: number | undefined;

  readonly #host: ReactiveControllerHost;
  #source: RunsTableSource | undefined;
  #generation = 0;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {}

  /** Shows `source` from its first page (the rows held are dropped). */
  async reset(source: RunsTableSource): Promise<void> {
    this.#source = source;
    this.rows = [];
    this.next = null;
    this.loaded = false;
    await this.#fetch({ limit: this.#pageSize }, 'replace');
  }

  get #pageSize(): number {
    return this.#source?.pageSize ?? PAGE_SIZE;
  }

  /** Appends the next page, if there is one and none is on its way. */
  async loadMore(): Promise<void> {
    if (!this.next || this.loading) return;
    await this.#fetch({ limit: this.#pageSize, cursor: this.next }, 'append');
  }

  /** Reads the rows held again from the first (live changes: order, filters, new runs). */
  async refresh(): Promise<void> {
    if (!this.#source || !this.loaded) return;
    await this.#fetch({ limit: Math.min(MAX_PAGE, Math.max(this.#pageSize, this.rows.length)) }, 'replace');
  }

  /**
   * A run's new status, at once (the refetch that follows puts the row where it belongs).
   * A status behind the row's (the stream sending again what came before the table's read)
   * leaves the row as it is: a finished run never shows running again.
   */
  patchRun(run: Run): boolean {
    const index = this.rows.findIndex((row) => row.id === run.id);
    if (index === -1) return false;
    const row = this.rows[index]!;
    if (isBehind(run.status, row.status)) return true;
    this.rows = this.rows.with(index, { ...row, status: run.status, startedAt: run.startedAt, completedAt: run.completedAt, configuration: run.configuration ?? row.configuration, worker: run.worker ?? row.worker });
    this.#host.requestUpdate();
    return true;
  }

  /** New results of a run: the latest numeric value of each key. Returns the keys no column offers yet. */
  patchResults(runId: string, entries: readonly ResultEntry[]): string[] {
    const index = this.rows.findIndex((row) => row.id === runId);
    const latest: Record<string, number> = {};
    for (const entry of entries) if (typeof entry.value === 'number' && Number.isFinite(entry.value)) latest[entry.key] = entry.value;
    const keys = Object.keys(latest);
    const offered = new Set((this.columns?.metrics ?? []).map((k) => k.replace(/^metrics\./, '')));
    const unknown = keys.filter((key) => !offered.has(key));
    if (index !== -1 && keys.length) {
      const row = this.rows[index]!;
      this.rows = this.rows.with(index, { ...row, metrics: { ...row.metrics, ...latest } });
      this.#host.requestUpdate();
    }
    return unknown;
  }

  async #fetch(page: Pick<RunsTableQuery, 'limit' | 'cursor'>, mode: 'replace' | 'append'): Promise<void> {
    const source = this.#source;
    if (!source) return;
    const generation = ++this.#generation;
    this.loading = true;
    this.#host.requestUpdate();
    try {
      const result = await source.client.experimentRuns(source.experiment, { ...source.query, ...page });
      if (generation !== this.#generation) return;
      // A run that moved between pages (a live change) is not listed twice.
      const held = new Set(mode === 'append' ? this.rows.map((row) => row.id) : []);
      this.rows = mode === 'append' ? [...this.rows, ...result.items.filter((row) => !held.has(row.id))] : result.items;
      this.next = result.next;
      this.total = result.total;
      this.columns = result.columns;
      this.loaded = true;
      this.error = this.errorStatus = undefined;
    } catch (error) {
      if (generation !== this.#generation) return;
      this.error = error instanceof Error ? error.message : String(error);
      this.errorStatus = error instanceof ApiError ? error.status : undefined;
    } finally {
      if (generation === this.#generation) {
        this.loading = false;
        this.#host.requestUpdate();
      }
    }
  }
}
