/**
 * The Clone and Delete dialogs of `<athanor-instance-view>`: native modal `<dialog>`s, so
 * Esc closes them and the focus stays inside while open.
 */
import { html, nothing } from 'lit';
import type { Instance } from '../../client/api-client.ts';
import { userText } from '../user-text.ts';

export interface CloneDialogOptions {
  instance: Instance;
  busy: boolean;
  error: string | undefined;
  onClone(name: string): void;
}

export function cloneDialog({ instance, busy, error, onClone }: CloneDialogOptions) {
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    onClone((form.elements.namedItem('clone-name') as HTMLInputElement).value);
  };
  const close = (event: Event) => ((event.target as HTMLElement).closest('dialog') as HTMLDialogElement).close();
  return html`<dialog id="clone-dialog" aria-labelledby="clone-title">
    <form novalidate @submit=${submit}>
      <h2 id="clone-title">Clone ${userText(instance.name)}</h2>
      <p class="muted">A new instance of <code>${userText(instance.experiment)}</code> with the same configuration.</p>
      <label for="clone-name">Name of the copy</label>
      <input id="clone-name" name="clone-name" autocomplete="off" autofocus .value=${`${instance.name} (copy)`}
        aria-invalid=${error ? 'true' : 'false'} aria-describedby=${error ? 'clone-error' : nothing} />
      ${error ? html`<p class="error-text" id="clone-error">${userText(error)}</p>` : nothing}
      <div class="row dialog-actions">
        <button type="button" @click=${close}>Cancel</button>
        <button type="submit" class="primary" ?disabled=${busy}>${busy ? 'Cloning…' : 'Clone'}</button>
      </div>
    </form>
  </dialog>`;
}

export interface DeleteDialogOptions {
  instance: Instance;
  busy: boolean;
  error: string | undefined;
  onDelete(): void;
}

export function deleteDialog({ instance, busy, error, onDelete }: DeleteDialogOptions) {
  const runs = instance.runCounts.total;
  const close = (event: Event) => ((event.target as HTMLElement).closest('dialog') as HTMLDialogElement).close();
  return html`<dialog id="delete-dialog" role="alertdialog" aria-labelledby="delete-title" aria-describedby="delete-text">
    <h2 id="delete-title">Delete ${userText(instance.name)}?</h2>
    <p id="delete-text">
      This deletes the instance and its ${runs} ${runs === 1 ? 'run' : 'runs'}, with all their logs and results. It cannot be undone.
    </p>
    ${error ? html`<p class="error-text" role="alert">${userText(error)}</p>` : nothing}
    <div class="row dialog-actions">
      <button type="button" autofocus @click=${close}>Cancel</button>
      <button type="button" class="danger" ?disabled=${busy} @click=${onDelete}>${busy ? 'Deleting…' : 'Delete instance'}</button>
    </div>
  </dialog>`;
}
