/**
 * `<athanor-source-pane>`: the experiment source pane — the list of experiments, the
 * selected one's source in a code editor (save with Ctrl/Cmd-S; the workbench reloads it),
 * its load error at its line, and beside it the definition, its configuration form and its
 * instances with their latest runs, all following the source as it changes.
 */
import { LitElement, html, nothing } from 'lit';
import { apiClient, ApiError, type ExperimentInfo } from '../client/api-client.ts';
import { navigate, pageHref } from '../app/navigation.ts';
import { LiveEventsController } from '../state/live-events.ts';
import { theme } from '../styles/theme.ts';
import type { AthanorCodeEditor, EditorDiagnostic, EditorTextDetail } from './athanor-code-editor.ts';
import { sourcePath } from './athanor-experiment-list.ts';
import { sourcePaneStyles } from './source-pane-styles.ts';
import { showDirectionControls, userText } from './user-text.ts';
import './athanor-code-editor.ts';
import './athanor-code-diff.ts';
import './athanor-experiment-list.ts';
import './athanor-experiment-summary.ts';
import './athanor-experiment-instances.ts';

/** Unsaved text of experiments the reader switched away from, by API base and name, with the text it was based on. */
const drafts = new Map<string, { base: string; draft: string }>();

const EMPTY: readonly EditorDiagnostic[] = [];

/** The end of the status saying a removed experiment's file is there again. */
const BACK = ': its file is there again.';

/**
 * The source pane for one experiment (or, without `experiment`, the list alone).
 *
 * @attr api - the workbench's API base ('' for this page's origin)
 * @attr experiment - the experiment's name (route `/source/:name`)
 */
export class AthanorSourcePane extends LitElement {
  static override properties = {
    api: {},
    experiment: {},
    info: { state: true },
    notFound: { state: true },
    loadError: { state: true },
    file: { state: true },
    saved: { state: true },
    draft: { state: true },
    saving: { state: true },
    refusal: { state: true },
    status: { state: true },
    diskText: { state: true },
    diskDiffShown: { state: true },
    diagnostics: { state: true },
  };
  static override styles = [theme, sourcePaneStyles];

  declare api: string;
  declare experiment: string;
  /** The experiment as the workbench knows it (its error included). */
  declare info: ExperimentInfo | undefined;
  declare notFound: boolean;
  declare loadError: string;
  declare file: string;
  /** The text on disk, as last read or written; undefined while loading. */
  declare saved: string | undefined;
  /** The text in the editor. */
  declare draft: string;
  declare saving: boolean;
  /** A save the server refused: its message. */
  declare refusal: string;
  /** What the last action did, for the status line (a live region). */
  declare status: string;
  /** The file changed on disk while the editor held unsaved changes: the disk's text. */
  declare diskText: string | undefined;
  /** The conflict banner shows what differs between the editor's text and the disk's. */
  declare diskDiffShown: boolean;
  declare diagnostics: readonly EditorDiagnostic[];

  #generation = 0;
  /** The status says the experiment's file is gone (until it comes back). */
  #removed = false;
  /** The text being written, so the reload event of our own save is not taken for a change on disk. */
  #writing: string | undefined;

