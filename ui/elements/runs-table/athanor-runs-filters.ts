/**
 * `<athanor-runs-filters>`: the runs table's filter bar — statuses, an instance, a
 * configuration value, a metric's range — and the filters in force as chips to remove.
 * It holds no filters of its own: it shows `filters` and asks for new ones with
 * `athanor-filters-change`.
 */
import { LitElement, css, html, nothing } from 'lit';
import { RUN_STATUSES, type RunStatus } from '../../../core/records.ts';
import { theme } from '../../styles/theme.ts';
import { STATUS_SYMBOLS, statusStyles } from '../../styles/status-styles.ts';
import { userText } from '../user-text.ts';
import type { RunsColumn } from './runs-table-columns.ts';
import {
  FILTER_OPERATORS, describeFilter, filterNumber, instanceOf, statusesOf, withInstance, withMetricRange, withStatuses,
  type FilterOperator,
} from './runs-table-query.ts';

/** Detail of `athanor-filters-change`. */
export interface FiltersChangeDetail {
  filters: string[];
}

const OPERATOR_WORDS: Record<FilterOperator, string> = { '=': 'is', '!=': 'is not', '<': '<', '<=': '≤', '>': '>', '>=': '≥' };

/**
 * @prop filters - the filters in force (the API's syntax)
 * @prop columns - the configuration and metric columns that can be filtered on
 * @fires athanor-filters-change - `{filters}`: the filters asked for
 */
