/**
 * `<athanor-config-form>`: the configuration form of an experiment, generated from its
 * JSON Schema and validated live with the server's own validator.
 */
import { LitElement, html, nothing } from 'lit';
import { validateConfig, type ConfigError } from '../../core/experiment/config-validator.ts';
import { validatorLoading } from '../client/experiment-validators.ts';
import { theme } from '../styles/theme.ts';
import { configFormStyles } from './config-form/config-form-styles.ts';
import { formStyles } from '../styles/form-styles.ts';
import { renderProperties, UNREADABLE, type FieldHost, type ListAction } from './config-form/config-fields.ts';
import { userText } from './user-text.ts';
import { besideField, capitalise, itemNoun } from './config-form/field-words.ts';
import {
  carryOver,
  defaultOf,
  defaultsFor,
  getAt,
  labelOf,
  parsePath,
  pathId,
  pathText,
  setAt,
  type FieldPath,
  type JSONSchema,
  type PropertySchema,
} from './config-form/config-model.ts';

export type { ConfigError, JSONSchema };

/** The detail of `athanor-config-change`. */
export interface ConfigChangeDetail {
  value: Record<string, unknown>;
  errors: ConfigError[];
  valid: boolean;
}

/**
 * A form for one experiment's configuration: a field per property of `schema` — number
 * inputs with min, max and step, checkboxes, selects for options, text areas for the
 * `textarea`/`multiline`/`code`/`markdown` formats, repeatable rows for lists, fieldsets
 * for groups — filled with the defaults and checked on every edit with `validateConfig`,
 * the code the server runs. Each error shows beside its field once the field was touched
 * (all of them after `validate()`).
 *
 * When `schema` changes (the experiment was edited), fields that still exist keep their
 * values.
 *
 * @property schema - the experiment's configuration JSON Schema
 * @property value - the configuration (missing fields take their defaults)
 * @property serverErrors - errors the server reported (`{path, message}`), shown beside
 *   their fields until edited
 * @fires athanor-config-change - `{value, errors, valid}` after each edit or schema change
 * @fires athanor-config-submit - Enter pressed in a field: the host may submit
 */
export class AthanorConfigForm extends LitElement implements FieldHost {
  static override styles = [theme, formStyles, configFormStyles];

  #schema: JSONSchema | undefined;
  #value: Record<string, unknown> = {};
  #errors: ConfigError[] = [];
  #serverErrors: ConfigError[] = [];
  /** Local problems the validator cannot see (text in a number field), by path. */
  #unreadable = new Map<string, string>();
  #touched = new Set<string>();
  #showAll = false;
  #renderedPaths = new Set<string>();
  #announce = false;

  /** The configuration's JSON Schema. */
  get schema(): JSONSchema | undefined {
    return this.#schema;
  }
  set schema(next: JSONSchema | undefined) {
    const previous = this.#schema;
    if (next === previous) return;
    this.#schema = next;
    if (next) this.#value = previous ? carryOver(previous, next, this.#value) : defaultsFor(next, this.#value);
    this.#unreadable.clear();
    this.#check();
    this.#announce = true;
    this.requestUpdate();
  }

