/**
 * `<athanor-experiment-summary>`: an experiment's definition at a glance — description,
 * file, code version, its fields — and its configuration form, which updates in place when
 * the definition changes (fields that still exist keep their values).
 */
import { LitElement, css, html, nothing } from 'lit';
import type { ExperimentInfo } from '../client/api-client.ts';
import { previewValue, shortHash } from '../app/format.ts';
import { theme } from '../styles/theme.ts';
import './athanor-config-form.ts';
import { userName, userText } from './user-text.ts';

interface FieldSchema {
  type?: string;
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, FieldSchema>;
}

/** Every field, a group's after it by their path (`optimizer.learning_rate`), as the form shows them. */
export function flattenFields(properties: Record<string, FieldSchema>, prefix = ''): [string, FieldSchema][] {
  return Object.entries(properties).flatMap(([name, field]): [string, FieldSchema][] => [
    [`${prefix}${name}`, field],
    ...(field.type === 'object' && field.properties ? flattenFields(field.properties, `${prefix}${name}.`) : []),
  ]);
}

/** `integer 1–100`, `string (small | large)`, `list ≤ 5`: a field's type and bounds in a few words. */
export function describeField(field: FieldSchema): string {
  const type = field.type === 'array' ? 'list' : field.type === 'object' ? 'group' : field.type === 'number' ? 'float' : (field.type ?? 'any');
  const [low, high] =
    field.type === 'string' ? [field.minLength, field.maxLength] : field.type === 'array' ? [field.minItems, field.maxItems] : [field.minimum, field.maximum];
  let bounds = '';
  if (low !== undefined && high !== undefined) bounds = ` ${low}–${high}`;
  else if (low !== undefined) bounds = ` ≥ ${low}`;
  else if (high !== undefined) bounds = ` ≤ ${high}`;
  const options = Array.isArray(field.enum) ? ` (${field.enum.map((o) => String(o)).join(' | ')})` : '';
  return `${type}${bounds}${options}`;
}

/** A label that only spells its field's name otherwise ("Learning rate" for learning_rate) says nothing more beside it. */
function sameWords(label: string, name: string): boolean {
  const words = (text: string) => text.toLowerCase().replace(/[\s_-]+/g, ' ').trim();
  return words(label) === words(name);
}

/**
 * @prop experiment - the {@link ExperimentInfo} to describe (`GET /api/experiments/:name`)
 */
export class AthanorExperimentSummary extends LitElement {
  static override properties = { experiment: { attribute: false } };
  static override styles = [
    theme,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: var(--ath-space-3);
      }
      section {
        display: flex;
        flex-direction: column;
        gap: var(--ath-space-2);
      }
      h3 {
        margin: 0;
      }
      p {
        margin: 0;
      }
      dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 2px var(--ath-space-3);
        margin: 0;
        font-size: var(--ath-small);
      }
      dt {
        color: var(--ath-text-muted);
      }
      dd {
        margin: 0;
        min-width: 0;
        overflow-wrap: anywhere;
      }
      .fields td,
      .fields th {
        padding: 3px 6px;
        font-size: var(--ath-small);
      }
      /* Words stay whole (the theme's 'anywhere' on user text let the columns shrink until
         learning_rate and "integer" broke mid-word); a table still too wide scrolls in its box. */
      .fields td bdi {
        overflow-wrap: break-word;
      }
      .table-scroll {
        overflow-x: auto;
      }
    `,
  ];

  declare experiment: ExperimentInfo | undefined;

  constructor() {
    super();
    this.experiment = undefined;
  }

  /** The configuration form (for pages that want its value). */
  get form() {
    return this.renderRoot.querySelector('athanor-config-form') ?? undefined;
  }

  #renderFields(properties: [string, FieldSchema][]) {
    if (properties.length === 0) return html`<p class="muted">No configuration fields.</p>`;
    return html`<div class="table-scroll"><table class="fields">
      <caption class="visually-hidden">Configuration fields</caption>
      <thead><tr><th scope="col">Field</th><th scope="col">Type</th><th scope="col">Default</th></tr></thead>
      <tbody>
        ${properties.map(
          ([name, field]) => html`<tr>
            <td class="name"><code>${userName(name)}</code>${field.title && !sameWords(field.title, name) ? html` <span class="muted">${userText(field.title)}</span>` : nothing}</td>
            <td>${userText(describeField(field))}</td>
            <td><code>${field.default === undefined ? '—' : userText(previewValue(field.default, 40))}</code></td>
          </tr>`,
        )}
      </tbody>
    </table></div>`;
  }

  override render() {
    const info = this.experiment;
    if (!info) return nothing;
    const properties = flattenFields((info.schema?.properties ?? {}) as Record<string, FieldSchema>);
    return html`
      <section aria-labelledby="definition-title">
        <h3 id="definition-title">Definition</h3>
        <!-- Never loaded, it has no description of its own yet (its file may well hold one). -->
        ${info.description ? html`<p>${userText(info.description)}</p>` : info.schema ? html`<p><span class="muted">No description.</span></p>` : nothing}
        <dl>
          <dt>Name</dt><dd><code>${userText(info.name)}</code></dd>
          <dt>File</dt><dd><code>${userText(info.file)}</code></dd>
          <dt>Code version</dt><dd><code title=${info.codeHash ?? ''}>${shortHash(info.codeHash)}</code>${info.error ? html` <span class="muted">(the file now: it does not load)</span>` : nothing}</dd>
        </dl>
        ${info.error && info.schema ? html`<p class="muted">Shown as it last loaded, before the current error.</p>` : nothing}
        ${info.schema ? this.#renderFields(properties) : html`<p class="muted">It has not loaded yet: its description and fields show once it does.</p>`}
      </section>
      ${info.schema
        ? html`<section aria-labelledby="form-title">
            <h3 id="form-title">Configuration form</h3>
            <p class="muted" style="font-size: var(--ath-small)">What a new instance of it asks for; it follows the source as you save.</p>
            <athanor-config-form .schema=${info.schema}></athanor-config-form>
          </section>`
        : nothing}
    `;
  }
}

if (!customElements.get('athanor-experiment-summary')) customElements.define('athanor-experiment-summary', AthanorExperimentSummary);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-experiment-summary': AthanorExperimentSummary;
  }
}
