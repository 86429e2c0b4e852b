/**
 * What the new-instance form and the instance editor share: the name and description
 * fields, and where a failed save's error belongs (beside the configuration fields, the
 * name, or the whole form).
 */
import { html, nothing } from 'lit';
import { ApiError } from '../client/api-client.ts';
import type { AthanorConfigForm } from './athanor-config-form.ts';
import { userText } from './user-text.ts';

export interface NameFieldsOptions {
  /** Prefix of the inputs' ids ('' gives `#name` and `#description`). */
  idPrefix: string;
  name: string;
  description: string;
  nameError: string | undefined;
  /** Marks the name required (an asterisk beside its label). */
  required?: boolean;
  /** What the hint under the name says (default: that it is unique among the experiment's instances). */
  nameHint?: string;
  onName(value: string): void;
  onDescription(value: string): void;
}

export function nameFields(o: NameFieldsOptions) {
  const nameId = `${o.idPrefix}name`;
  const descriptionId = `${o.idPrefix}description`;
  return html`<div class="field">
      <label for=${nameId}>Name${o.required ? html`<span class="required" aria-hidden="true"> *</span>` : nothing}</label>
      <input id=${nameId} ?required=${o.required} autocomplete="off" .value=${o.name} aria-invalid=${o.nameError ? 'true' : 'false'}
        aria-describedby=${o.nameError ? `${nameId}-error ${nameId}-hint` : `${nameId}-hint`}
        @input=${(e: Event) => o.onName((e.target as HTMLInputElement).value)} />
      <div class="help muted" id="${nameId}-hint">${o.nameHint ?? "Unique among this experiment's instances"}</div>
      ${o.nameError ? html`<div class="error-text" id="${nameId}-error">${userText(o.nameError)}</div>` : nothing}
    </div>
    <div class="field">
      <label for=${descriptionId}>Description</label>
      <textarea id=${descriptionId} rows="2" .value=${o.description}
        @input=${(e: Event) => o.onDescription((e.target as HTMLTextAreaElement).value)}></textarea>
    </div>`;
}

/**
 * Shows a failed create or save where it belongs: configuration errors beside their
 * fields in `form` (focusing the first), a name the server refused (taken, too long) as
 * the name's error, anything else as the form's. Returns where it went.
 */
export function placeSaveError(error: unknown, form: AthanorConfigForm | null | undefined): { name: string } | { form: string } | { config: true } {
  if (error instanceof ApiError && error.errors.length && form) {
    form.serverErrors = error.errors;
    void form.focusFirstError();
    return { config: true };
  }
  if (error instanceof ApiError && /\bnamed?\b/.test(error.message) && error.status < 500) return { name: error.message };
  return { form: error instanceof Error ? error.message : String(error) };
}
