/**
 * `<athanor-new-instance>`: the form that creates an instance — an experiment, a name, a
 * description and the configuration form generated from the experiment's schema — or, as a
 * sweep, one instance and run per combination of chosen values.
 */
import { LitElement, html, nothing } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { apiClient, type ExperimentInfo } from '../client/api-client.ts';
import { navigate, pageHref, replaceInApp } from '../app/navigation.ts';
import { LiveEventsController } from '../state/live-events.ts';
import { theme } from '../styles/theme.ts';
import { formStyles } from '../styles/form-styles.ts';
import { newInstanceStyles } from './new-instance/new-instance-styles.ts';
import './athanor-config-form.ts';
import { SweepPart } from './new-instance/sweep-part.ts';
import { formProblems, submitHint } from './new-instance/submit-hint.ts';
import { nameFields, placeSaveError } from './instance-fields.ts';
import { experimentField, noExperiments, withExperiment } from './new-instance/experiment-field.ts';
import { rememberedExperiment, rememberExperiment } from '../state/last-experiment.ts';
import { userText } from './user-text.ts';
import type { AthanorConfigForm, ConfigChangeDetail, ConfigError } from './athanor-config-form.ts';

/**
 * Creates an instance: pick an experiment (those that failed to load are listed, disabled,
 * with their error), name it, fill its configuration. Problems show beside their fields as
 * they are typed, and the server's (422) the same way; on success the view navigates to
 * the new instance. The experiment list and the form follow the experiments live.
 *
 * "Sweep…" turns the form into a sweep: the configuration is the base, and for chosen
 * fields a list of values (`<athanor-sweep-grid>`); it creates an instance per
 * combination, named `name · field=value · …`, starts their runs (`POST /api/sweeps`) and
 * opens their comparison, which follows them live.
 *
 * @attr api - the workbench's API base ('' for this page's origin)
 * @attr experiment - the experiment to preselect
 * @attr from - an instance id to start from: its experiment, name, description and configuration
 * @attr sweep - show the sweep form
 */