  readonly #live = new LiveEventsController(this, () => ({ api: this.api }), {
    'experiment.changed': ({ experiment }) => this.#onChanged(experiment),
    'experiment.removed': ({ name, file }) => {
      if (name === this.experiment && file === this.file) void this.#onRemoved();
    },
    reset: () => void this.#refresh(),
  });

  constructor() {
    super();
    this.api = '';
    this.experiment = '';
    this.info = undefined;
    this.notFound = false;
    this.loadError = '';
    this.file = '';
    this.saved = undefined;
    this.draft = '';
    this.saving = false;
    this.refusal = '';
    this.status = '';
    this.diskText = undefined;
    this.diskDiffShown = false;
    this.diagnostics = EMPTY;
  }

  /** Whether the editor holds changes not yet saved. */
  get dirty(): boolean {
    return this.saved !== undefined && this.draft !== this.saved;
  }

  get editor(): AthanorCodeEditor | undefined {
    return this.renderRoot.querySelector('athanor-code-editor') ?? undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('keydown', this.#onKeyDown);
    window.addEventListener('beforeunload', this.#onBeforeUnload);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('keydown', this.#onKeyDown);
    window.removeEventListener('beforeunload', this.#onBeforeUnload);
    this.#keepDraft();
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('api')) this.#live.retarget();
    if (changed.has('experiment') || changed.has('api')) {
      const previous = changed.get('experiment') as string | undefined;
      if (previous) this.#keepDraft(previous);
      void this.load();
    }
  }

  /** Loads the experiment and its source (unsaved text left here earlier comes back). */
  async load(): Promise<void> {
    const generation = ++this.#generation;
    Object.assign(this, { info: undefined, notFound: false, loadError: '', saved: undefined, draft: '', refusal: '', status: '', diskText: undefined, diskDiffShown: false });
    this.diagnostics = EMPTY;
    this.#removed = false;
    if (!this.experiment) return;
    const name = this.experiment;
    const api = apiClient(this.api);
    try {
      const [info, source] = await Promise.all([api.getExperiment(name), api.readSource(name)]);
      if (generation !== this.#generation) return;
      this.file = source.file;
      this.saved = source.source;
      const kept = drafts.get(this.#draftKey(name));
      drafts.delete(this.#draftKey(name));
      if (kept && kept.base !== source.source && kept.draft !== source.source) {
        // The file changed while the text was kept: the text comes back, and the same choice as
        // a change seen while editing (dropping it silently lost the user's edits).
        this.saved = kept.base;
        this.draft = kept.draft;
        this.diskText = source.source;
        this.status = 'Your unsaved changes are back; the file changed on disk meanwhile.';
      } else {
        this.draft = kept && kept.base === source.source ? kept.draft : source.source;
        if (this.dirty) this.status = 'Your unsaved changes are back.';
      }
      this.#applyInfo(info);
    } catch (error) {
      if (generation !== this.#generation) return;
      if (error instanceof ApiError && error.status === 404) this.notFound = true;
      else this.loadError = (error as Error).message;
    }
  }

  /** Writes the editor's text; the workbench reloads the experiment and answers with it. */
  async save(): Promise<void> {
    // Unchanged text is saved only to make a removed file again (as the side panel offers).
    if (!this.experiment || this.saved === undefined || this.saving || (!this.dirty && !this.#removed)) return;
    if (this.diskText !== undefined) {
      // Saving now would replace what changed on disk unseen: the user chooses first.
      this.status = 'Not saved: choose Reload or Keep mine.';
      return;
    }
    const text = this.draft;
    const name = this.experiment;
    this.saving = true;
    this.refusal = '';
    this.status = 'Saving…';
    this.#writing = text;
    try {
      // `base`: the server refuses the write if the file changed since (before its event got here).
      // Its file gone (deleted, renamed away), the text makes it again rather than being refused.
      const client = apiClient(this.api);
      const remade = this.#removed;
      const result = remade ? await client.createExperiment(this.file, undefined, text) : await client.writeSource(name, text, this.saved);
      if (name !== this.experiment) return;
      this.#removed = false;
      this.saved = text;
      this.#endConflict();
      this.file = result.file;
      const entry = result.experiment;
      if (entry) this.#applyInfo(entry);
      this.status = entry?.error ? `Saved; it does not load: ${entry.error.message}` : remade ? `Saved: ${result.file} is there again.` : 'Saved and reloaded.';
      if (entry && entry.name !== name) {
        this.status = `Saved; the experiment is now called ${entry.name}.`;
        navigate(this, this.api, sourcePath(entry.name));
      }
    } catch (error) {
      const e = error as ApiError;
      if (e instanceof ApiError && e.code === 'ERR_CONFLICT' && name === this.experiment) {
        // Changed on disk before its event arrived: read it as that event would have (the same choice).
        this.#writing = undefined;
        await this.#checkDisk();
        if (this.diskText !== undefined || !this.dirty) {
          this.status = 'Not saved: choose Reload or Keep mine.';
          return;
        }
      }
      this.refusal = e instanceof ApiError ? `${e.message} (${e.code}, HTTP ${e.status})` : `Could not save: ${(error as Error).message}`;
      this.status = 'Not saved.';
    } finally {
      this.saving = false;
      this.#writing = undefined;
    }
  }

  /** Replaces the editor's text with the file on disk (after "changed on disk"). */
  reloadFromDisk(): void {
    if (this.diskText === undefined) return;
    this.saved = this.draft = this.diskText;
    this.#endConflict();
    this.status = 'Reloaded from disk.';
  }

  /** Keeps the editor's text after "changed on disk": saving will overwrite the file. */
  keepMine(): void {
    if (this.diskText === undefined) return;
    this.saved = this.diskText;
    this.#endConflict();
    this.status = 'Kept your version: saving will replace the file on disk.';
  }

  /** The conflict is over (chosen, or saved): its banner, its diff and any refusal from before go. */
  #endConflict(): void {
    this.diskText = undefined;
    this.diskDiffShown = false;
    this.refusal = '';
  }

  #applyInfo(info: ExperimentInfo): void {
    this.info = info;
    const error = info.error;
    const here = error && error.line !== undefined && error.file === this.file;
    const next: readonly EditorDiagnostic[] = here ? [{ line: error.line!, column: error.column, message: `${error.code}: ${error.message}` }] : EMPTY;
    const same = next.length === this.diagnostics.length && next.every((d, i) => JSON.stringify(d) === JSON.stringify(this.diagnostics[i]));
    if (!same) this.diagnostics = next;
  }

  #onChanged(experiment: ExperimentInfo): void {
    // Opened while there was none of its name (its file gone, a page reloaded meanwhile): here now.
    if (this.notFound && experiment.name === this.experiment) return void this.load();
    if (!this.experiment || this.saved === undefined) return;
    if (experiment.name === this.experiment) {
      if (this.#removed) {
        // Its file is back (restored, or renamed back): the status must not say it is gone.
        this.#removed = false;
        this.refusal = ''; // a save refused while it was gone no longer applies
        this.status = `${this.experiment} is back${BACK}`;
      }
      this.#applyInfo(experiment);
      void this.#checkDisk();
    } else if (experiment.file === this.file && !this.dirty) {
      // Its file now declares another name: follow it.
      navigate(this, this.api, sourcePath(experiment.name));
    }
  }

  async #onRemoved(): Promise<void> {
    const [generation, name] = [this.#generation, this.experiment];
    const list = await apiClient(this.api).listExperiments().catch(() => []);
    if (generation !== this.#generation || name !== this.experiment) return; // another experiment is shown now
    const successor = list.find((e) => e.file === this.file);
    if (successor && successor.name !== this.experiment) {
      if (!this.dirty) navigate(this, this.api, sourcePath(successor.name));
      return;
    }
    if (!successor) {
      this.#removed = true;
      this.info = undefined; // its definition went with its file: not shown as if it were still there
      this.status = `${this.experiment} was removed: its file is gone. Your text stays here until you leave.`;
    }
  }

  /** Reads the file after a reload event: was it changed by someone else? */
  async #checkDisk(): Promise<void> {
    const name = this.experiment;
    const source = await apiClient(this.api).readSource(name).catch(() => undefined);
    if (!source || name !== this.experiment || this.saved === undefined) return;
    const text = source.source;
    if (text === this.saved || text === this.#writing) return;
    if (!this.dirty) {
      this.saved = this.draft = text;
      this.status = 'The file changed on disk: reloaded.';
    } else if (text !== this.draft) {
      this.diskText = text;
      // The banner says what happened now: an earlier action's word ("Reloaded from disk.")
      // would sit beside it. That the file is back (just said) stays.
      if (!this.status.endsWith(BACK)) this.status = '';
    } else {
      this.saved = text;
    }
  }

  async #refresh(): Promise<void> {
    if (!this.experiment || this.saved === undefined) return void this.load();
    const info = await apiClient(this.api).getExperiment(this.experiment).catch(() => undefined);
    if (info) this.#applyInfo(info);
    await this.#checkDisk();
  }

  #draftKey(name: string): string {
    return `${apiClient(this.api).base} ${name}`;
  }

  #keepDraft(name = this.experiment): void {
    if (name && this.saved !== undefined && this.draft !== this.saved) drafts.set(this.#draftKey(name), { base: this.saved, draft: this.draft });
  }

  #onKeyDown = (event: KeyboardEvent) => {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 's') {
      event.preventDefault();
      void this.save();
    }
  };

  #onBeforeUnload = (event: BeforeUnloadEvent) => {
    if (this.dirty) event.preventDefault();
  };

  #renderError() {
    const error = this.info?.error;
    if (!error) return nothing;
    const where = [error.file, error.line, error.column].filter((p) => p !== undefined).join(':');
    const here = error.file === this.file && error.line !== undefined;
    return html`<div class="load-error" role="alert">
      <span class="icon" aria-hidden="true">⚠</span>
      <div class="what">
        <strong>Does not load</strong> <code>${error.code}</code> at <code>${userText(where)}</code>
        <pre>${userText(error.message)}</pre>
        ${error.file !== this.file ? html`<p class="muted">The error is in <code>${userText(error.file)}</code>, which this experiment imports.</p>` : nothing}
      </div>
      ${here ? html`<button type="button" @click=${() => this.editor?.revealLine(error.line!, error.column)}>Go to line ${error.line}</button>` : nothing}
    </div>`;
  }

  #renderEditor() {
    if (this.notFound) {
      return html`<div class="placeholder" role="alert"><h2>Not found</h2><p>There is no experiment called <code>${userText(this.experiment)}</code>. Pick one from the list.</p></div>`;
    }
    if (this.loadError) return html`<p class="error-text" role="alert">Could not load ${userText(this.experiment)}: ${userText(this.loadError)}</p>`;
    if (this.saved === undefined) return html`<p class="muted">Loading ${userText(this.experiment)}…</p>`;
    return html`
      <div class="toolbar">
        <h2 id="source-title"><bdi class="file">${showDirectionControls(this.file)}</bdi></h2>
        ${this.dirty ? html`<span class="dirty" title="Unsaved changes"><span aria-hidden="true">●</span> unsaved</span>` : nothing}
        <span class="spacer"></span>
        <span class="status" role="status" title=${this.status}>${userText(this.status)}</span>
        <a class="button" href=${pageHref(this.api, `/experiments/by-name/${encodeURIComponent(this.experiment)}/runs`)}
          title="Every run of ${this.experiment}, in one table">Runs</a>
        <button type="button" class="primary" ?disabled=${(!this.dirty && !this.#removed) || this.saving} @click=${() => void this.save()}
          aria-keyshortcuts="Control+S Meta+S" title="Save (Ctrl/⌘ S)">${this.saving ? 'Saving…' : 'Save'}</button>
      </div>
      ${this.diskText !== undefined
        ? html`<div class="conflict" role="alert">
            <span><span aria-hidden="true">⚠</span> The file changed on disk while you were editing.</span>
            <button type="button" @click=${() => this.reloadFromDisk()}>Reload from disk</button>
            <button type="button" @click=${() => this.keepMine()}>Keep mine</button>
            <button type="button" aria-expanded=${String(this.diskDiffShown)} aria-controls="disk-diff" @click=${() => (this.diskDiffShown = !this.diskDiffShown)}>
              ${this.diskDiffShown ? 'Hide changes' : 'Show changes'}
            </button>
          </div>
          ${this.diskDiffShown
            ? html`<athanor-code-diff id="disk-diff" layout="unified"
                .from=${{ label: 'your text', path: this.file, source: this.draft }}
                .to=${{ label: 'on disk now', path: this.file, source: this.diskText }}></athanor-code-diff>`
            : nothing}`
        : nothing}
      ${this.refusal ? html`<p class="refusal" role="alert"><span aria-hidden="true">✕</span> Not saved: ${userText(this.refusal)}</p>` : nothing}
      ${this.#renderError()}
      <athanor-code-editor label="Source of ${this.file}" .value=${this.draft} .diagnostics=${this.diagnostics}
        @athanor-editor-input=${(e: CustomEvent<EditorTextDetail>) => (this.draft = e.detail.value)}
        @athanor-editor-save=${() => void this.save()}></athanor-code-editor>
    `;
  }

  override render() {
    const info = this.info;
    return html`<div class="layout">
      <aside class="list" aria-label="Experiments">
        <athanor-experiment-list api=${this.api} selected=${this.experiment}></athanor-experiment-list>
      </aside>
      <section class="source" aria-label=${this.experiment ? `Source of ${this.experiment}` : 'Source'}>
        ${this.experiment
          ? this.#renderEditor()
          : html`<div class="placeholder"><h2>Experiment sources</h2><p class="muted">Pick an experiment to edit its source, or create a new one.</p></div>`}
      </section>
      ${this.experiment && !this.notFound
        ? html`<aside class="side" aria-label="About ${this.experiment}">
            ${info
              ? html`<athanor-experiment-summary .experiment=${info}></athanor-experiment-summary>`
              : this.#removed
                ? html`<p class="muted gone">No definition: the file went with it. Saving the text makes it again.</p>`
                : nothing}
            <!-- Its instances load at once, beside the source and definition, not after them. -->
            <athanor-experiment-instances api=${this.api} experiment=${this.experiment} code-hash=${info?.codeHash ?? ''}></athanor-experiment-instances>
          </aside>`
        : nothing}
    </div>`;
  }
}

if (!customElements.get('athanor-source-pane')) customElements.define('athanor-source-pane', AthanorSourcePane);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-source-pane': AthanorSourcePane;
  }
}
