/**
 * `<athanor-dashboard>`: every instance with its experiment, its runs counted by status
 * and when it last changed, with quick actions; live.
 */
import { LitElement, css, html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { apiClient, type Instance, type Run } from '../client/api-client.ts';
import { INSTANCE_SORTS, sortInstances, type InstanceSort } from '../../core/records.ts';
import { pageHref, replaceInApp } from '../app/navigation.ts';
import { formatTime, shortId } from '../app/format.ts';
import { LiveEventsController } from '../state/live-events.ts';
import { theme } from '../styles/theme.ts';
import './athanor-run-counts.ts';
import { userText } from './user-text.ts';

/**
 * The workbench's home: a table of instances (name, experiment, run counts by status, last
 * update) with Start run, View and Edit on each row, a filter by experiment and a "New
 * instance" button (shortcut `n` in the app). Instances appear, change and go, and their
 * counts follow their runs, live.
 *
 * @attr api - the workbench's API base ('' for this page's origin)
 * @attr experiment - show only this experiment's instances (the filter's initial value)
 * @attr sort - `activity` (latest run, else creation: the default), `name` or `created`
 */
const SORT_LABELS: readonly (readonly [InstanceSort, string])[] = [
  ['activity', 'Latest activity'],
  ['name', 'Name'],
  ['created', 'Newest'],
];

export class AthanorDashboard extends LitElement {
  static override properties = {
    api: {},
    experiment: {},
    sort: {},
    instances: { state: true },
    experimentNames: { state: true },
    loadError: { state: true },
    notice: { state: true },
    starting: { state: true },
  };
  static override styles = [
    theme,
    css`
      :host {
        display: block;
      }
      .toolbar {
        margin-bottom: var(--ath-space-3);
      }
      .toolbar h1 {
        margin: 0;
      }
      td.actions {
        white-space: nowrap;
        text-align: right;
      }
      td.actions > * {
        margin-left: var(--ath-space-1);
      }
      .actions .button,
      .actions button {
        padding: 2px 10px;
      }
      kbd {
        font-family: var(--ath-mono);
        font-size: 11px;
        border: 1px solid currentColor;
        border-radius: 3px;
        padding: 0 4px;
        opacity: 0.8;
      }
      .name {
        font-weight: 600;
      }
      .description {
        font-size: var(--ath-small);
      }
      .empty {
        max-width: 640px;
      }
      .runs-link {
        margin-left: var(--ath-space-1);
        font-size: var(--ath-small);
      }
      /* A phone: each instance is a block (name, experiment, runs, time, then its buttons),
         so Start run is on screen, not at the end of a table scrolled sideways. */
      @media (max-width: 600px) {
        table,
        tbody,
        tr,
        td {
          display: block;
        }
        thead {
          display: none;
        }
        tbody tr {
          padding: var(--ath-space-2) 0;
          border-bottom: 1px solid var(--ath-border);
        }
        td {
          border: none;
          padding: 2px 0;
        }
        td.actions {
          text-align: left;
          white-space: normal;
          padding-top: var(--ath-space-1);
        }
        td.actions > :first-child {
          margin-left: 0;
        }
      }
      .empty ol {
        padding-left: 20px;
      }
      .notice {
        margin-bottom: var(--ath-space-3);
      }
      tbody tr:hover {
        background: var(--ath-bg-subtle);
      }
    `,
  ];

  declare api: string;
  declare experiment: string | undefined;
  declare sort: InstanceSort;
  declare instances: Instance[] | undefined;
  declare experimentNames: string[];
  declare loadError: string | undefined;
  declare notice: { text: string; run?: Run; error?: boolean } | undefined;
  declare starting: Set<string>;

  #live: LiveEventsController;
  #stale = new Set<string>();
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.api = '';
    this.sort = 'activity';
    this.experimentNames = [];
    this.starting = new Set();
    this.#live = new LiveEventsController(this, () => ({ api: this.api }), {
      'instance.created': ({ instance }) => this.#upsert(instance, true),
      'instance.updated': ({ instance }) => this.#upsert(instance, false),
      'instance.deleted': ({ instanceId }) => {
        if (this.instances) this.instances = this.instances.filter((i) => i.id !== instanceId);
      },
      'run.status': ({ instanceId }) => this.#refreshSoon(instanceId),
      'experiment.changed': ({ experiment }) => this.#addName(experiment.name),
      reset: () => void this.load(),
    });
  }

  get #client() {
    return apiClient(this.api);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#refreshTimer);
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('api') && changed.get('api') !== undefined) {
      this.#live.retarget();
      void this.load();
    }
    if (changed.has('sort') && this.instances) this.instances = sortInstances(this.instances, this.#order);
  }

  get #order(): InstanceSort {
    return INSTANCE_SORTS.includes(this.sort) ? this.sort : 'activity';
  }

  /** The filter and order live in the page's URL (in the app), so a reload or a link keeps them. */
  #choose(change: { experiment?: string | undefined; sort?: InstanceSort }): void {
    if ('experiment' in change) this.experiment = change.experiment;
    if (change.sort) this.sort = change.sort;
    const query = new URLSearchParams();
    if (this.experiment) query.set('experiment', this.experiment);
    if (this.#order !== 'activity') query.set('sort', this.#order);
    replaceInApp(this, `/experiments${query.size ? `?${query}` : ''}`);
  }

  /** (Re)loads every instance and the experiments' names. */
  async load(): Promise<void> {
    try {
      const [instances, experiments] = await Promise.all([
        this.#client.listInstances(),
        this.#client.listExperiments().catch(() => []),
      ]);
      this.instances = sortInstances(instances, this.#order);
      this.experimentNames = [...new Set([...experiments.map((e) => e.name), ...instances.map((i) => i.experiment)])].sort();
      this.loadError = undefined;
    } catch (error) {
      this.loadError = error instanceof Error ? error.message : String(error);
    }
  }

  #addName(name: string): void {
    if (!this.experimentNames.includes(name)) this.experimentNames = [...this.experimentNames, name].sort();
  }

  #upsert(instance: Instance, created: boolean): void {
    if (!this.instances) return;
    this.#addName(instance.experiment);
    const index = this.instances.findIndex((i) => i.id === instance.id);
    if (index !== -1) this.instances = sortInstances(this.instances.map((i, n) => (n === index ? instance : i)), this.#order);
    else if (created) this.instances = sortInstances([instance, ...this.instances], this.#order);
  }

  /** Run events come in bursts: re-read each touched instance's counts once per burst. */
  #refreshSoon(instanceId: string): void {
    if (!this.instances?.some((i) => i.id === instanceId)) return;
    this.#stale.add(instanceId);
    this.#refreshTimer ??= setTimeout(() => {
      this.#refreshTimer = undefined;
      const ids = [...this.#stale];
      this.#stale.clear();
      for (const id of ids) {
        this.#client.getInstance(id).then(
          (instance) => this.#upsert(instance, false),
          () => {},
        );
      }
    }, 150);
  }

  /** Starts a run of instance `id`. */
  async startRun(id: string): Promise<void> {
    const instance = this.instances?.find((i) => i.id === id);
    this.starting = new Set([...this.starting, id]);
    try {
      const run = await this.#client.startRun(id);
      this.notice = { text: `Started run ${shortId(run.id)} of ${instance?.name ?? id}.`, run };
      this.#refreshSoon(id);
    } catch (error) {
      this.notice = { text: `Could not start a run of ${instance?.name ?? id}: ${error instanceof Error ? error.message : error}`, error: true };
    } finally {
      this.starting = new Set([...this.starting].filter((s) => s !== id));
    }
  }

  #renderRow(instance: Instance) {
    const href = pageHref(this.api, `/experiments/${encodeURIComponent(instance.id)}`);
    return html`<tr data-id=${instance.id}>
      <td>
        <a class="name" href=${href}>${userText(instance.name)}</a>
        ${instance.description ? html`<div class="description muted">${userText(instance.description)}</div>` : nothing}
      </td>
      <td>
        <a href=${pageHref(this.api, `/source/${encodeURIComponent(instance.experiment)}`)}><code>${userText(instance.experiment)}</code></a>
        <a class="runs-link" href=${pageHref(this.api, `/experiments/by-name/${encodeURIComponent(instance.experiment)}/runs`)}
          aria-label="Runs of ${instance.experiment}" title="Every run of ${instance.experiment}, in one table">runs</a>
      </td>
      <td>
        <athanor-run-counts .counts=${instance.runCounts}></athanor-run-counts>
      </td>
      <td>${instance.lastRunAt
        ? html`<time datetime=${instance.lastRunAt} title="Created ${formatTime(instance.createdAt)}, edited ${formatTime(instance.updatedAt)}">${formatTime(instance.lastRunAt)}</time>`
        : html`<span class="muted" title="Created ${formatTime(instance.createdAt)}">never run</span>`}</td>
      <td class="actions">
        <button type="button" aria-label="Start run of ${instance.name}" ?disabled=${this.starting.has(instance.id)}
          @click=${() => this.startRun(instance.id)}><span aria-hidden="true">▶</span> Start run</button>
        <a class="button" href=${href} aria-label="View ${instance.name}">View</a>
        <a class="button" href="${href}?edit=1" aria-label="Edit the configuration of ${instance.name}">Edit</a>
      </td>
    </tr>`;
  }

  #renderEmpty() {
    if (this.experiment) return html`<p class="muted">No instances of <code>${this.experiment}</code> yet.</p>`;
    return html`<div class="empty card">
      <h2>No instances yet</h2>
      <p>An <strong>instance</strong> is a named configuration of an experiment. To get going:</p>
      <ol>
        <li>Pick an experiment (see them in <a href=${pageHref(this.api, '/source')}>Experiments</a>${this.experimentNames.length
            ? html`: ${this.experimentNames.map((n, i) => html`${i ? ', ' : ''}<code>${n}</code>`)}`
            : html` — none yet: add a file to <code>experiments/</code>`}).</li>
        <li>Create an instance with <a href=${pageHref(this.api, '/experiments/new')}>New instance</a> (or press <kbd>n</kbd>).</li>
        <li>Start a run from the instance (press <kbd>r</kbd> there) and watch its logs and results live.</li>
      </ol>
    </div>`;
  }

  override render() {
    const filter = this.experiment;
    const toolbar = html`<div class="toolbar row">
      <h1>Instances</h1>
      <span class="spacer"></span>
      <label for="filter">Experiment</label>
      <select id="filter" @change=${(e: Event) => this.#choose({ experiment: (e.target as HTMLSelectElement).value || undefined })}>
        <option value="" ?selected=${!filter}>All experiments</option>
        ${this.experimentNames.map((name) => html`<option value=${name} ?selected=${name === filter}>${name}</option>`)}
      </select>
      <label for="sort">Sort by</label>
      <select id="sort" @change=${(e: Event) => this.#choose({ sort: (e.target as HTMLSelectElement).value as InstanceSort })}>
        ${SORT_LABELS.map(([value, label]) => html`<option value=${value} ?selected=${value === this.#order}>${label}</option>`)}
      </select>
      <a class="button primary" href=${pageHref(this.api, `/experiments/new${filter ? `?experiment=${encodeURIComponent(filter)}` : ''}`)}
        aria-keyshortcuts="n">New instance <kbd aria-hidden="true">n</kbd></a>
    </div>`;
    if (this.loadError && !this.instances) {
      return html`${toolbar}
        <p class="error-text" role="alert">Could not load the instances: ${userText(this.loadError)}</p>
        <button type="button" @click=${() => this.load()}>Retry</button>`;
    }
    if (!this.instances) return html`${toolbar}<p class="muted" role="status">Loading instances…</p>`;
    const shown = filter ? this.instances.filter((i) => i.experiment === filter) : this.instances;
    const notice = this.notice;
    return html`${toolbar}
      <div role="status" class="notice ${notice?.error ? 'error-text' : ''}">
        ${notice
          ? html`${userText(notice.text)}
              ${notice.run ? html`<a href=${pageHref(this.api, `/runs/${encodeURIComponent(notice.run.id)}`)}>Watch it</a>` : nothing}`
          : nothing}
      </div>
      ${shown.length === 0
        ? this.#renderEmpty()
        : html`<div class="table-scroll" tabindex="0" role="region" aria-label="Instances">
          <table>
            <caption class="visually-hidden">Instances${filter ? ` of ${filter}` : ''}</caption>
            <thead>
              <tr>
                <th scope="col">Instance</th>
                <th scope="col">Experiment</th>
                <th scope="col">Runs</th>
                <th scope="col">Last run</th>
                <th scope="col"><span class="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              ${repeat(shown, (i) => i.id, (i) => this.#renderRow(i))}
            </tbody>
          </table>
          </div>`}`;
  }
}

if (!customElements.get('athanor-dashboard')) customElements.define('athanor-dashboard', AthanorDashboard);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-dashboard': AthanorDashboard;
  }
}
