/**
 * `<athanor-runs-columns>`: the runs table's column chooser — a checkbox per column, by
 * group (the run's own, configuration, metrics). It shows `chosen` and asks for a new
 * choice with `athanor-columns-change` (null: every column, as with no choice).
 */
import { LitElement, css, html, nothing } from 'lit';
import { theme } from '../../styles/theme.ts';
import { userText } from '../user-text.ts';
import { REQUIRED_COLUMN, shownColumns, type ColumnKind, type RunsColumn } from './runs-table-columns.ts';

/** Detail of `athanor-columns-change`. */
export interface ColumnsChangeDetail {
  columns: string[] | null;
}

const GROUPS: readonly (readonly [ColumnKind, string])[] = [
  ['run', 'Run'],
  ['config', 'Configuration'],
  ['metric', 'Metrics'],
];

/**
 * @prop columns - every column offered
 * @prop chosen - the ids shown (null: all)
 * @fires athanor-columns-change - `{columns}`: the choice asked for
 */
export class AthanorRunsColumns extends LitElement {
  static override properties = { columns: { attribute: false }, chosen: { attribute: false }, fromLeft: { state: true } };
  static override styles = [
    theme,
    css`
      :host {
        display: inline-block;
        position: relative;
      }
      summary {
        list-style: none;
      }
      summary::-webkit-details-marker {
        display: none;
      }
      .panel {
        position: absolute;
        right: 0;
        left: auto;
        top: calc(100% + 4px);
        z-index: 5;
        width: max-content;
        min-width: 220px;
        max-width: min(420px, calc(100vw - 32px));
        max-height: min(480px, 70vh);
        overflow: auto;
        display: flex;
        flex-direction: column;
        gap: var(--ath-space-2);
        box-shadow: 0 6px 24px rgb(0 0 0 / 0.18);
      }
      /* Opened near the window's left edge (a narrow screen): the panel opens rightwards. */
      .panel.from-left {
        left: 0;
        right: auto;
      }
      fieldset {
        border: none;
        margin: 0;
        padding: 0;
        display: flex;
        flex-direction: column;
        gap: 2px;
      }
      legend {
        padding: 0;
        margin-bottom: 2px;
        font-size: var(--ath-small);
        font-weight: 600;
        color: var(--ath-text-muted);
      }
      label {
        display: flex;
        align-items: center;
        gap: var(--ath-space-2);
        overflow-wrap: anywhere;
      }
      .actions button {
        padding: 2px 8px;
        font-size: var(--ath-small);
      }
    `,
  ];

  declare columns: RunsColumn[];
  declare chosen: string[] | null;
  /** The panel opens rightwards from the button (no room on its left). */
  declare fromLeft: boolean;

  constructor() {
    super();
    this.columns = [];
    this.chosen = null;
    this.fromLeft = false;
  }

  /** Opens the panel towards the side with room for it. */
  #place = (event: Event) => {
    if (!(event.currentTarget as HTMLDetailsElement).open) return;
    const width = this.renderRoot.querySelector<HTMLElement>('.panel')?.offsetWidth ?? 0;
    this.fromLeft = this.getBoundingClientRect().right - width < 8;
  };

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('click', this.#onOutsideClick);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('click', this.#onOutsideClick);
  }

  /** A click elsewhere on the page closes the panel, as menus do. */
  #onOutsideClick = (event: MouseEvent) => {
    const details = this.renderRoot.querySelector('details');
    if (details?.open && !event.composedPath().includes(this)) details.open = false;
  };

  #toggle(id: string, on: boolean): void {
    const shown = shownColumns(this.columns, this.chosen).map((c) => c.id);
    const next = on ? this.columns.map((c) => c.id).filter((c) => c === id || shown.includes(c)) : shown.filter((c) => c !== id);
    this.#change(next.length === this.columns.length ? null : next);
  }

  #change(columns: string[] | null): void {
    this.dispatchEvent(new CustomEvent<ColumnsChangeDetail>('athanor-columns-change', { detail: { columns }, bubbles: true, composed: true }));
  }

  #only(kind: ColumnKind): void {
    this.#change(this.columns.filter((c) => c.kind === 'run' || c.kind === kind).map((c) => c.id));
  }

  override render() {
    const shown = new Set(shownColumns(this.columns, this.chosen).map((c) => c.id));
    // The disclosure's group is named too: the summary names only its button.
    return html`<details aria-label="Columns" @toggle=${this.#place} @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && ((e.currentTarget as HTMLDetailsElement).open = false)}>
      <summary class="button" title="${shown.size} of ${this.columns.length} columns shown">Columns <span class="muted">${shown.size}/${this.columns.length}</span></summary>
      <div class="panel card ${this.fromLeft ? 'from-left' : ''}">
        <div class="row actions">
          <button type="button" @click=${() => this.#change(null)}>All</button>
          <button type="button" @click=${() => this.#only('metric')}>Metrics only</button>
          <button type="button" @click=${() => this.#only('config')}>Configuration only</button>
        </div>
        ${GROUPS.map(([kind, legend]) => {
          const columns = this.columns.filter((c) => c.kind === kind);
          if (!columns.length) return nothing;
          return html`<fieldset>
            <legend>${legend}</legend>
            ${columns.map(
              (c) => html`<label><input type="checkbox" data-column=${c.id} .checked=${shown.has(c.id)} ?disabled=${c.id === REQUIRED_COLUMN}
                @change=${(e: Event) => this.#toggle(c.id, (e.target as HTMLInputElement).checked)} />${userText(c.label)}</label>`,
            )}
          </fieldset>`;
        })}
      </div>
    </details>`;
  }
}

if (!customElements.get('athanor-runs-columns')) customElements.define('athanor-runs-columns', AthanorRunsColumns);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-runs-columns': AthanorRunsColumns;
  }
}
