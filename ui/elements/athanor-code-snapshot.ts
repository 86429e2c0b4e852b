/**
 * `<athanor-code-snapshot>`: code a run kept — the experiment module and its local imports
 * as they were when it ran — each file read-only in the code editor, with a file picker
 * when there are several.
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { ApiError, apiClient, type CodeSnapshot } from '../client/api-client.ts';
import { formatBytes, omittedCode, shortHash } from '../app/format.ts';
import { theme } from '../styles/theme.ts';
import './athanor-code-editor.ts';
import { userText } from './user-text.ts';

/**
 * Kept code, read-only.
 *
 * @attr api - the workbench's API base ('' for this page's origin)
 * @attr run-id - the run whose code to show (`GET /api/runs/:id/source`)
 * @attr code-hash - or the code by its hash (`GET /api/code/:hash`), when there is no `run-id`
 * @attr file - the file shown (a path among the snapshot's); the experiment module by default
 */
export class AthanorCodeSnapshot extends LitElement {
  static override properties = {
    api: {},
    runId: { attribute: 'run-id' },
    codeHash: { attribute: 'code-hash' },
    file: { reflect: true },
    snapshot: { state: true },
    problem: { state: true },
  };
  static override styles = [
    theme,
    css`
      :host {
        display: block;
      }
      .picker {
        margin-bottom: var(--ath-space-2);
      }
      select {
        min-width: 0;
        flex: 1 1 12em;
        max-width: 100%;
        font-family: var(--ath-mono);
        font-size: var(--ath-small);
      }
      .note {
        margin: 0 0 var(--ath-space-2);
        color: var(--ath-cancelled);
      }
      athanor-code-editor {
        height: min(480px, 70vh);
      }
    `,
  ];

  declare api: string;
  declare runId: string;
  declare codeHash: string;
  declare file: string;
  declare snapshot: CodeSnapshot | undefined;
  declare problem: string | undefined;

  #loadToken = 0;

  constructor() {
    super();
    this.api = '';
    this.runId = '';
    this.codeHash = '';
    this.file = '';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('api') || changed.has('runId') || changed.has('codeHash')) void this.#load();
  }

  async #load(): Promise<void> {
    const token = ++this.#loadToken;
    this.snapshot = this.problem = undefined;
    if (!this.runId && !this.codeHash) return;
    const client = apiClient(this.api);
    try {
      const snapshot = await (this.runId ? client.readRunSource(this.runId) : client.readCode(this.codeHash));
      if (token !== this.#loadToken) return;
      this.snapshot = snapshot;
      if (!snapshot.files.some((f) => f.path === this.file)) this.file = snapshot.entry;
    } catch (error) {
      if (token !== this.#loadToken) return;
      this.problem = error instanceof ApiError && error.status === 404 ? error.message : `Could not load the code: ${(error as Error).message}`;
    }
  }

  #picker(snapshot: CodeSnapshot) {
    if (snapshot.files.length < 2) {
      const only = snapshot.files[0];
      return html`<p class="row picker"><code>${userText(only?.path ?? snapshot.entry)}</code><span class="muted">${formatBytes(snapshot.bytes)}</span></p>`;
    }
    return html`<div class="row picker">
      <label for="file">File</label>
      <select id="file" @change=${(e: Event) => (this.file = (e.target as HTMLSelectElement).value)}>
        ${snapshot.files.map(
          (f) => html`<option value=${f.path} ?selected=${f.path === this.file}>
            ${f.path}${f.path === snapshot.entry ? ' (experiment)' : ''}${f.omitted ? ' (not kept)' : ''}
          </option>`,
        )}
      </select>
      <span class="muted">${snapshot.files.length} files · ${formatBytes(snapshot.bytes)}</span>
    </div>`;
  }

  override render() {
    if (this.problem) return html`<p class="muted" role="status">${userText(this.problem)}</p>`;
    const snapshot = this.snapshot;
    if (!snapshot) return this.runId || this.codeHash ? html`<p class="muted" role="status">Loading the code…</p>` : nothing;
    const file = snapshot.files.find((f) => f.path === this.file) ?? snapshot.files[0];
    const label = `${file?.path ?? 'code'} at version ${shortHash(snapshot.hash)} (read-only)`;
    return html`
      ${this.#picker(snapshot)}
      ${snapshot.note ? html`<p class="note" role="note">Some of this code was not kept: ${userText(omittedCode(snapshot.note))}</p>` : nothing}
      ${!file
        ? html`<p class="muted">No files.</p>`
        : file.source === undefined
          ? html`<p class="muted">${file.path} was not kept${file.omitted ? html`: ${userText(file.omitted)}` : ''} (${formatBytes(file.bytes)}).</p>`
          : html`<athanor-code-editor readonly .value=${file.source} label=${label}></athanor-code-editor>`}
    `;
  }
}

if (!customElements.get('athanor-code-snapshot')) customElements.define('athanor-code-snapshot', AthanorCodeSnapshot);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-code-snapshot': AthanorCodeSnapshot;
  }
}
