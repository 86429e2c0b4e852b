/**
 * The templates of `<athanor-config-form>`: one per kind of property (number, text,
 * text area, checkbox, select, list of rows, group). They render into the form's own
 * shadow root, so a field's error and description are tied to it by id
 * (`aria-describedby`), and they report edits back through {@link FieldHost}.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import {
  getAt,
  isRequired,
  kindOf,
  labelOf,
  pathId,
  propertiesOf,
  type FieldPath,
  type JSONSchema,
  type PropertySchema,
} from './config-model.ts';
import { showDirectionControls, userText } from '../user-text.ts';
import { capitalise, fieldHint, itemNoun, listHint } from './field-words.ts';

/** A value an input could not read (a number field holding text). */
export const UNREADABLE = Symbol('unreadable');

export type ListAction = 'add' | 'remove' | 'up' | 'down';

/** What the templates need from the form. */
export interface FieldHost {
  readonly value: unknown;
  /** The messages to show beside the field at `path` (already filtered to what is shown). */
  errorsAt(path: FieldPath): string[];
  edit(path: FieldPath, next: unknown): void;
  touch(path: FieldPath, event?: FocusEvent): void;
  listAction(path: FieldPath, action: ListAction, index: number): void;
  /** Each path rendered, so errors that match none are listed apart. */
  rendered(path: FieldPath): void;
}

