/**
 * `<athanor-experiment-list>`: every experiment the workbench knows, with its load error
 * when it is broken, and a form to create a new experiment from the template.
 */
import { LitElement, css, html, nothing } from 'lit';
import { apiClient, ApiError, type ExperimentInfo } from '../client/api-client.ts';
import { navigate, pageHref } from '../app/navigation.ts';
import { LiveEventsController } from '../state/live-events.ts';
import { theme } from '../styles/theme.ts';
import { showDirectionControls, userText } from './user-text.ts';

/** Detail of `athanor-experiment-created`. */
export interface ExperimentCreatedDetail {
  name: string;
  file: string;
}

/** What `POST /api/experiments` answers: the new file and, once loaded, its entry. */
const SOURCE_EXTENSION = /\.(ts|mts|js|mjs)$/;

/** The route of an experiment's source. */
export const sourcePath = (name: string) => `/source/${encodeURIComponent(name)}`;

function sortByName(list: ExperimentInfo[]): ExperimentInfo[] {
  return list.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The experiments, live: selecting one goes to `/source/NAME`; a broken one shows "⚠ error"
 * with its code. "New experiment" asks for a file name (`my_study.ts`; `.ts` is added when
 * there is no extension), creates it from the template and opens it.
 *
 * @attr api - the workbench's API base ('' for this page's origin)
 * @attr selected - the name of the experiment shown beside the list
 * @fires athanor-experiment-created - `{name, file}` after a new experiment was created
 */
