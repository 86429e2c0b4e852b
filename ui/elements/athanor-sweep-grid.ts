/**
 * `<athanor-sweep-grid>`: the part of a sweep form that chooses, for some configuration
 * fields, the values to try — with the number of combinations and the names of the
 * instances they make, live.
 */
import { LitElement, html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { ConfigError } from '../../core/experiment/config-validator.ts';
import { validatorLoading } from '../client/experiment-validators.ts';
import { getAt, parsePath, pathId, type JSONSchema } from './config-form/config-model.ts';
import {
  initialState,
  MAX_COMBINATIONS,
  nameValue,
  previewNames,
  sweepFields,
  sweepGrid,
  type SweepField,
  type SweepFieldState,
} from '../state/sweep-plan.ts';
import { theme } from '../styles/theme.ts';
import { sweepGridStyles } from './sweep/sweep-grid-styles.ts';
import { besideField } from './config-form/field-words.ts';
import { userText } from './user-text.ts';

/** The detail of `athanor-sweep-change`. */
export interface SweepChangeDetail {
  grid: Record<string, unknown[]>;
  combinations: number;
  valid: boolean;
  /** What stops the sweep from being sent, in words (empty when it can go): see {@link AthanorSweepGrid.problems}. */
  problems: string[];
}

/** How many instance names the preview lists. */
const PREVIEW = 6;

const en = (n: number) => n.toLocaleString('en');

/** The field a server error's path names (`grid.model[2]`, `model`, `sampling.top_k`), if it is one of `fields`. */
export function fieldOfError(path: string, fields: readonly SweepField[]): SweepField | undefined {
  const bare = path.replace(/^(grid|configuration|config)\./, '').replace(/\[\d+\]$/, '');
  return fields.find((f) => f.path === bare);
}

/**
 * For each field of `schema` that can vary (numbers, text, options, booleans; groups'
 * fields as `group.field`): a "Vary" checkbox and, when ticked, its values — numbers as a
 * list (`0.1, 0.5`) or a range (`0..1 step 0.25`), text as a list, options and booleans
 * as checkboxes. Each value is checked against the field's rules as it is typed. Below:
 * the number of combinations (over 1,000 is refused here, before anything is sent) and
 * the first instance names.
 *
 * @property schema - the experiment's configuration JSON Schema
 * @property base - the configuration the grid's values replace fields of
 * @attr base-name - the sweep's name, the start of every instance's name
 * @property serverErrors - what the server refused (`{path, message}`), shown beside the field it names
 * @fires athanor-sweep-change - `{grid, combinations, valid, problems}` whenever one of them changes
 */
export class AthanorSweepGrid extends LitElement {
  static override properties = {
    schema: { attribute: false },
    base: { attribute: false },
    baseName: { attribute: 'base-name' },
    serverErrors: { attribute: false },
    states: { state: true },
  };
  static override styles = [theme, sweepGridStyles];

  declare schema: JSONSchema | undefined;
  declare base: Record<string, unknown>;
  declare baseName: string;
  declare serverErrors: ConfigError[];
  declare states: Map<string, SweepFieldState>;

  #fields: SweepField[] = [];
  #fieldsOf: JSONSchema | undefined;
  /** What the last `athanor-sweep-change` said, to say it again only when it changed. */
  #reported: string | undefined;

  constructor() {
    super();
    this.base = {};
    this.baseName = '';
    this.serverErrors = [];
    this.states = new Map();
  }

  /** The fields that can vary, for the current schema. */
  get fields(): readonly SweepField[] {
    if (this.#fieldsOf !== this.schema) {
      this.#fieldsOf = this.schema;
      this.#fields = sweepFields(this.schema);
    }
    return this.#fields;
  }

  #plan() {
    return sweepGrid(this.fields, this.states, this.schema ?? {}, this.base);
  }

  /** The grid to send: field path → values, for the fields switched on. */
  get grid(): Record<string, unknown[]> {
    return this.#plan().grid;
  }

  /** How many instances the grid makes (0 before a field is switched on). */
  get combinations(): number {
    return this.#plan().combinations;
  }

  /** What stops the sweep from being sent, in words (empty when it can go). */
  get problems(): string[] {
    const { errors, combinations } = this.#plan();
    const problems: string[] = [];
    if (!combinations && !errors.size) problems.push('choose a field to vary');
    const labels = this.fields.filter((f) => errors.has(f.path)).map((f) => `“${f.label}”`);
    if (labels.length) problems.push(`fix the values of ${labels.join(', ')}`);
    if (combinations > MAX_COMBINATIONS) problems.push(`vary fewer values: ${en(combinations)} combinations, at most ${en(MAX_COMBINATIONS)}`);
    return problems;
  }

  /** Switches `path` on with these values (typed text, or the ticked ones): for hosts that prefill a sweep. */
  vary(path: string, values: string | unknown[]): void {
    const field = this.fields.find((f) => f.path === path);
    if (!field) throw new Error(`${path} is not a field this sweep can vary`);
    const state = { ...this.#state(field), on: true };
    if (typeof values === 'string') state.text = values;
    else state.picked = values;
    this.#set(field, state);
  }

  /** Moves the focus to the first field whose values have a problem; returns whether there was one. */
  async focusFirstProblem(): Promise<boolean> {
    await this.updateComplete;
    const { errors } = this.#plan();
    const field = this.fields.find((f) => errors.has(f.path) || this.serverErrors.some((e) => fieldOfError(e.path, [f])));
    const id = field && this.#id(field);
    // Its values (the text, else the first checkbox), else its Vary checkbox: the first that is there.
    const target = id ? [`input#${id}-values`, `#${id}-values input`, `#${id}-vary`].map((s) => this.renderRoot.querySelector<HTMLElement>(s)).find(Boolean) : undefined;
    target?.focus();
    return Boolean(target);
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    const schema = this.schema;
    if (changed.has('schema') && schema) {
      const loading = validatorLoading(schema);
      if (loading) void loading.then(() => this.schema === schema && this.requestUpdate());
    }
  }

  protected override updated(): void {
    // After every update, not only a change of states: a value can turn valid without the
    // count changing, and the validator loading late can turn values invalid.
    const { grid, combinations, errors } = this.#plan();
    const detail: SweepChangeDetail = { grid, combinations, valid: !errors.size && combinations > 0 && combinations <= MAX_COMBINATIONS, problems: this.problems };
    const reported = JSON.stringify(detail);
    if (reported === this.#reported) return;
    this.#reported = reported;
    this.dispatchEvent(new CustomEvent('athanor-sweep-change', { detail, bubbles: true, composed: true }));
  }

  #id(field: SweepField): string {
    return `sweep-${pathId([field.path])}`;
  }

  #state(field: SweepField): SweepFieldState {
    return this.states.get(field.path) ?? initialState(field, this.base);
  }

  #set(field: SweepField, state: SweepFieldState): void {
    this.states = new Map(this.states).set(field.path, state);
    // An edit answers the server's complaint about this field.
    if (this.serverErrors.some((e) => fieldOfError(e.path, [field]))) this.serverErrors = this.serverErrors.filter((e) => !fieldOfError(e.path, [field]));
  }

  #toggle(field: SweepField, value: unknown, on: boolean): void {
    const state = this.#state(field);
    const picked = on ? [...state.picked.filter((v) => v !== value), value] : state.picked.filter((v) => v !== value);
    this.#set(field, { ...state, picked });
  }

  #renderValues(field: SweepField, state: SweepFieldState, messages: string[], count: number) {
    const id = this.#id(field);
    const describedBy = [`${id}-hint`, messages.length ? `${id}-error` : ''].filter(Boolean).join(' ');
    const control =
      field.kind === 'options' || field.kind === 'boolean'
        ? html`<div class="choices" role="group" id="${id}-values" aria-label="Values of ${field.label}" aria-describedby=${describedBy}>
            ${field.options.map(
              (option, n) => html`<label><input type="checkbox" id="${id}-option-${n}" .checked=${state.picked.includes(option)}
                @change=${(e: Event) => this.#toggle(field, option, (e.target as HTMLInputElement).checked)} />${userText(nameValue(option))}</label>`,
            )}
          </div>`
        : html`<input type="text" id="${id}-values" autocomplete="off" spellcheck="false" aria-label="Values of ${field.label}"
            aria-invalid=${messages.length ? 'true' : 'false'} aria-describedby=${describedBy} .value=${state.text}
            placeholder=${field.kind === 'string' ? 'a, b, c' : '0.1, 0.5  or  0..1 step 0.25'}
            @input=${(e: Event) => this.#set(field, { ...state, text: (e.target as HTMLInputElement).value })} />`;
    const hint =
      field.kind === 'string' ? 'Values separated by commas'
      : field.kind === 'integer' || field.kind === 'number' ? 'A list (1, 5, 10) or a range (0..1 step 0.25)'
      : 'Tick the values to try';
    return html`<div class="values">
      ${control}
      <p class="hint" id="${id}-hint">${hint}${count ? ` · ${en(count)} ${count === 1 ? 'value' : 'values'}` : ''}</p>
      ${messages.length ? html`<div class="error-text" id="${id}-error">${messages.map((m) => html`<div>${userText(m)}</div>`)}</div>` : nothing}
    </div>`;
  }

  #renderField(field: SweepField, errors: Map<string, string[]>, grid: Record<string, unknown[]>) {
    const state = this.#state(field);
    const id = this.#id(field);
    const server = this.serverErrors.filter((e) => fieldOfError(e.path, [field]));
    // Beside its field, a message need not name the field again ("0 is below the minimum 1").
    const messages = [...(state.on ? errors.get(field.path) ?? [] : []).map((message) => ({ path: field.path, message })), ...server].map(besideField);
    const current = getAt(this.base, parsePath(field.path));
    return html`<li class="field ${state.on ? 'on' : ''}" data-path=${field.path}>
      <label class="vary" for="${id}-vary">
        <input type="checkbox" id="${id}-vary" .checked=${state.on} @change=${(e: Event) => this.#set(field, { ...state, on: (e.target as HTMLInputElement).checked })} />
        <span>Vary <strong>${userText(field.label)}</strong></span>
      </label>
      ${state.on
        ? this.#renderValues(field, state, messages, grid[field.path]?.length ?? 0)
        : html`<span class="hint">${current === undefined ? nothing : html`now <code>${userText(nameValue(current))}</code>`}</span>`}
    </li>`;
  }

  #renderSummary(combinations: number, grid: Record<string, unknown[]>, errors: Map<string, string[]>) {
    if (!combinations) {
      return html`<p class="summary muted" role="status" id="sweep-count">${errors.size ? 'Fix the values above to count the combinations.' : 'Tick a field to vary.'}</p>`;
    }
    if (combinations > MAX_COMBINATIONS) {
      return html`<p class="summary refused" role="status" id="sweep-count">
        ${en(combinations)} combinations: a sweep may have at most ${en(MAX_COMBINATIONS)}. Vary fewer fields or values.</p>`;
    }
    const names = previewNames(this.baseName.trim() || 'name', grid, PREVIEW);
    return html`<p class="summary" role="status" id="sweep-count">
        ${en(combinations)} ${combinations === 1 ? 'combination' : 'combinations'}: ${en(combinations)} ${combinations === 1 ? 'instance' : 'instances'}, each with a run</p>
      <div class="preview">
        <span class="hint" id="sweep-names">Instance names</span>
        <ol aria-labelledby="sweep-names">${names.map((name) => html`<li>${userText(name)}</li>`)}</ol>
        ${combinations > names.length ? html`<p class="hint">… and ${en(combinations - names.length)} more</p>` : nothing}
      </div>`;
  }

  override render() {
    const fields = this.fields;
    if (!fields.length) return html`<p class="muted">This experiment's configuration has no field a sweep can vary.</p>`;
    const { grid, errors, combinations } = this.#plan();
    return html`<fieldset>
      <legend>Sweep over</legend>
      <p class="help">Choose fields and the values to try: each combination becomes an instance, and each instance a run.</p>
      <ul class="fields">${repeat(fields, (f) => f.path, (f) => this.#renderField(f, errors, grid))}</ul>
      ${this.#renderSummary(combinations, grid, errors)}
    </fieldset>`;
  }
}

if (!customElements.get('athanor-sweep-grid')) customElements.define('athanor-sweep-grid', AthanorSweepGrid);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-sweep-grid': AthanorSweepGrid;
  }
}
