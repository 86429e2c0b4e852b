/**
 * `<athanor-experiment-instances>`: the instances of one experiment with their latest
 * runs (status, when, headline metrics, the code version it ran); an instance whose
 * experiment's code changed since its last run says so. One request for the first page,
 * one more per page as the list scrolls; live from instance and run events.
 */
import { LitElement, css, html, nothing } from 'lit';
import { apiClient, type Instance, type Run } from '../client/api-client.ts';
import { shortHash } from '../app/format.ts';
import { pageHref } from '../app/navigation.ts';
import { LiveEventsController } from '../state/live-events.ts';
import {
  appendPage,
  firstPage,
  updateInstance,
  type InstanceListQuery,
  type InstancePages,
} from '../state/instance-pages.ts';
import { InstanceListSync } from '../state/instance-list-sync.ts';
import { FINISHED_STATUSES } from '../../core/records.ts';
import { theme } from '../styles/theme.ts';
import { latestFromRun, latestRunStyles, latestRunTemplate } from './latest-run.ts';
import { userText } from './user-text.ts';

/** Instances per request. */
const PAGE = 50;


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
    pages: { state: true },
    loadError: { state: true },
    loadingMore: { state: true },
  };
  static override styles = [
    theme,
    latestRunStyles,
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
      .count {
        font-weight: normal;
        font-size: var(--ath-small);
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
        display: flex;
        flex-direction: column;
        gap: var(--ath-space-1);
      }
      .name {
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .stale {
        color: var(--ath-cancelled);
        font-size: var(--ath-small);
        font-weight: 600;
      }
      .code {
        font-size: var(--ath-small);
      }
      .more {
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
  declare pages: InstancePages | undefined;
  declare loadError: string;
  declare loadingMore: boolean;

  #generation = 0;
  #observer: IntersectionObserver | undefined;
  readonly #sync = new InstanceListSync(this, { client: () => apiClient(this.api), query: () => this.#query, generation: () => this.#generation, firstPage: PAGE });
  readonly #live = new LiveEventsController(this, () => (this.experiment ? { api: this.api } : undefined), {
    'instance.created': ({ instance }) => this.#place(instance, true),
    'instance.updated': ({ instance }) => this.#place(instance, false),
    'instance.deleted': ({ instanceId }) => this.#sync.remove(instanceId),
    'run.status': ({ run }) => this.#runChanged(run),
    reset: () => void this.reload(),
  });

  constructor() {
    super();
    this.api = '';
    this.experiment = '';
    this.codeHash = '';
    this.loadError = '';
    this.loadingMore = false;
  }

  /** The instances loaded so far, latest activity first. */
  get instances(): readonly Instance[] | undefined {
    return this.pages?.items;
  }

  get #query(): InstanceListQuery {
    return { experiment: this.experiment, sort: 'activity' };
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#observer?.disconnect();
    this.#observer = undefined;
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('api') || changed.has('experiment')) {
      this.#live.retarget();
      void this.reload();
    }
  }

  protected override updated(): void {
    // The list pages on as its end scrolls into view (in the side panel or the page).
    const sentinel = this.renderRoot.querySelector('.sentinel');
    this.#observer?.disconnect();
    if (!sentinel || typeof IntersectionObserver === 'undefined') return;
    this.#observer ??= new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && void this.loadMore(), { rootMargin: '400px' });
    this.#observer.observe(sentinel);
  }

  /** Fetches the first page of instances, each with its latest run, in one request. */
  async reload(): Promise<void> {
    const generation = ++this.#generation;
    if (!this.experiment) return;
    try {
      const page = await apiClient(this.api).listInstances({ ...this.#query, limit: PAGE });
      if (generation !== this.#generation) return;
      this.pages = firstPage(page);
      this.loadError = '';
    } catch (error) {
      if (generation === this.#generation) this.loadError = (error as Error).message;
    }
  }

  /** Fetches the next page (one at a time). */
  async loadMore(): Promise<void> {
    const pages = this.pages;
    if (!pages?.next || this.loadingMore) return;
    const generation = this.#generation;
    this.loadingMore = true;
    try {
      const page = await apiClient(this.api).listInstances({ ...this.#query, limit: PAGE, cursor: pages.next });
      if (generation === this.#generation && this.pages) this.pages = appendPage(this.pages, page);
    } catch (error) {
      if (generation === this.#generation) this.loadError = (error as Error).message;
    } finally {
      this.loadingMore = false;
    }
  }

  #place(instance: Instance, created: boolean): void {
    if (instance.experiment === this.experiment) this.#sync.place(instance, created);
  }

  /** A run's status changed: its instance shows it as its latest run, and moves to the top (latest activity). */
  #runChanged(run: Run): void {
    if (!this.pages) return;
    this.pages = updateInstance(
      this.pages,
      run.instanceId,
      (instance) => {
        const latest = instance.latestRun;
        if (latest && latest.id !== run.id && latest.createdAt > run.createdAt) return instance;
        const codeHash = run.codeHash ?? (latest?.id === run.id ? latest.codeHash : undefined) ?? null;
        return { ...instance, latestRun: { ...latestFromRun(run, latest), codeHash }, lastRunAt: run.createdAt > (instance.lastRunAt ?? '') ? run.createdAt : instance.lastRunAt };
      },
      this.#query,
    );
    // Its counts and metrics once it ends. (Runs of instances not shown are left alone: the
    // event does not say whose experiment they are, and every run of the workbench comes here.)
    if (FINISHED_STATUSES.includes(run.status) && this.pages.items.some((i) => i.id === run.instanceId)) this.#sync.touched(run.instanceId);
  }

  #renderRow(instance: Instance) {
    const last = instance.latestRun;
    const stale = Boolean(this.codeHash && last?.codeHash && last.codeHash !== this.codeHash);
    return html`<li class="instance" data-id=${instance.id}>
      <div class="row">
        <a class="name" href=${pageHref(this.api, `/experiments/${encodeURIComponent(instance.id)}`)}>${userText(instance.name)}</a>
        ${stale
          ? html`<span class="stale"><span aria-hidden="true">⟳</span> code changed since its last run (ran <code>${shortHash(last!.codeHash)}</code>, now
              <code>${shortHash(this.codeHash)}</code>)</span>`
          : nothing}
      </div>
      ${latestRunTemplate(last, this.api)}
      ${last?.codeHash
        ? html`<span class="code muted" title="code ${last.codeHash}">code <code>${shortHash(last.codeHash)}</code></span>`
        : nothing}
    </li>`;
  }

  override render() {
    const newHref = pageHref(this.api, `/experiments/new?experiment=${encodeURIComponent(this.experiment)}`);
    const pages = this.pages;
    return html`
      <div class="head">
        <h3 id="instances-title">Instances ${pages?.total ? html`<span class="count muted">${pages.total.toLocaleString('en')}</span>` : nothing}</h3>
        <a class="button new" href=${newHref}><span aria-hidden="true">+</span> New instance</a>
      </div>
      ${this.loadError ? html`<p class="error-text" role="alert">Could not load the instances: ${userText(this.loadError)}</p>` : nothing}
      ${pages === undefined && !this.loadError ? html`<p class="muted">Loading…</p>` : nothing}
      ${pages?.items.length === 0 ? html`<p class="muted">No instances of this experiment yet.</p>` : nothing}
      ${pages?.items.length ? html`<ul aria-labelledby="instances-title">${pages.items.map((i) => this.#renderRow(i))}</ul>` : nothing}
      ${pages?.next
        ? html`<p class="more muted sentinel">
            ${this.loadingMore
              ? 'Loading more…'
              : html`${(pages.total - pages.items.length).toLocaleString('en')} more ·
                  <button type="button" class="new" @click=${() => void this.loadMore()}>Show more</button>`}
          </p>`
        : nothing}
    `;
  }
}

if (!customElements.get('athanor-experiment-instances')) customElements.define('athanor-experiment-instances', AthanorExperimentInstances);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-experiment-instances': AthanorExperimentInstances;
  }
}
