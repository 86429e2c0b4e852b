/**
 * `<athanor-new-instance>`: the form that creates an instance — an experiment, a name, a
 * description and the configuration form generated from the experiment's schema.
 */
import { LitElement, css, html, nothing } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { apiClient, type ExperimentInfo } from '../client/api-client.ts';
import { navigate, pageHref } from '../app/navigation.ts';
import { LiveEventsController } from '../state/live-events.ts';
import { theme } from '../styles/theme.ts';
import { formStyles } from '../styles/form-styles.ts';
import './athanor-config-form.ts';
import { nameFields, placeSaveError } from './instance-fields.ts';
import { showDirectionControls, userText } from './user-text.ts';
import type { AthanorConfigForm, ConfigChangeDetail, ConfigError } from './athanor-config-form.ts';

/**
 * Creates an instance: pick an experiment (those that failed to load are listed, disabled,
 * with their error), name it, fill its configuration. Problems show beside their fields as
 * they are typed, and the server's (422) the same way; on success the view navigates to
 * the new instance. The experiment list and the form follow the experiments live.
 *
 * @attr api - the workbench's API base ('' for this page's origin)
 * @attr experiment - the experiment to preselect
 */
export class AthanorNewInstance extends LitElement {
  static override properties = {
    api: {},
    experiment: {},
    experiments: { state: true },
    loadError: { state: true },
    name: { state: true },
    description: { state: true },
    nameError: { state: true },
    formError: { state: true },
    configErrors: { state: true },
    submitting: { state: true },
    attempted: { state: true },
  };
  static override styles = [
    theme,
    formStyles,
    css`
      :host {
        display: block;
        max-width: 860px;
      }
      .field > .help,
      .field > .error-text {
        font-size: var(--ath-small);
      }
      .help {
        color: var(--ath-text-muted);
      }
      .required {
        color: var(--ath-failed);
      }
      .error-text::before {
        content: '⚠ ';
      }
      h2 {
        margin: var(--ath-space-3) 0 0;
      }
      .actions {
        border-top: 1px solid var(--ath-border);
        padding-top: var(--ath-space-3);
      }
      button[aria-disabled='true'] {
        opacity: 0.55;
      }
      .alert {
        border: 1px solid var(--ath-failed);
        border-radius: var(--ath-radius);
        padding: var(--ath-space-2) var(--ath-space-3);
      }
    `,
  ];

  declare api: string;
  declare experiment: string | undefined;
  declare experiments: ExperimentInfo[] | undefined;
  declare loadError: string | undefined;
  declare name: string;
  declare description: string;
  declare nameError: string | undefined;
  declare formError: string | undefined;
  declare configErrors: ConfigError[];
  declare submitting: boolean;
  declare attempted: boolean;

  #selected: string | undefined;
  #live: LiveEventsController;

