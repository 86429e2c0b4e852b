/**
 * `<athanor-experiment-instances>`: the instances of one experiment with their latest
 * runs, each run showing the code version it ran; an instance whose experiment's code
 * changed since its last run says so. Live from instance and run events.
 */
import { LitElement, css, html, nothing } from 'lit';
import { apiClient, type Instance, type Run } from '../client/api-client.ts';
import { formatTime } from '../app/format.ts';
import { pageHref } from '../app/navigation.ts';
import { LiveEventsController } from '../state/live-events.ts';
import { mergeFetchedRuns } from '../state/fresher-run.ts';
import { theme } from '../styles/theme.ts';
import './athanor-status-badge.ts';
import { userText } from './user-text.ts';

/** How many of each instance's newest runs are shown. */
const LATEST = 3;

interface Row {
  instance: Instance;
  runs: Run[];
}

const shortHash = (hash: string | null) => (hash ? hash.slice(0, 8) : '—');
const newestFirst = (a: Run, b: Run) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1);

/**
 * @attr api - the workbench's API base ('' for this page's origin)
 * @attr experiment - the experiment's name
 * @attr code-hash - the experiment's current code version, to tell which instances ran older code
 */
export class AthanorExperimentInstances extends LitElement {
  static override properties = {
    api: {},
    experiment: {},
    codeHash: { attribute: 'code-hash' },
    rows: { state: true },
    loadError: { state: true },
  };
  static override styles = [
    theme,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: var(--ath-space-2);
      }
      .head {
        display: flex;
        align-items: center;
        gap: var(--ath-space-2);
      }
      h3 {
        margin: 0;
        flex: 1;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: flex;
        flex-direction: column;
        gap: var(--ath-space-2);
      }
      li.instance {
        border: 1px solid var(--ath-border);
        border-radius: var(--ath-radius);
        padding: var(--ath-space-2);
        background: var(--ath-bg-raised);
      }
      .name {
        font-weight: 600;
      }
      .stale {
        color: var(--ath-cancelled);
        font-size: var(--ath-small);
        font-weight: 600;
      }
      .runs {
        margin-top: var(--ath-space-1);
        gap: 2px;
      }
      .run {
        display: flex;
        align-items: center;
        gap: var(--ath-space-2);
        flex-wrap: wrap;
        font-size: var(--ath-small);
      }
      .new {
        padding: 3px 8px;
        font-size: var(--ath-small);
      }
    `,
  ];

  declare api: string;
  declare experiment: string;
  declare codeHash: string;
  declare rows: Row[] | undefined;
  declare loadError: string;

  #generation = 0;
  readonly #live = new LiveEventsController(this, () => (this.experiment ? { api: this.api } : undefined), {
    'instance.created': ({ instance }) => this.#upsertInstance(instance),
    'instance.updated': ({ instance }) => this.#upsertInstance(instance),
    'instance.deleted': ({ instanceId }) => {
      if (this.rows) this.rows = this.rows.filter((row) => row.instance.id !== instanceId);
    },
    'run.status': ({ run }) => {
      if (!this.rows?.some((row) => row.instance.id === run.instanceId)) return;
      this.rows = this.rows.map((row) =>
        row.instance.id === run.instanceId ? { ...row, runs: [run, ...row.runs.filter((r) => r.id !== run.id)].sort(newestFirst).slice(0, LATEST) } : row,
      );
    },
    reset: () => void this.reload(),
  });

  constructor() {
    super();
    this.api = '';
    this.experiment = '';
    this.codeHash = '';
    this.rows = undefined;
    this.loadError = '';
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('api') || changed.has('experiment')) {
      this.#live.retarget();
      void this.reload();
    }
  }

  /** Fetches the instances and their newest runs again. */
  async reload(): Promise<void> {
    const generation = ++this.#generation;
    if (!this.experiment) return;
    const api = apiClient(this.api);
    try {
      const instances = await api.listInstances({ experiment: this.experiment });
      const rows = await Promise.all(instances.map(async (instance) => ({ instance, runs: (await api.listRuns(instance.id, { limit: LATEST })).items })));
      if (generation !== this.#generation) return;
      // Live events may have come while the pages were on their way: keep what they showed.
      const shown = new Map(this.rows?.map((row) => [row.instance.id, row.runs]));
      for (const row of rows) row.runs = mergeFetchedRuns(row.runs, shown.get(row.instance.id) ?? []).slice(0, LATEST);
      this.rows = rows.sort((a, b) => (a.instance.updatedAt < b.instance.updatedAt ? 1 : -1));
      this.loadError = '';
    } catch (error) {
      if (generation === this.#generation) this.loadError = (error as Error).message;
    }
  }

  #upsertInstance(instance: Instance): void {
    if (!this.rows || instance.experiment !== this.experiment) return;
    const existing = this.rows.find((row) => row.instance.id === instance.id);
    this.rows = existing
      ? this.rows.map((row) => (row === existing ? { ...row, instance } : row))
      : [{ instance, runs: [] }, ...this.rows];
  }

  #renderRun(run: Run) {
    return html`<li class="run">
      <athanor-status-badge status=${run.status}></athanor-status-badge>
      <a href=${pageHref(this.api, `/runs/${encodeURIComponent(run.id)}`)} aria-label="Run ${run.id.slice(0, 8)} (${run.status})">run ${run.id.slice(0, 8)}</a>
      <span class="muted">${formatTime(run.startedAt ?? run.createdAt)}</span>
      <span title=${run.codeHash ? `code ${run.codeHash}` : 'code version not recorded'}>code <code>${shortHash(run.codeHash)}</code></span>
    </li>`;
  }

  #renderRow({ instance, runs }: Row) {
    const last = runs[0];
    const stale = Boolean(this.codeHash && last?.codeHash && last.codeHash !== this.codeHash);
    return html`<li class="instance">
      <div class="row">
        <a class="name" href=${pageHref(this.api, `/experiments/${encodeURIComponent(instance.id)}`)}>${userText(instance.name)}</a>
        ${stale
          ? html`<span class="stale"><span aria-hidden="true">⟳</span> code changed since its last run (ran <code>${shortHash(last!.codeHash)}</code>, now
              <code>${shortHash(this.codeHash)}</code>)</span>`
          : nothing}
      </div>
      ${runs.length
        ? html`<ul class="runs" aria-label="Latest runs of ${instance.name}">${runs.map((run) => this.#renderRun(run))}</ul>`
        : html`<p class="muted" style="margin: 0; font-size: var(--ath-small)">No runs yet.</p>`}
    </li>`;
  }

  override render() {
    const newHref = pageHref(this.api, `/experiments/new?experiment=${encodeURIComponent(this.experiment)}`);
    return html`
      <div class="head">
        <h3 id="instances-title">Instances</h3>
        <a class="button new" href=${newHref}><span aria-hidden="true">+</span> New instance</a>
      </div>
      ${this.loadError ? html`<p class="error-text" role="alert">Could not load the instances: ${userText(this.loadError)}</p>` : nothing}
      ${this.rows === undefined && !this.loadError ? html`<p class="muted">Loading…</p>` : nothing}
      ${this.rows?.length === 0 ? html`<p class="muted">No instances of this experiment yet.</p>` : nothing}
      ${this.rows?.length ? html`<ul aria-labelledby="instances-title">${this.rows.map((row) => this.#renderRow(row))}</ul>` : nothing}
    `;
  }
}

if (!customElements.get('athanor-experiment-instances')) customElements.define('athanor-experiment-instances', AthanorExperimentInstances);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-experiment-instances': AthanorExperimentInstances;
  }
}