export class AthanorRunsFilters extends LitElement {
  static override properties = {
    filters: { attribute: false },
    columns: { attribute: false },
    field: { state: true },
    operator: { state: true },
    problem: { state: true },
  };
  static override styles = [
    theme,
    statusStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: var(--ath-space-2);
      }
      fieldset {
        border: none;
        margin: 0;
        padding: 0;
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--ath-space-1);
      }
      legend {
        float: left;
        margin-right: var(--ath-space-1);
        font-size: var(--ath-small);
        color: var(--ath-text-muted);
      }
      .status-toggle {
        padding: 2px 8px;
        font-size: var(--ath-small);
      }
      .status-toggle[aria-pressed='true'] {
        border-color: currentColor;
        background: color-mix(in srgb, currentColor 10%, var(--ath-bg-raised));
        font-weight: 600;
      }
      .bar {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--ath-space-2) var(--ath-space-4);
      }
      form {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--ath-space-1);
      }
      label.inline {
        font-size: var(--ath-small);
        color: var(--ath-text-muted);
      }
      input.number {
        width: 7em;
      }
      input.value {
        width: 10em;
      }
      select.field {
        max-width: 16em;
      }
      .chips {
        display: flex;
        flex-wrap: wrap;
        gap: var(--ath-space-1);
        list-style: none;
        margin: 0;
        padding: 0;
      }
      .chip {
        display: inline-flex;
        align-items: center;
        gap: 2px;
        padding: 1px 2px 1px 10px;
        border: 1px solid var(--ath-border);
        border-radius: 999px;
        background: var(--ath-bg-subtle);
        font-size: var(--ath-small);
      }
      .chip button {
        border: none;
        background: none;
        padding: 0 6px;
        border-radius: 999px;
        color: var(--ath-text-muted);
      }
      .clear {
        font-size: var(--ath-small);
        padding: 1px 8px;
      }
    `,
  ];

  declare filters: string[];
  declare columns: RunsColumn[];
  /** The column chosen in the "Filter by" form. */
  declare field: string;
  /** The comparison chosen for a configuration field: its value box hints what it takes. */
  declare operator: FilterOperator;
  declare problem: string | undefined;

  constructor() {
    super();
    this.filters = [];
    this.columns = [];
    this.field = '';
    this.operator = '=';
  }

  #change(filters: string[]): void {
    this.problem = undefined;
    this.dispatchEvent(new CustomEvent<FiltersChangeDetail>('athanor-filters-change', { detail: { filters }, bubbles: true, composed: true }));
  }

  #toggleStatus(status: RunStatus): void {
    const current = statusesOf(this.filters);
    const next = current.includes(status) ? current.filter((s) => s !== status) : [...current, status];
    this.#change(withStatuses(this.filters, next));
  }

  #onInstance = (event: Event) => {
    const value = (event.target as HTMLInputElement).value;
    if (value.trim() !== instanceOf(this.filters)) this.#change(withInstance(this.filters, value));
  };

  get #chosen(): RunsColumn | undefined {
    return this.columns.find((c) => c.id === this.field) ?? this.columns[0];
  }

  #onAdd = (event: SubmitEvent) => {
    event.preventDefault();
    const column = this.#chosen;
    if (!column) return;
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    if (column.kind === 'metric') {
      const min = String(data.get('min') ?? '');
      const max = String(data.get('max') ?? '');
      for (const [name, text] of [['min', min], ['max', max]] as const) {
        if (text.trim() && filterNumber(text) === undefined) return void (this.problem = `${column.label} ${name}: "${text}" is not a number`);
      }
      if (!min.trim() && !max.trim()) return void (this.problem = `${column.label}: give a minimum, a maximum or both`);
      this.#change(withMetricRange(this.filters, column.label, min, max));
    } else {
      const operator = String(data.get('operator') ?? '=') as FilterOperator;
      const value = String(data.get('value') ?? '').trim();
      if (!value) return void (this.problem = `${column.label}: give a value to compare with`);
      if (operator !== '=' && operator !== '!=' && filterNumber(value) === undefined) {
        return void (this.problem = `${column.label} ${OPERATOR_WORDS[operator]}: "${value}" is not a number`);
      }
      this.#change([...this.filters, `${column.id}${operator}${value}`]);
    }
    form.reset();
    this.operator = '=';
  };

  #renderAdd() {
    const column = this.#chosen;
    if (!column) return nothing;
    const metric = column.kind === 'metric';
    const equality = this.operator === '=' || this.operator === '!=';
    return html`<form @submit=${this.#onAdd} aria-label="Add a filter">
      <label class="inline" for="field">Filter by</label>
      <select id="field" class="field" @change=${(e: Event) => (this.field = (e.target as HTMLSelectElement).value)}>
        ${groupOptions('Configuration', this.columns.filter((c) => c.kind === 'config'), column.id)}
        ${groupOptions('Metrics', this.columns.filter((c) => c.kind === 'metric'), column.id)}
      </select>
      ${metric
        ? html`<label class="inline" for="min">from</label><input id="min" name="min" class="number" inputmode="decimal" placeholder="min" autocomplete="off" />
            <label class="inline" for="max">to</label><input id="max" name="max" class="number" inputmode="decimal" placeholder="max" autocomplete="off" />`
        : html`<select name="operator" aria-label="Comparison" .value=${this.operator} @change=${(e: Event) => (this.operator = (e.target as HTMLSelectElement).value as FilterOperator)}>
              ${FILTER_OPERATORS.map((op) => html`<option value=${op} ?selected=${op === this.operator}>${OPERATOR_WORDS[op]}</option>`)}
            </select>
            <input name="value" class="value" aria-label="Value of ${column.label}" placeholder=${equality ? 'value or a|b' : 'number'}
              title=${equality ? 'A value; a|b matches either' : 'A number to compare with'} inputmode=${equality ? 'text' : 'decimal'} autocomplete="off" />`}
      <button type="submit">Add filter</button>
    </form>`;
  }

  override render() {
    const statuses = statusesOf(this.filters);
    return html`
      <div class="bar">
        <fieldset>
          <legend>Status</legend>
          ${RUN_STATUSES.map(
            (status) => html`<button type="button" class="status-toggle ${status}" aria-pressed=${statuses.includes(status) ? 'true' : 'false'}
              @click=${() => this.#toggleStatus(status)}><span aria-hidden="true">${STATUS_SYMBOLS[status]}</span>${status}</button>`,
          )}
        </fieldset>
        <span class="row">
          <label class="inline" for="instance">Instance</label>
          <input id="instance" type="search" placeholder="name or id" .value=${instanceOf(this.filters)} @change=${this.#onInstance} autocomplete="off" />
        </span>
        ${this.#renderAdd()}
      </div>
      ${this.problem ? html`<p class="error-text" role="alert" style="margin: 0">${userText(this.problem)}</p>` : nothing}
      ${this.filters.length
        ? html`<div class="row">
            <ul class="chips" aria-label="Filters in force">
              ${this.filters.map(
                (filter, index) => html`<li class="chip" data-filter=${filter}>
                  <span title=${filter}>${userText(describeFilter(filter))}</span>
                  <button type="button" aria-label="Remove filter ${describeFilter(filter)}" @click=${() => this.#change(this.filters.filter((_, i) => i !== index))}>✕</button>
                </li>`,
              )}
            </ul>
            <button type="button" class="clear" @click=${() => this.#change([])}>Clear filters</button>
          </div>`
        : nothing}
    `;
  }
}

function groupOptions(label: string, columns: RunsColumn[], selected: string) {
  if (!columns.length) return nothing;
  return html`<optgroup label=${label}>${columns.map((c) => html`<option value=${c.id} ?selected=${c.id === selected}>${c.label}</option>`)}</optgroup>`;
}

if (!customElements.get('athanor-runs-filters')) customElements.define('athanor-runs-filters', AthanorRunsFilters);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-runs-filters': AthanorRunsFilters;
  }
}