  /** The configuration as the form holds it now (defaults filled in). */
  get value(): Record<string, unknown> {
    return structuredClone(this.#value);
  }
  set value(next: Record<string, unknown> | undefined) {
    this.#value = this.#schema ? defaultsFor(this.#schema, next ?? {}) : structuredClone(next ?? {});
    this.#touched.clear();
    this.#unreadable.clear();
    this.#showAll = false;
    this.#check();
    this.requestUpdate();
  }

  /** The current problems (every one, shown or not). */
  get errors(): ConfigError[] {
    return [...this.#errors, ...this.#serverErrors];
  }

  /** Whether the configuration validates. */
  get valid(): boolean {
    return this.errors.length === 0;
  }

  get serverErrors(): ConfigError[] {
    return this.#serverErrors;
  }
  set serverErrors(errors: ConfigError[]) {
    this.#serverErrors = [...errors];
    this.requestUpdate();
  }

  /** Validates now and shows every error beside its field; returns them. */
  validate(): ConfigError[] {
    this.#check();
    this.#showAll = true;
    this.requestUpdate();
    return this.errors;
  }

  /** Puts the focus on the first field with an error shown (after `validate()`). */
  async focusFirstError(): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }

  #check(): void {
    const local = [...this.#unreadable].map(([path, message]) => ({ path, message }));
    if (!this.#schema) {
      this.#errors = local;
      return;
    }
    const schema = this.#schema;
    const loading = validatorLoading(schema);
    if (loading) {
      // Its precompiled validator is on its way (a few ms): check once it is here.
      this.#errors = local;
      void loading.then(() => {
        if (schema !== this.#schema) return;
        this.#check();
        this.#announce = true;
        this.requestUpdate();
      });
      return;
    }
    const result = validateConfig(schema, this.#value);
    const unreadable = new Set(this.#unreadable.keys());
    // A number field holding text is missing for the validator: keep only our message.
    this.#errors = [...local, ...(result.ok ? [] : result.errors.filter((e) => !unreadable.has(e.path)))];
  }

  // FieldHost: what the field templates call.

  errorsAt(path: FieldPath): string[] {
    const key = pathText(path);
    return [...this.#errors.filter((e) => e.path === key && this.#shown(e)), ...this.#serverErrors.filter((e) => e.path === key)].map(besideField);
  }

  /**
   * Whether an error shows yet: once its field was touched or after `validate()`; at once
   * for a list or group (too few items, say), which nothing is typed into: a problem
   * counted in the host's hint must show somewhere.
   */
  #shown(error: ConfigError): boolean {
    if (this.#showAll || this.#touched.has(error.path)) return true;
    const type = this.#schemaAt(parsePath(error.path))?.type;
    return type === 'array' || type === 'object';
  }

  /** The labels of the fields with a problem, as a reader finds them ("Prompts", "Prompt 2 › text"). */
  problemFields(): string[] {
    const labels = this.errors.map((e) => this.#labelAt(parsePath(e.path)));
    return [...new Set(labels.filter((label) => label !== ''))];
  }

  #labelAt(path: FieldPath): string {
    const parts: string[] = [];
    let schema: PropertySchema | undefined = this.#schema as PropertySchema | undefined;
    let label = '';
    for (const part of path) {
      if (typeof part === 'number') {
        const noun = itemNoun(label, (schema?.items ?? {}) as PropertySchema);
        parts[parts.length - 1] = `${capitalise(noun)} ${part + 1}`;
        schema = schema?.items as PropertySchema | undefined;
      } else {
        schema = schema?.properties?.[part] as PropertySchema | undefined;
        label = schema ? labelOf(part, schema) : part;
        parts.push(label);
      }
    }
    return parts.join(' › ');
  }

  edit(path: FieldPath, next: unknown): void {
    const key = pathText(path);
    if (next === UNREADABLE) {
      this.#unreadable.set(key, `config.${key}: is not a number`);
      next = undefined;
    } else this.#unreadable.delete(key);
    this.#value = setAtRoot(this.#value, path, next);
    this.#touched.add(key);
    this.#serverErrors = this.#serverErrors.filter((e) => e.path !== key);
    this.#changed();
  }

  /**
   * Marks a field left (its errors show from then on). Left for a button being pressed (focus
   * moves to it on mousedown), the errors wait for that click: shown at once, they pushed the
   * button down under the pointer and the click missed it ("+ Add" pressed twice added one).
   */
  touch(path: FieldPath, event?: FocusEvent): void {
    const key = pathText(path);
    if (this.#touched.has(key)) return;
    const mark = () => {
      if (this.#touched.has(key)) return;
      this.#touched.add(key);
      this.requestUpdate();
    };
    const button = event?.relatedTarget;
    if (!(button instanceof HTMLButtonElement)) return mark();
    button.addEventListener('click', () => setTimeout(mark), { once: true });
    setTimeout(mark, 1000); // a press that never became a click
  }

  listAction(path: FieldPath, action: ListAction, index: number): void {
    const items = [...((getAt(this.#value, path) as unknown[] | undefined) ?? [])];
    const schema = this.#schemaAt(path);
    let focusId: string;
    if (action === 'add') {
      const itemSchema = (schema?.items ?? {}) as PropertySchema;
      items.push(itemSchema.type === 'object' ? defaultsFor(itemSchema as JSONSchema, {}) : defaultOf(itemSchema));
      focusId = `${pathId([...path, items.length - 1])}`;
    } else if (action === 'remove') {
      items.splice(index, 1);
      focusId = items.length ? `${pathId([...path, Math.min(index, items.length - 1)])}-remove` : `${pathId(path)}-add`;
    } else {
      const to = action === 'up' ? index - 1 : index + 1;
      if (to < 0 || to >= items.length) return;
      [items[index], items[to]] = [items[to], items[index]];
      focusId = `${pathId([...path, to])}-${action}`;
    }
    this.#value = setAtRoot(this.#value, path, items);
    this.#touched.add(pathText(path));
    this.#changed();
    void this.updateComplete.then(() => this.#focus(focusId, action === 'add'));
  }

  rendered(path: FieldPath): void {
    this.#renderedPaths.add(pathText(path));
  }

  #focus(id: string, firstField: boolean): void {
    const target = this.renderRoot.querySelector<HTMLElement>(`#${id}`);
    if (firstField) return (target?.querySelector<HTMLElement>('input, select, textarea, button') ?? target)?.focus();
    // A row moved to an end: its button there is disabled, so take its neighbour.
    const enabled = (el: Element | null | undefined) => (el && !(el as HTMLButtonElement).disabled ? (el as HTMLElement) : undefined);
    (enabled(target) ?? enabled(target?.parentElement?.querySelector('button:not([disabled])')))?.focus();
  }

  #schemaAt(path: FieldPath): PropertySchema | undefined {
    let schema: PropertySchema | undefined = this.#schema as PropertySchema | undefined;
    for (const part of path) {
      schema = typeof part === 'number' ? (schema?.items as PropertySchema | undefined) : (schema?.properties?.[part] as PropertySchema | undefined);
    }
    return schema;
  }

  #changed(): void {
    this.#check();
    this.#announce = true;
    this.requestUpdate();
  }

  protected override updated(): void {
    if (!this.#announce) return;
    this.#announce = false;
    const detail: ConfigChangeDetail = { value: this.value, errors: this.errors, valid: this.valid };
    this.dispatchEvent(new CustomEvent('athanor-config-change', { detail, bubbles: true, composed: true }));
  }

  #onKeyDown = (event: KeyboardEvent) => {
    const target = event.composedPath()[0] as HTMLElement | undefined;
    if (event.key !== 'Enter' || event.isComposing || !(target instanceof HTMLInputElement)) return;
    if (['checkbox', 'color', 'button'].includes(target.type)) return;
    event.preventDefault();
    this.dispatchEvent(new CustomEvent('athanor-config-submit', { bubbles: true, composed: true }));
  };

  override render() {
    if (!this.#schema) return html`<p class="muted">No configuration schema.</p>`;
    this.#renderedPaths = new Set();
    const fields = renderProperties(this, this.#schema, []);
    const hasFields = Object.keys((this.#schema.properties as object | undefined) ?? {}).length > 0;
    // Read after the fields rendered: errors whose path names no field.
    const shown = this.#errors.filter((e) => this.#shown(e));
    const orphans = [...shown, ...this.#serverErrors].filter((e) => !this.#renderedPaths.has(e.path));
    return html`<div class="form" @keydown=${this.#onKeyDown}>
      ${orphans.length
        ? html`<div class="orphans error-text" role="alert">${orphans.map((e) => html`<div>${userText(e.message)}</div>`)}</div>`
        : nothing}
      ${hasFields ? fields : html`<p class="muted">This experiment has no configuration.</p>`}
    </div>`;
  }
}

function setAtRoot(root: Record<string, unknown>, path: FieldPath, next: unknown): Record<string, unknown> {
  return setAt(root, path, next) as Record<string, unknown>;
}

if (!customElements.get('athanor-config-form')) customElements.define('athanor-config-form', AthanorConfigForm);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-config-form': AthanorConfigForm;
  }
  interface HTMLElementEventMap {
    'athanor-config-change': CustomEvent<ConfigChangeDetail>;
  }
}
