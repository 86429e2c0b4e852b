/**
 * `<athanor-instance-history>`: an instance's saved versions, newest first, each with what
 * changed from the one before (name, description, `sampling.top_k: 40 → 50`) and the whole
 * configuration it held. Runs link here to the version they ran.
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { apiClient, type ExperimentInfo, type InstanceVersion } from '../client/api-client.ts';
import { formatTime } from '../app/format.ts';
import { versionChanges } from '../state/version-changes.ts';
import { theme } from '../styles/theme.ts';
import { configValue } from './instance-view/instance-templates.ts';
import { changeList, instanceHistoryStyles } from './instance-view/instance-history-templates.ts';
import { userText } from './user-text.ts';

/** The id of a version's entry, and the fragment that links to it (`#version-3`). */
export const versionAnchor = (version: number): string => `version-${version}`;

/**
 * The history of one instance. Give it the instance's current `version`: when that
 * changes (the instance was saved, here or elsewhere), the newest versions are read again.
 *
 * @attr api - the workbench's API base ('' for this page's origin)
 * @attr instance-id - the instance whose history to show
 * @attr version - the instance's current version (a change reloads the list)
 * @attr page-size - versions per page (default 20)
 * @property schema - the experiment's configuration JSON Schema: configurations list their keys in its order
 */
export class AthanorInstanceHistory extends LitElement {
  static override properties = {
    api: {},
    instanceId: { attribute: 'instance-id' },
    version: { type: Number },
    pageSize: { attribute: 'page-size', type: Number },
    schema: { attribute: false },
    versions: { state: true },
    next: { state: true },
    older: { state: true },
    highlighted: { state: true },
    problem: { state: true },
    busy: { state: true },
  };
  static override styles = [theme, instanceHistoryStyles];

  declare api: string;
  declare instanceId: string;
  declare version: number;
  declare pageSize: number;
  declare schema: ExperimentInfo['schema'] | undefined;
  declare versions: InstanceVersion[];
  declare next: string | null;
  /** The version just before the oldest one listed, to say what the oldest changed. */
  declare older: InstanceVersion | undefined;
  /** The version a link asked to see. */
  declare highlighted: number | undefined;
  declare problem: string | undefined;
  declare busy: boolean;
  #loading: Promise<void> = Promise.resolve();
  #loadToken = 0;

  constructor() {
    super();
    this.api = '';
    this.instanceId = '';
    this.version = 0;
    this.pageSize = 20;
    this.versions = [];
    this.next = null;
    this.busy = false;
  }

  get #client() {
    return apiClient(this.api);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('instanceId') || changed.has('api')) {
      this.versions = [];
      this.highlighted = undefined;
    }
    if ((changed.has('instanceId') || changed.has('api') || changed.has('version')) && this.instanceId) this.#loading = this.load();
  }

  /** (Re)reads the newest page of versions. */
  async load(): Promise<void> {
    const token = ++this.#loadToken;
    try {
      const page = await this.#client.listInstanceVersions(this.instanceId, { limit: this.pageSize });
      const older = await this.#before(page.items);
      if (token !== this.#loadToken) return;
      [this.versions, this.next, this.older, this.problem] = [page.items, page.next, older, undefined];
    } catch (error) {
      if (token === this.#loadToken) this.problem = `Could not load the history: ${error instanceof Error ? error.message : error}`;
    }
  }

  /** The version before the oldest of `items`, when there is one and it is not listed. */
  async #before(items: InstanceVersion[]): Promise<InstanceVersion | undefined> {
    const oldest = items[items.length - 1];
    if (!oldest || oldest.version <= 1) return undefined;
    return this.#client.getInstanceVersion(this.instanceId, oldest.version - 1).catch(() => undefined);
  }

  async #loadMore(): Promise<void> {
    if (!this.next || this.busy) return;
    this.busy = true;
    const token = this.#loadToken;
    try {
      const page = await this.#client.listInstanceVersions(this.instanceId, { limit: this.pageSize, cursor: this.next });
      const older = await this.#before(page.items);
      if (token !== this.#loadToken) return;
      const known = new Set(this.versions.map((v) => v.version));
      [this.versions, this.next, this.older] = [[...this.versions, ...page.items.filter((v) => !known.has(v.version))], page.next, older];
    } catch (error) {
      this.problem = `Could not load older versions: ${error instanceof Error ? error.message : error}`;
    } finally {
      this.busy = false;
    }
  }

  /**
   * Brings version `version` into view, highlighted and focused (its configuration open),
   * reading older pages until it is listed. Resolves false when the instance has no such version.
   */
  async show(version: number): Promise<boolean> {
    await this.#loading;
    while (!this.versions.some((v) => v.version === version) && this.next) await this.#loadMore();
    if (!this.versions.some((v) => v.version === version)) return false;
    this.highlighted = version;
    await this.updateComplete;
    const entry = this.renderRoot.querySelector<HTMLElement>(`#${versionAnchor(version)}`);
    entry?.scrollIntoView?.({ block: 'center' });
    entry?.focus({ preventScroll: true });
    return true;
  }

  #renderVersion(entry: InstanceVersion, index: number) {
    const previous = this.versions[index + 1] ?? (this.older?.version === entry.version - 1 ? this.older : undefined);
    const changes = versionChanges(previous, entry);
    const current = entry.version === this.version;
    const highlighted = entry.version === this.highlighted;
    return html`<li id=${versionAnchor(entry.version)} class="version ${highlighted ? 'highlighted' : ''}" tabindex="-1"
      data-version=${entry.version} aria-current=${current ? 'true' : nothing}>
      <div class="version-head row">
        <h3>v${entry.version}</h3>
        ${current ? html`<span class="tag">current</span>` : nothing}
        <time class="muted" datetime=${entry.createdAt}>${formatTime(entry.createdAt)}</time>
      </div>
      ${entry.version === 1
        ? html`<p class="muted summary">Created as <strong>${userText(entry.name)}</strong>.</p>`
        : previous
          ? changes.length
            ? changeList(changes)
            : html`<p class="muted summary">Saved with no change.</p>`
          : html`<p class="muted summary">Load older versions to see what changed.</p>`}
      <details ?open=${highlighted}>
        <summary>Configuration of v${entry.version}</summary>
        ${configValue(entry.configuration, this.schema ?? undefined)}
      </details>
    </li>`;
  }

  override render() {
    // Versions are numbered 1…N without gaps: the newest number is the count.
    const count = Math.max(this.version, this.versions[0]?.version ?? 0);
    return html`<section aria-labelledby="history-title">
      <h2 id="history-title">History ${count ? html`<span class="muted">(${count} ${count === 1 ? 'version' : 'versions'})</span>` : nothing}</h2>
      <p class="muted intro">Each save of the name, description or configuration is a new version; a run keeps the version it ran.</p>
      ${this.problem ? html`<p class="error-text" role="alert">${userText(this.problem)}</p>` : nothing}
      ${this.versions.length
        ? html`<ol class="versions" aria-label="Versions, newest first">
            ${repeat(this.versions, (v) => v.version, (v, i) => this.#renderVersion(v, i))}
          </ol>`
        : this.problem
          ? nothing
          : html`<p class="muted" role="status">Loading the history…</p>`}
      ${this.next
        ? html`<button type="button" class="more" ?disabled=${this.busy} @click=${() => this.#loadMore()}>
            ${this.busy ? 'Loading…' : 'Load older versions'}
          </button>`
        : nothing}
    </section>`;
  }
}

if (!customElements.get('athanor-instance-history')) customElements.define('athanor-instance-history', AthanorInstanceHistory);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-instance-history': AthanorInstanceHistory;
  }
}