const describedBy = (id: string, hasHelp: boolean, hasError: boolean) =>
  [hasHelp ? `${id}-help` : '', hasError ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

function errorsBlock(id: string, errors: string[]) {
  return errors.length
    ? html`<div class="field-error error-text" id="${id}-error">${errors.map((e) => html`<div>${userText(e)}</div>`)}</div>`
    : nothing;
}

/** All properties of an object schema at `path`. */
export function renderProperties(host: FieldHost, schema: JSONSchema | undefined, path: FieldPath): TemplateResult {
  return html`${propertiesOf(schema).map(([name, property]) =>
    renderProperty(host, name, property, [...path, name], isRequired(schema, name)),
  )}`;
}

function renderProperty(host: FieldHost, name: string, schema: PropertySchema, path: FieldPath, required: boolean) {
  host.rendered(path);
  const kind = kindOf(schema);
  if (kind === 'group') return renderGroup(host, name, schema, path);
  if (kind === 'list') return renderList(host, name, schema, path);
  return renderField(host, labelOf(name, schema), schema, path, required);
}

function renderGroup(host: FieldHost, name: string, schema: PropertySchema, path: FieldPath) {
  const id = pathId(path);
  const errors = host.errorsAt(path);
  const text = fieldHint(schema);
  return html`<fieldset class="group" id=${id} aria-describedby=${ifDefined(describedBy(id, !!text, errors.length > 0))}>
    <legend>${userText(labelOf(name, schema))}</legend>
    ${text ? html`<div class="help" id="${id}-help">${userText(text)}</div>` : nothing} ${errorsBlock(id, errors)}
    ${renderProperties(host, schema as JSONSchema, path)}
  </fieldset>`;
}

function renderList(host: FieldHost, name: string, schema: PropertySchema, path: FieldPath) {
  const id = pathId(path);
  const label = labelOf(name, schema);
  const items = (getAt(host.value, path) as unknown[] | undefined) ?? [];
  const errors = host.errorsAt(path);
  const text = listHint(schema);
  const noun = itemNoun(label, (schema.items ?? {}) as PropertySchema);
  const full = schema.maxItems !== undefined && items.length >= schema.maxItems;
  return html`<fieldset class="list" id=${id} aria-describedby=${ifDefined(describedBy(id, !!text, errors.length > 0))}>
    <legend>${userText(label)} <span class="count">(${items.length} ${items.length === 1 ? 'item' : 'items'})</span></legend>
    ${text ? html`<div class="help" id="${id}-help">${userText(text)}</div>` : nothing} ${errorsBlock(id, errors)}
    ${items.length
      ? html`<ol class="items">
          ${items.map((_item, index) => renderListItem(host, noun, schema, path, index, items.length))}
        </ol>`
      : html`<p class="empty">No items.</p>`}
    <button type="button" class="add" id="${id}-add" ?disabled=${full} @click=${() => host.listAction(path, 'add', items.length)}>
      + Add ${userText(noun)}
    </button>
  </fieldset>`;
}

function renderListItem(host: FieldHost, noun: string, schema: PropertySchema, path: FieldPath, index: number, count: number) {
  const itemPath = [...path, index];
  const id = pathId(itemPath);
  const itemSchema = (schema.items ?? {}) as PropertySchema;
  const name = `${noun} ${index + 1}`;
  const atMin = schema.minItems !== undefined && count <= schema.minItems;
  const onKeyDown = (event: KeyboardEvent) => {
    if (!event.altKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
    event.preventDefault();
    host.listAction(path, event.key === 'ArrowUp' ? 'up' : 'down', index);
  };
  host.rendered(itemPath);
  const errors = host.errorsAt(itemPath);
  return html`<li>
    <fieldset class="item" id=${id} @keydown=${onKeyDown} aria-describedby=${ifDefined(describedBy(id, false, errors.length > 0))}>
      <legend>${userText(capitalise(name))}</legend>
      <div class="item-body">
        ${errorsBlock(id, errors)}
        ${itemSchema.type === 'object'
          ? renderProperties(host, itemSchema as JSONSchema, itemPath)
          : renderField(host, `Value of ${name}`, itemSchema, itemPath, false)}
      </div>
      <div class="item-actions" role="group" aria-label="${capitalise(name)} actions">
        <button type="button" id="${id}-up" aria-label="Move ${name} up" title="Move up (Alt+↑)" ?disabled=${index === 0}
          @click=${() => host.listAction(path, 'up', index)}>↑</button>
        <button type="button" id="${id}-down" aria-label="Move ${name} down" title="Move down (Alt+↓)" ?disabled=${index === count - 1}
          @click=${() => host.listAction(path, 'down', index)}>↓</button>
        <button type="button" id="${id}-remove" class="danger" aria-label="Remove ${name}" title="Remove" ?disabled=${atMin}
          @click=${() => host.listAction(path, 'remove', index)}>✕</button>
      </div>
    </fieldset>
  </li>`;
}

const INPUT_TYPES: Record<string, string> = { email: 'email', uri: 'url', url: 'url', date: 'date' };

function renderField(host: FieldHost, label: string, schema: PropertySchema, path: FieldPath, required: boolean) {
  const id = pathId(path);
  const kind = kindOf(schema);
  const value = getAt(host.value, path);
  const errors = host.errorsAt(path);
  const text = fieldHint(schema);
  const common = {
    id,
    invalid: errors.length > 0 ? 'true' : 'false',
    describedBy: describedBy(id, !!text, errors.length > 0),
  };
  const labelEl = html`<label for=${id}>${userText(label)}${required ? html`<span class="required" aria-hidden="true"> *</span>` : nothing}</label>`;
  const touch = (event: FocusEvent) => host.touch(path, event);
  if (kind === 'boolean') {
    return html`<div class="field checkbox">
      <input type="checkbox" id=${id} .checked=${live(value === true)} aria-invalid=${common.invalid}
        aria-describedby=${ifDefined(common.describedBy)}
        @change=${(e: Event) => host.edit(path, (e.target as HTMLInputElement).checked)} @blur=${touch} />
      ${labelEl}
      ${text ? html`<div class="help" id="${id}-help">${userText(text)}</div>` : nothing} ${errorsBlock(id, errors)}
    </div>`;
  }
  let control: TemplateResult;
  if (kind === 'select') {
    const options = schema.enum ?? [];
    const index = options.findIndex((option) => option === value);
    control = html`<select id=${id} aria-invalid=${common.invalid} aria-describedby=${ifDefined(common.describedBy)}
      ?required=${required} @blur=${touch}
      @change=${(e: Event) => {
        const chosen = (e.target as HTMLSelectElement).value;
        host.edit(path, chosen === '' ? undefined : options[Number(chosen)]);
      }}>
      ${index === -1 ? html`<option value="" ?selected=${true}>— choose —</option>` : nothing}
      ${options.map((option, i) => html`<option value=${i} ?selected=${i === index}>${showDirectionControls(String(option))}</option>`)}
    </select>`;
  } else if (kind === 'integer' || kind === 'number') {
    const step = schema['x-step']?.step ?? (kind === 'integer' ? 1 : 'any');
    const onInput = (e: Event) => {
      const input = e.target as HTMLInputElement;
      if (input.value === '') host.edit(path, input.validity?.badInput ? UNREADABLE : undefined);
      else host.edit(path, Number.isNaN(Number(input.value)) ? UNREADABLE : Number(input.value));
    };
    control = html`<input type="number" id=${id} inputmode=${kind === 'integer' ? 'numeric' : 'decimal'}
      .value=${live(typeof value === 'number' ? String(value) : '')}
      min=${ifDefined(schema.minimum)} max=${ifDefined(schema.maximum)} step=${step}
      placeholder=${ifDefined(schema.default !== undefined ? String(schema.default) : undefined)}
      ?required=${required} aria-invalid=${common.invalid} aria-describedby=${ifDefined(common.describedBy)}
      @input=${onInput} @blur=${touch} />`;
  } else {
    const hasDefault = schema.default !== undefined;
    const onInput = (e: Event) => {
      const text = (e.target as HTMLInputElement | HTMLTextAreaElement).value;
      host.edit(path, text === '' && !hasDefault ? undefined : text);
    };
    const current = typeof value === 'string' ? value : '';
    if (kind === 'text-area') {
      control = html`<textarea id=${id} rows=${schema.format === 'code' ? 8 : 4}
        class=${schema.format === 'code' ? 'code' : ''} spellcheck=${schema.format === 'code' ? 'false' : 'true'}
        .value=${live(current)} ?required=${required} aria-invalid=${common.invalid}
        aria-describedby=${ifDefined(common.describedBy)} @input=${onInput} @blur=${touch}></textarea>`;
    } else {
      const type = INPUT_TYPES[schema.format ?? ''] ?? 'text';
      control = html`<input type=${type} id=${id} .value=${live(current)} ?required=${required}
        aria-invalid=${common.invalid} aria-describedby=${ifDefined(common.describedBy)} @input=${onInput} @blur=${touch} />`;
      if (schema.format === 'color') {
        const hex = /^#[0-9a-f]{6}$/i.test(current) ? current : '#000000';
        control = html`<span class="color">${control}<input type="color" .value=${live(hex)} aria-label="Pick ${label}"
          @input=${(e: Event) => host.edit(path, (e.target as HTMLInputElement).value)} /></span>`;
      }
    }
  }
  return html`<div class="field">
    ${labelEl} ${control} ${text ? html`<div class="help" id="${id}-help">${userText(text)}</div>` : nothing} ${errorsBlock(id, errors)}
  </div>`;
}