export class AthanorNewInstance extends LitElement {
  static override properties = {
    api: {},
    experiment: {},
    from: {},
    sweep: { type: Boolean },
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
  static override styles = [theme, formStyles, newInstanceStyles];

  declare api: string;
  declare experiment: string | undefined;
  declare from: string | undefined;
  declare sweep: boolean;
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
  /** The experiment this browser last made an instance of (read once per load, not per render). */
  #remembered: string | undefined;
  #live: LiveEventsController;
  #sweep = new SweepPart(this);
  /** The configuration of the instance given by `from`, for the form once it is there. */
  #prefill: Record<string, unknown> | undefined;
  /** The configuration the form holds, the sweep's base. */
  #base: Record<string, unknown> = {};

  constructor() {
    super();
    this.api = '';
    this.sweep = false;
    this.name = '';
    this.description = '';
    this.configErrors = [];
    this.submitting = false;
    this.attempted = false;
    this.#live = new LiveEventsController(this, () => ({ api: this.api }), {
      'experiment.changed': ({ experiment }) => {
        if (this.experiments) this.experiments = withExperiment(this.experiments, experiment);
      },
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
    // One asked for that is not there (its file gone, a stale link) is said so, not swapped for another.
    if (this.#missing()) return undefined;
    if (this.#selected !== undefined) return undefined;
    return usable.find((e) => e.name === this.#remembered) ?? usable[0];
  }

  /** The experiment the page was opened for, when the workbench does not have it (none picked since). */
  #missing(): string | undefined {
    const asked = this.#selected === undefined ? this.experiment : undefined;
    return asked && this.experiments && !this.experiments.some((e) => e.name === asked) ? asked : undefined;
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
    if (changed.has('from') && this.from) void this.#loadFrom(this.from);
  }

  protected override updated(): void {
    const form = this.#form;
    if (form && this.#prefill) {
      form.value = this.#prefill;
      this.#base = form.value;
      this.#prefill = undefined;
      this.requestUpdate();
    }
  }

  /** Starts from an instance: its experiment, name, description and configuration. */
  async #loadFrom(id: string): Promise<void> {
    try {
      const instance = await this.#client.getInstance(id);
      this.#selected = instance.experiment;
      this.name = instance.name;
      this.description = instance.description ?? '';
      this.#prefill = instance.configuration;
      this.requestUpdate();
    } catch (error) {
      this.formError = `Could not load the instance to start from: ${error instanceof Error ? error.message : error}`;
    }
  }

  /** Switches between one instance and a sweep (kept in the URL, in the app). */
  #setSweep(on: boolean): void {
    this.sweep = on;
    this.formError = undefined;
    const query = new URLSearchParams();
    if (this.selected) query.set('experiment', this.selected.name);
    if (this.from) query.set('from', this.from);
    if (on) query.set('sweep', '1');
    replaceInApp(this, `/experiments/new${query.size ? `?${query}` : ''}`);
  }

  /** (Re)loads the list of experiments. */
  async load(): Promise<void> {
    this.#remembered = rememberedExperiment(this.api);
    try {
      this.experiments = await this.#client.listExperiments();
      this.loadError = undefined;
    } catch (error) {
      this.loadError = error instanceof Error ? error.message : String(error);
    }
  }

  #problems(): string[] {
    return formProblems({
      sweep: this.sweep,
      experimentChosen: Boolean(this.selected),
      name: this.name,
      configProblems: this.configErrors.length,
      problemFields: this.configErrors.length ? this.#form?.problemFields() ?? [] : [],
      sweepProblems: this.sweep ? this.#sweep.problems : [],
    });
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
      else if (form?.errors.length || !this.sweep) await form?.focusFirstError();
      else await this.#sweep.focus();
      return;
    }
    if (this.sweep) return this.#submitSweep(experiment, form);
    this.submitting = true;
    try {
      const description = this.description.trim();
      const instance = await this.#client.createInstance({
        experiment: experiment.name,
        name: this.name.trim(),
        description: description || null,
        configuration: form.value,
      });
      rememberExperiment(this.api, experiment.name);
      navigate(this, this.api, `/experiments/${instance.id}`);
    } catch (error) {
      this.#showServerError(error, form);
    } finally {
      this.submitting = false;
    }
  }

  /** Sends the sweep; on success opens where its runs are watched, else shows each refusal beside its field. */
  async #submitSweep(experiment: ExperimentInfo, form: AthanorConfigForm): Promise<void> {
    this.submitting = true;
    try {
      const description = this.description.trim();
      const request = { experiment: experiment.name, name: this.name.trim(), description: description || null, form };
      const destination = await this.#sweep.send(this.#client, request, (error) => this.#showServerError(error, form));
      if (destination) {
        rememberExperiment(this.api, experiment.name);
        navigate(this, this.api, destination);
      }
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
    // A form of the experiment shown before (replaced before its first update) may still speak.
    if (event.target !== this.#form) return;
    this.configErrors = event.detail.errors;
    this.#base = event.detail.value;
  };

  #renderExperimentField(experiment: ExperimentInfo | undefined) {
    return experimentField({
      api: this.api,
      list: this.experiments ?? [],
      chosen: experiment,
      wanted: this.#wanted(),
      missing: this.#missing(),
      onChoose: (name) => {
        this.#selected = name;
        this.requestUpdate();
      },
    });
  }

  override render() {
    if (!this.experiments?.length) return noExperiments(this.api, this.experiments, this.loadError, () => void this.load());
    const experiment = this.selected;
    const problems = this.#problems();
    const sweep = this.sweep;
    const title = sweep ? 'New sweep' : 'New instance';
    const nameError = this.nameError ?? (this.attempted && !this.name.trim() ? `Name is required: give the ${sweep ? 'sweep' : 'instance'} a name` : undefined);
    return html`<div class="title row">
        <h1>${title}</h1>
        <span class="spacer"></span>
        ${sweep
          ? html`<button type="button" @click=${() => this.#setSweep(false)}>One instance instead</button>`
          : html`<button type="button" @click=${() => this.#setSweep(true)} title="One instance and run per combination of values">Sweep…</button>`}
      </div>
      <form novalidate @submit=${this.#submit} aria-label=${title}>
        ${this.#renderExperimentField(experiment)}
        ${nameFields({
          idPrefix: '',
          required: true,
          name: this.name,
          description: this.description,
          nameError,
          ...(sweep ? { nameHint: 'The start of every instance\'s name: name · field=value · …' } : {}),
          onName: (value) => ((this.name = value), (this.nameError = undefined)),
          onDescription: (value) => (this.description = value),
        })}
        <h2>${sweep ? 'Base configuration' : 'Configuration'}</h2>
        ${experiment
          ? keyed(
              experiment.name,
              html`<athanor-config-form .schema=${experiment.schema ?? undefined} @athanor-config-change=${this.#onConfigChange}
                @athanor-config-submit=${() => this.#submit()}></athanor-config-form>`,
            )
          : html`<p class="muted">Choose an experiment to configure it.</p>`}
        ${sweep && experiment ? this.#sweep.render(experiment, this.#base, this.name) : nothing}
        ${this.formError ? html`<p class="alert error-text" role="alert">${userText(this.formError)}</p>` : nothing}
        <div class="actions row">
          <button type="submit" class="primary" aria-disabled=${problems.length || this.submitting ? 'true' : 'false'}
            aria-describedby="submit-hint">${this.#submitLabel()}</button>
          <a class="button" href=${pageHref(this.api, '/experiments')}>Cancel</a>
          <span id="submit-hint" class="help" role="status">${submitHint({ sweep, problems, label: this.#submitLabel(), busy: this.submitting ? (sweep ? this.#sweep.busy() : 'Creating the instance…') : undefined })}</span>
        </div>
      </form>`;
  }

  #submitLabel(): string {
    if (this.sweep) return this.#sweep.label(this.submitting);
    return this.submitting ? 'Creating…' : 'Create instance';
  }
}

if (!customElements.get('athanor-new-instance')) customElements.define('athanor-new-instance', AthanorNewInstance);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-new-instance': AthanorNewInstance;
  }
}
