/**
 * `<athanor-json-tree .value=${v}>`: a JSON value, expandable. Objects and arrays open by
 * themselves down to `fold-depth` levels (default 3); deeper ones stay folded behind a
 * "show more" button, which opens that branch for another `fold-depth` levels. Long
 * objects and arrays show their first 50 members, then "show N more".
 */
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { previewValue } from '../app/format.ts';
import { theme } from '../styles/theme.ts';
import { userText } from './user-text.ts';

const CHILDREN_STEP = 50;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Properties: `value` (any JSON value). Attributes: `fold-depth` (levels open by
 * default, 3), `closed` (the value starts closed, one line with a preview; opened, it shows
 * `fold-depth` levels), `label` (the accessible name of the tree).
 */
export class AthanorJsonTree extends LitElement {
  static override properties = {
    value: { attribute: false },
    foldDepth: { attribute: 'fold-depth', type: Number },
    closed: { type: Boolean },
    label: {},
    open: { state: true },
    shown: { state: true },
  };
  static override styles = [
    theme,
    css`
      :host {
        display: block;
        font-family: var(--ath-mono);
        font-size: var(--ath-small);
        line-height: 1.6;
      }
      .children {
        padding-left: 14px;
        border-left: 1px dotted var(--ath-border);
        margin-left: 4px;
      }
      .key {
        color: var(--ath-text-muted);
      }
      .string {
        color: var(--ath-completed);
        word-break: break-word;
      }
      .number {
        color: var(--ath-running);
      }
      .boolean,
      .null {
        color: var(--ath-cancelled);
      }
      button {
        padding: 0 4px;
        font-family: var(--ath-mono);
        font-size: var(--ath-small);
        border: none;
        background: none;
        color: var(--ath-text-muted);
      }
      button.more {
        color: var(--ath-accent);
        text-decoration: underline;
      }
      .summary {
        color: var(--ath-text-muted);
      }
    `,
  ];

  declare value: unknown;
  declare foldDepth: number;
  declare closed: boolean;
  declare label: string;
  /** Branches the reader opened (true) or closed (false), by path. */
  declare open: Map<string, boolean>;
  /** How many members a long branch shows, by path. */
  declare shown: Map<string, number>;

  constructor() {
    super();
    this.value = null;
    this.foldDepth = 3;
    this.closed = false;
    this.label = 'JSON value';
    this.open = new Map();
    this.shown = new Map();
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('value') && changed.get('value') !== undefined) {
      this.open = new Map();
      this.shown = new Map();
    }
  }

  override render() {
    return html`<div role="group" aria-label=${this.label}>${this.#node(this.value as Json, '$', 0, 0)}</div>`;
  }

  #toggle(path: string, open: boolean): void {
    this.open = new Map(this.open).set(path, open);
  }

  #showMore(path: string, count: number): void {
    this.shown = new Map(this.shown).set(path, count + CHILDREN_STEP);
  }

  #primitive(value: Json): TemplateResult {
    if (value === null) return html`<span class="null">null</span>`;
    if (typeof value === 'string') return html`<span class="string">${userText(JSON.stringify(value))}</span>`;
    return html`<span class=${typeof value}>${String(value)}</span>`;
  }

  /** `base`: the depth from which this branch counts its open levels (reset by "show more"). */
  #node(value: Json, path: string, depth: number, base: number, key?: string): TemplateResult {
    const label = key === undefined ? nothing : html`<span class="key">${userText(key)}:</span> `;
    if (value === null || typeof value !== 'object') return html`<div>${label}${this.#primitive(value)}</div>`;
    const isArray = Array.isArray(value);
    const entries: [string, Json][] = isArray ? value.map((v, i) => [String(i), v]) : Object.entries(value);
    const [openSign, closeSign] = isArray ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0) return html`<div>${label}<span class="summary">${openSign}${closeSign}</span></div>`;
    const size = isArray ? `${entries.length} item${entries.length === 1 ? '' : 's'}` : `${entries.length} key${entries.length === 1 ? '' : 's'}`;
    const chosen = this.open.get(path) ?? (path === '$' && this.closed ? false : undefined);
    const folded = depth - base >= this.foldDepth;
    const isOpen = chosen ?? !folded;
    const name = key === undefined ? 'value' : key;
    if (!isOpen) {
      const button = folded && chosen === undefined
        ? html`<button class="more" aria-label="Show more of ${name} (${size})" @click=${() => this.#toggle(path, true)}>show more</button>`
        : html`<button aria-expanded="false" aria-label="Expand ${name} (${size})" @click=${() => this.#toggle(path, true)}>▸</button>`;
      return html`<div>${label}${button}<span class="summary">${userText(previewValue(value, 60))}</span></div>`;
    }
    const limit = this.shown.get(path) ?? CHILDREN_STEP;
    // A branch opened past the fold starts a new run of open levels.
    const childBase = folded ? depth : base;
    return html`<div>
      ${label}<button aria-expanded="true" aria-label="Collapse ${name} (${size})" @click=${() => this.#toggle(path, false)}>▾</button><span class="summary">${openSign} ${size}</span>
      <div class="children">
        ${entries.slice(0, limit).map(([k, v]) => this.#node(v, `${path}.${k}`, depth + 1, childBase, k))}
        ${entries.length > limit
          ? html`<button class="more" @click=${() => this.#showMore(path, limit)}>show ${Math.min(CHILDREN_STEP, entries.length - limit)} more of ${entries.length - limit}</button>`
          : nothing}
      </div>
      <span class="summary">${closeSign}</span>
    </div>`;
  }
}

if (!customElements.get('athanor-json-tree')) customElements.define('athanor-json-tree', AthanorJsonTree);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-json-tree': AthanorJsonTree;
  }
}
