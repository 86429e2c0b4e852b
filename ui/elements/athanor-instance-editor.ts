/**
 * `<athanor-instance-editor>`: edits an instance's name, description and configuration
 * (the schema form), saving with PATCH.
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { apiClient, type Instance } from '../client/api-client.ts';
import { theme } from '../styles/theme.ts';
import { formStyles } from '../styles/form-styles.ts';
import './athanor-config-form.ts';
import { nameFields, placeSaveError } from './instance-fields.ts';
import { userText } from './user-text.ts';
import type { AthanorConfigForm, ConfigChangeDetail, JSONSchema } from './athanor-config-form.ts';

/**
 * The form that changes an instance. `schema` is the experiment's current configuration
 * schema; without one (the experiment fails to load) only the name and description can
 * change.
 *
 * @attr api - the workbench's API base
 * @property instance - the instance to edit
 * @property schema - the experiment's configuration JSON Schema, if it loads
 * @fires athanor-instance-saved - `{instance}` after a successful save
 * @fires athanor-edit-cancel - the reader cancelled
 */
export class AthanorInstanceEditor extends LitElement {
  static override properties = {
    api: {},
    instance: { attribute: false },
    schema: { attribute: false },
    name: { state: true },
    description: { state: true },
    nameError: { state: true },
    formError: { state: true },
    problemCount: { state: true },
    saving: { state: true },
  };
  static override styles = [
    theme,
    formStyles,
    css`
      :host {
        display: block;
      }
      .field > .error-text {
        font-size: var(--ath-small);
      }
      h3 {
        margin: var(--ath-space-2) 0 0;
      }
      .actions {
        justify-content: flex-end;
      }
      .note {
        margin: var(--ath-space-2) 0 0;
        font-size: var(--ath-small);
      }
    `,
  ];

  declare api: string;
  declare instance: Instance | undefined;
  declare schema: JSONSchema | undefined;
  declare name: string;
  declare description: string;
  declare nameError: string | undefined;
  declare formError: string | undefined;
  declare problemCount: number;
  declare saving: boolean;
  #resetForm = false;

  constructor() {
    super();
    this.api = '';
    this.name = '';
    this.description = '';
    this.problemCount = 0;
    this.saving = false;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('instance') && this.instance) this.reset();
  }

  /** Back to the instance as stored. */
  reset(): void {
    if (!this.instance) return;
    this.name = this.instance.name;
    this.description = this.instance.description ?? '';
    this.nameError = this.formError = undefined;
    // Given to the form after this render (a property binding would give it again on every
    // render whose value object differs, undoing the reader's edits).
    this.#resetForm = true;
    this.requestUpdate();
  }

  protected override updated(): void {
    const form = this.#form;
    if (!this.#resetForm || !form || !this.instance) return;
    this.#resetForm = false;
    form.value = structuredClone(this.instance.configuration);
  }

  get #form(): AthanorConfigForm | null {
    return this.renderRoot?.querySelector('athanor-config-form') ?? null;
  }

  /** Focuses the first field. */
  async focusFirstField(): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('#edit-name')?.focus();
  }

  async #save(event?: Event): Promise<void> {
    event?.preventDefault();
    const instance = this.instance;
    if (!instance || this.saving) return;
    const form = this.#form;
    const errors = form?.validate() ?? [];
    this.nameError = this.name.trim() ? undefined : 'Name is required';
    if (errors.length || this.nameError) {
      if (this.nameError) this.renderRoot.querySelector<HTMLInputElement>('#edit-name')?.focus();
      else await form?.focusFirstError();
      return;
    }
    this.saving = true;
    this.formError = undefined;
    try {
      const updated = await apiClient(this.api).updateInstance(instance.id, {
        name: this.name.trim(),
        description: this.description.trim() || null,
        ...(form && this.schema ? { configuration: form.value } : {}),
      });
      this.dispatchEvent(new CustomEvent('athanor-instance-saved', { detail: { instance: updated }, bubbles: true, composed: true }));
    } catch (error) {
      const placed = placeSaveError(error, form);
      if ('name' in placed) this.nameError = placed.name;
      if ('form' in placed) this.formError = placed.form;
    } finally {
      this.saving = false;
    }
  }

  override render() {
    if (!this.instance) return nothing;
    return html`<form novalidate @submit=${this.#save} aria-label="Edit ${this.instance.name}">
      ${nameFields({
        idPrefix: 'edit-',
        name: this.name,
        description: this.description,
        nameError: this.nameError,
        onName: (value) => ((this.name = value), (this.nameError = undefined)),
        onDescription: (value) => (this.description = value),
      })}
      <h3>Configuration</h3>
      ${this.schema
        ? html`<athanor-config-form .schema=${this.schema}
            @athanor-config-change=${(e: CustomEvent<ConfigChangeDetail>) => (this.problemCount = e.detail.errors.length)}
            @athanor-config-submit=${() => this.#save()}></athanor-config-form>`
        : html`<p class="muted">The experiment does not load, so its configuration cannot be edited now.</p>`}
      ${this.formError ? html`<p class="error-text" role="alert">${userText(this.formError)}</p>` : nothing}
      <p class="muted note" id="edit-history-note">Saving changes future runs only; past runs keep the configuration they ran with.</p>
      <div class="actions row">
        <span class="muted" role="status">${this.problemCount ? `${this.problemCount} configuration ${this.problemCount === 1 ? 'problem' : 'problems'} to fix` : ''}</span>
        <button type="button" @click=${() => this.dispatchEvent(new CustomEvent('athanor-edit-cancel', { bubbles: true, composed: true }))}>
          Cancel
        </button>
        <button type="submit" class="primary" aria-describedby="edit-history-note" ?disabled=${this.saving}>${this.saving ? 'Saving…' : 'Save changes'}</button>
      </div>
    </form>`;
  }
}

if (!customElements.get('athanor-instance-editor')) customElements.define('athanor-instance-editor', AthanorInstanceEditor);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-instance-editor': AthanorInstanceEditor;
  }
}