  constructor() {
    super();
    this.api = '';
    this.name = '';
    this.description = '';
    this.configErrors = [];
    this.submitting = false;
    this.attempted = false;
    this.#live = new LiveEventsController(this, () => ({ api: this.api }), {
      'experiment.changed': ({ experiment }) => this.#upsert(experiment),
      'experiment.removed': ({ name }) => {
        if (this.experiments) this.experiments = this.experiments.filter((e) => e.name !== name);
      },
      reset: () => void this.load(),
    });
  }

  get #client() {
    return apiClient(this.api);
  }

  get #form(): AthanorConfigForm | null {
    return this.renderRoot.querySelector('athanor-config-form');
  }

  /** The experiment chosen in the dropdown. */
  get selected(): ExperimentInfo | undefined {
    const list = this.experiments ?? [];
    const usable = list.filter((e) => !e.error && e.schema);
    const wanted = this.#wanted();
    // One that is chosen but broken stays chosen (and says why) rather than silently
    // becoming another experiment.
    if (wanted) return usable.find((e) => e.name === wanted);
    return this.#selected === undefined ? usable[0] : undefined;
  }

  /** The experiment asked for (picked, else the attribute), when the workbench knows it. */
  #wanted(): string | undefined {
    const wanted = this.#selected || this.experiment;
    return (this.experiments ?? []).some((e) => e.name === wanted) ? wanted : undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('api') && changed.get('api') !== undefined) {
      this.#live.retarget();
      void this.load();
    }
  }

  /** (Re)loads the list of experiments. */
  async load(): Promise<void> {
    try {
      this.experiments = await this.#client.listExperiments();
      this.loadError = undefined;
    } catch (error) {
      this.loadError = error instanceof Error ? error.message : String(error);
    }
  }

  #upsert(experiment: ExperimentInfo): void {
    if (!this.experiments) return;
    const index = this.experiments.findIndex((e) => e.name === experiment.name);
    this.experiments =
      index === -1 ? [...this.experiments, experiment] : this.experiments.map((e, i) => (i === index ? experiment : e));
  }

  #problems(): string[] {
    const problems: string[] = [];
    if (!this.selected) problems.push('choose an experiment');
    if (!this.name.trim()) problems.push('name the instance');
    const count = this.configErrors.length;
    if (count) {
      // Name where they are: a problem the reader cannot find is no help.
      const where = this.#form?.problemFields() ?? [];
      // Quoted, so a label with brackets of its own ("Latency (ms)") does not nest in ours.
      problems.push(`fix ${count} configuration ${count === 1 ? 'problem' : 'problems'}${where.length ? ` (${where.map((label) => `“${label}”`).join(', ')})` : ''}`);
    }
    return problems;
  }

  async #submit(event?: Event): Promise<void> {
    event?.preventDefault();
    if (this.submitting) return;
    this.attempted = true;
    this.formError = undefined;
    const form = this.#form;
    this.configErrors = form?.validate() ?? [];
    const experiment = this.selected;
    if (!this.name.trim()) this.nameError = 'Name is required: give the instance a name';
    if (this.#problems().length || !experiment || !form) {
      await this.updateComplete;
      if (this.nameError) this.renderRoot.querySelector<HTMLInputElement>('#name')?.focus();
      else await form?.focusFirstError();
      return;
    }
    this.submitting = true;
    try {
      const description = this.description.trim();
      const instance = await this.#client.createInstance({
        experiment: experiment.name,
        name: this.name.trim(),
        description: description || null,
        configuration: form.value,
      });
      navigate(this, this.api, `/experiments/${instance.id}`);
    } catch (error) {
      this.#showServerError(error, form);
    } finally {
      this.submitting = false;
    }
  }

  #showServerError(error: unknown, form: AthanorConfigForm): void {
    const placed = placeSaveError(error, form);
    if ('config' in placed) this.configErrors = form.errors;
    if ('name' in placed) {
      this.nameError = placed.name;
      this.renderRoot.querySelector<HTMLInputElement>('#name')?.focus();
    }
    if ('form' in placed) this.formError = placed.form;
  }

  #onConfigChange = (event: CustomEvent<ConfigChangeDetail>) => {
    this.configErrors = event.detail.errors;
  };

  /** What the experiment field says when none can be configured: which, and why. */
  #noExperiment(list: ExperimentInfo[]) {
    const wanted = list.find((e) => e.name === this.#wanted());
    if (wanted?.error) {
      return html`<span class="error-text"><strong>${userText(wanted.name)}</strong> fails to load: ${userText(wanted.error.message)}</span><br />
        Fix <a href=${pageHref(this.api, `/source/${encodeURIComponent(wanted.name)}`)}>its source</a>${list.some((e) => !e.error && e.schema)
          ? ', or choose another experiment'
          : ''}.`;
    }
    return list.some((e) => !e.error && e.schema) ? 'Choose an experiment.' : 'Every experiment fails to load: fix one to configure it.';
  }

  #renderExperimentField(experiment: ExperimentInfo | undefined) {
    const list = this.experiments ?? [];
    const broken = list.filter((e) => e.error);
    return html`<div class="field">
      <label for="experiment">Experiment<span class="required" aria-hidden="true"> *</span></label>
      <select id="experiment" required aria-describedby="experiment-help"
        @change=${(e: Event) => {
          this.#selected = (e.target as HTMLSelectElement).value;
          this.requestUpdate();
        }}>
        ${experiment ? nothing : html`<option value="" selected>— choose —</option>`}
        ${list.map(
          (e) => html`<option value=${e.name} ?disabled=${!!e.error || !e.schema} ?selected=${e.name === experiment?.name}>
            ${showDirectionControls(`${e.name}${e.error ? ` — failed to load: ${e.error.message.slice(0, 80)}` : ''}`)}
          </option>`,
        )}
      </select>
      <div class="help" id="experiment-help">
        ${experiment
          ? html`${experiment.description ? userText(experiment.description) : 'No description.'} ·
              <a href=${pageHref(this.api, `/source/${encodeURIComponent(experiment.name)}`)}>source</a>`
          : this.#noExperiment(list)}
        ${broken.length
          ? html`<br />${broken.length} ${broken.length === 1 ? 'experiment fails' : 'experiments fail'} to load and cannot be chosen:
              ${broken.map((e, i) => html`${i ? ', ' : ''}<code>${userText(e.name)}</code>`)}.`
          : nothing}
      </div>
    </div>`;
  }

  override render() {
    if (this.loadError && !this.experiments) {
      return html`<h1>New instance</h1>
        <p class="alert error-text" role="alert">Could not load the experiments: ${userText(this.loadError)}</p>
        <button type="button" @click=${() => this.load()}>Retry</button>`;
    }
    if (!this.experiments) return html`<h1>New instance</h1><p class="muted" role="status">Loading experiments…</p>`;
    if (this.experiments.length === 0) {
      return html`<h1>New instance</h1>
        <p>No experiments yet. Write one in the <code>experiments/</code> folder, or
          <a href=${pageHref(this.api, '/source')}>create one from a template</a>.</p>`;
    }
    const experiment = this.selected;
    const problems = this.#problems();
    const nameError = this.nameError ?? (this.attempted && !this.name.trim() ? 'Name is required: give the instance a name' : undefined);
    return html`<h1>New instance</h1>
      <form novalidate @submit=${this.#submit} aria-label="New instance">
        ${this.#renderExperimentField(experiment)}
        ${nameFields({
          idPrefix: '',
          required: true,
          name: this.name,
          description: this.description,
          nameError,
          onName: (value) => ((this.name = value), (this.nameError = undefined)),
          onDescription: (value) => (this.description = value),
        })}
        <h2>Configuration</h2>
        ${experiment
          ? keyed(
              experiment.name,
              html`<athanor-config-form .schema=${experiment.schema ?? undefined} @athanor-config-change=${this.#onConfigChange}
                @athanor-config-submit=${() => this.#submit()}></athanor-config-form>`,
            )
          : html`<p class="muted">Choose an experiment to configure it.</p>`}
        ${this.formError ? html`<p class="alert error-text" role="alert">${userText(this.formError)}</p>` : nothing}
        <div class="actions row">
          <button type="submit" class="primary" aria-disabled=${problems.length || this.submitting ? 'true' : 'false'}
            aria-describedby="submit-hint">${this.submitting ? 'Creating…' : 'Create instance'}</button>
          <a class="button" href=${pageHref(this.api, '/experiments')}>Cancel</a>
          <span id="submit-hint" class="help" role="status">
            ${problems.length ? `To create it: ${problems.join(', ')}.` : 'Ready: press Enter or Create instance.'}
          </span>
        </div>
      </form>`;
  }
}

if (!customElements.get('athanor-new-instance')) customElements.define('athanor-new-instance', AthanorNewInstance);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-new-instance': AthanorNewInstance;
  }
}