export class AthanorExperimentList extends LitElement {
  static override properties = {
    api: {},
    selected: {},
    experiments: { state: true },
    loadError: { state: true },
    creating: { state: true },
    createError: { state: true },
    busy: { state: true },
  };
  static override styles = [
    theme,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: var(--ath-space-2);
        min-width: 0;
      }
      .head {
        display: flex;
        align-items: center;
        flex-wrap: wrap;
        gap: var(--ath-space-2);
      }
      h2 {
        margin: 0;
        flex: 1;
        white-space: nowrap;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: flex;
        flex-direction: column;
        gap: 2px;
      }
      a {
        display: block;
        padding: 4px 8px;
        border-radius: var(--ath-radius);
        color: var(--ath-text);
        text-decoration: none;
        border: 1px solid transparent;
      }
      a:hover {
        background: var(--ath-bg-raised);
      }
      a[aria-current='page'] {
        background: var(--ath-bg-raised);
        border-color: var(--ath-border);
        font-weight: 600;
      }
      .name {
        overflow-wrap: anywhere;
      }
      .file {
        display: block;
        font-family: var(--ath-mono);
        font-size: 11px;
        color: var(--ath-text-muted);
        font-weight: normal;
        overflow-wrap: anywhere;
      }
      .broken {
        display: inline-block;
        margin-top: 2px;
        color: var(--ath-failed);
        font-size: var(--ath-small);
        font-weight: 600;
      }
      form {
        display: flex;
        flex-direction: column;
        gap: var(--ath-space-2);
        padding: var(--ath-space-2);
        border: 1px solid var(--ath-border);
        border-radius: var(--ath-radius);
        background: var(--ath-bg-raised);
      }
      label {
        display: flex;
        flex-direction: column;
        gap: 2px;
        font-size: var(--ath-small);
        color: var(--ath-text-muted);
      }
      .new {
        padding: 3px 8px;
        font-size: var(--ath-small);
      }
    `,
  ];

  declare api: string;
  declare selected: string;
  declare experiments: ExperimentInfo[] | undefined;
  declare loadError: string;
  declare creating: boolean;
  declare createError: string;
  declare busy: boolean;

  #generation = 0;
  readonly #live = new LiveEventsController(this, () => ({ api: this.api }), {
    'experiment.changed': ({ experiment }) => {
      if (!this.experiments) return;
      // One file holds one experiment: a renamed experiment replaces its old entry.
      const others = this.experiments.filter((e) => e.name !== experiment.name && e.file !== experiment.file);
      this.experiments = sortByName([...others, experiment]);
    },
    'experiment.removed': ({ name, file }) => {
      if (this.experiments) this.experiments = this.experiments.filter((e) => !(e.name === name && e.file === file));
    },
    reset: () => void this.reload(),
  });

  constructor() {
    super();
    this.api = '';
    this.selected = '';
    this.experiments = undefined;
    this.loadError = '';
    this.creating = false;
    this.createError = '';
    this.busy = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.reload();
  }

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('api') && changed.get('api') !== undefined) {
      this.#live.retarget();
      void this.reload();
    }
  }

  /** Fetches the list again. */
  async reload(): Promise<void> {
    const generation = ++this.#generation;
    try {
      const list = await apiClient(this.api).listExperiments();
      if (generation !== this.#generation) return;
      this.experiments = sortByName(list);
      this.loadError = '';
    } catch (error) {
      if (generation === this.#generation) this.loadError = (error as Error).message;
    }
  }

  /** Opens the "New experiment" form. */
  async startCreating(): Promise<void> {
    this.creating = true;
    this.createError = '';
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('#new-file')?.focus();
  }

  /** Creates `file` from the template, then opens it; returns its name, or undefined on a refusal (shown). */
  async create(file: string): Promise<string | undefined> {
    const name = file.trim();
    if (!name) {
      this.createError = 'Enter a file name, such as my_study.ts';
      return undefined;
    }
    const fileName = SOURCE_EXTENSION.test(name) ? name : `${name}.ts`;
    this.busy = true;
    this.createError = '';
    try {
      const created = await apiClient(this.api).createExperiment(fileName);
      const entry = created.experiment;
      const experimentName = entry?.name ?? fileName.split('/').pop()!.replace(SOURCE_EXTENSION, '');
      if (entry && this.experiments && !this.experiments.some((e) => e.name === entry.name)) {
        this.experiments = sortByName([...this.experiments, entry]);
      }
      this.creating = false;
      this.dispatchEvent(
        new CustomEvent<ExperimentCreatedDetail>('athanor-experiment-created', {
          detail: { name: experimentName, file: created.file },
          bubbles: true,
          composed: true,
        }),
      );
      navigate(this, this.api, sourcePath(experimentName));
      return experimentName;
    } catch (error) {
      this.createError = error instanceof ApiError ? `${error.message} (${error.code})` : (error as Error).message;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('#new-file')?.focus();
      return undefined;
    } finally {
      this.busy = false;
    }
  }

  #onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('#new-file');
    void this.create(input?.value ?? '');
  };

  #cancel = () => {
    this.creating = false;
    this.createError = '';
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLButtonElement>('.new')?.focus());
  };

  #renderForm() {
    return html`<form @submit=${this.#onSubmit} @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this.#cancel()} aria-label="New experiment">
      <label for="new-file">File name (in the experiments folder)</label>
      <input id="new-file" name="file" placeholder="my_study.ts" autocomplete="off" spellcheck="false" ?disabled=${this.busy}
        aria-invalid=${this.createError ? 'true' : 'false'} aria-describedby="new-file-error" />
      <p id="new-file-error" class="error-text" role="alert" style="margin: 0">${userText(this.createError)}</p>
      <div class="row">
        <button type="submit" class="primary" ?disabled=${this.busy}>${this.busy ? 'Creating…' : 'Create'}</button>
        <button type="button" @click=${this.#cancel}>Cancel</button>
      </div>
    </form>`;
  }

  #renderItem(experiment: ExperimentInfo) {
    const error = experiment.error;
    return html`<li>
      <a href=${pageHref(this.api, sourcePath(experiment.name))} aria-current=${experiment.name === this.selected ? 'page' : nothing}
        title=${showDirectionControls(error ? `${error.code}: ${error.message}` : experiment.description ?? experiment.name)}>
        <span class="name">${userText(experiment.name)}</span>
        <span class="file">${userText(experiment.file)}</span>
        ${error ? html`<span class="broken"><span aria-hidden="true">⚠</span> error <span class="mono">${error.code}</span></span>` : nothing}
      </a>
    </li>`;
  }

  override render() {
    const list = this.experiments;
    return html`
      <div class="head">
        <h2 id="experiments-title">Experiments</h2>
        ${this.creating
          ? nothing
          : html`<button type="button" class="new" @click=${() => void this.startCreating()}><span aria-hidden="true">+</span> New experiment</button>`}
      </div>
      ${this.creating ? this.#renderForm() : nothing}
      ${this.loadError ? html`<p class="error-text" role="alert">Could not load the experiments: ${userText(this.loadError)}</p>` : nothing}
      ${list === undefined && !this.loadError ? html`<p class="muted">Loading…</p>` : nothing}
      ${list && list.length === 0 ? html`<p class="muted">No experiments yet: create one.</p>` : nothing}
      ${list && list.length ? html`<nav aria-labelledby="experiments-title"><ul>${list.map((e) => this.#renderItem(e))}</ul></nav>` : nothing}
    `;
  }
}

if (!customElements.get('athanor-experiment-list')) customElements.define('athanor-experiment-list', AthanorExperimentList);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-experiment-list': AthanorExperimentList;
  }
}
