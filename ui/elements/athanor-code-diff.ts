/**
 * `<athanor-code-diff>`: the experiment's file as a run ran it beside the file now, read-only
 * (@codemirror/merge) — side by side, or inline (deleted lines above the new ones) on a
 * narrow screen or on request; unchanged stretches folded until asked for.
 *
 * CodeMirror mounts its styles in the root it is given: inside a shadow root it must be
 * told (`root`), or the views render unstyled (as in `<athanor-code-editor>`).
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { javascript } from '@codemirror/lang-javascript';
import { Chunk, MergeView, unifiedMergeView } from '@codemirror/merge';
import { EditorState, Text, type Extension } from '@codemirror/state';
import { EditorView, lineNumbers } from '@codemirror/view';
import { ApiError, apiClient, type SourceFile } from '../client/api-client.ts';
import { theme } from '../styles/theme.ts';
import { darkHighlight, editorTheme, lightHighlight } from './code-editor-theme.ts';
import { diffTheme } from './code-diff-theme.ts';
import { userText } from './user-text.ts';
import { shortHash } from '../app/format.ts';

/** Side by side, or one column with the deletions inline. */
export type DiffLayout = 'split' | 'unified';

/** One side of a diff given by the page (two runs' snapshots, say): what it is, and its text. */
export interface DiffSide {
  /** What the legend says of this side: `run 1a2b3c4d · baseline`. */
  label: string;
  path: string;
  source: string;
}

/** The two texts compared: the run's (`ran`) and the file's now, or two sides given. */
interface Compared {
  ran: { path: string; source: string; hash: string; label?: string };
  now: SourceFile & { label?: string };
  /** Changed stretches (0: the same text). */
  changes: number;
  /** With no change in the file, the modules it imports when the experiment's code is another version now (one of them changed). */
  importsChanged?: string[];
}

const WIDE = '(min-width: 760px)';
const FOLD = { margin: 3, minSize: 4 } as const;

/**
 * The diff of a run's experiment file with the current one.
 *
 * @attr api - the workbench's API base ('' for this page's origin)
 * @attr run-id - the run whose code is compared (`GET /api/runs/:id/source`, its experiment module)
 * @attr experiment - the experiment whose current source it is compared with (`GET /api/experiments/:name/source`)
 * @attr code-hash - the experiment's code version now, when the page knows it (else it is asked for)
 * @attr layout - `split` (side by side) or `unified`; by default side by side on a wide screen
 * @prop from - with `to`: compare these two texts instead (nothing is read)
 * @prop to - the side shown as the newer one
 */
export class AthanorCodeDiff extends LitElement {
  static override properties = {
    api: {},
    runId: { attribute: 'run-id' },
    experiment: {},
    codeHash: { attribute: 'code-hash' },
    layout: { reflect: true },
    from: { attribute: false },
    to: { attribute: false },
    folded: { state: true },
    compared: { state: true },
    problem: { state: true },
  };
  static override styles = [
    theme,
    css`
      :host {
        display: block;
      }
      .bar {
        margin-bottom: var(--ath-space-2);
      }
      [aria-pressed='true'] {
        border-color: var(--ath-accent);
        background: color-mix(in srgb, var(--ath-accent) 10%, var(--ath-bg-raised));
      }
      .legend {
        font-size: var(--ath-small);
        color: var(--ath-text-muted);
        margin-bottom: var(--ath-space-1);
        gap: var(--ath-space-1) var(--ath-space-4);
      }
      .legend.sides {
        display: grid;
        grid-template-columns: 1fr 1fr;
      }
      .legend .del {
        color: var(--ath-failed);
      }
      .legend .add {
        color: var(--ath-completed);
      }
      .mount {
        border: 1px solid var(--ath-border);
        border-radius: var(--ath-radius);
        overflow: hidden;
        background: var(--ath-bg);
      }
      .mount .cm-mergeView,
      .mount > .cm-editor {
        max-height: min(560px, 75vh);
      }
    `,
  ];

  declare api: string;
  declare runId: string;
  declare experiment: string;
  declare codeHash: string | undefined;
  declare layout: DiffLayout;
  declare from: DiffSide | undefined;
  declare to: DiffSide | undefined;
  declare folded: boolean;
  declare compared: Compared | undefined;
  declare problem: string | undefined;

  #loadToken = 0;
  #view: { destroy(): void } | undefined;
  readonly #dark = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : undefined;

  constructor() {
    super();
    this.api = '';
    this.runId = '';
    this.experiment = '';
    this.layout = typeof matchMedia === 'function' && !matchMedia(WIDE).matches ? 'unified' : 'split';
    this.folded = true;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#dark?.addEventListener('change', this.#remount);
    if (this.hasUpdated) this.#remount(); // reconnected: the old views were destroyed
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#dark?.removeEventListener('change', this.#remount);
    this.#view?.destroy();
    this.#view = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('from') || changed.has('to')) this.#compareGiven();
    else if (changed.has('api') || changed.has('runId') || changed.has('experiment')) void this.#load();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('compared') || changed.has('layout') || changed.has('folded')) this.#remount();
  }

  #compareGiven(): void {
    ++this.#loadToken;
    this.problem = undefined;
    const { from, to } = this;
    if (!from || !to) return void (this.compared = undefined);
    const changes = Chunk.build(Text.of(from.source.split('\n')), Text.of(to.source.split('\n'))).length;
    this.compared = { ran: { path: from.path, source: from.source, hash: '', label: from.label }, now: { file: to.path, source: to.source, label: to.label }, changes };
  }

  async #load(): Promise<void> {
    const token = ++this.#loadToken;
    this.compared = this.problem = undefined;
    if (this.from && this.to) return this.#compareGiven();
    if (!this.runId || !this.experiment) return;
    const client = apiClient(this.api);
    try {
      const [snapshot, now, info] = await Promise.all([
        client.readRunSource(this.runId),
        client.readSource(this.experiment).catch((error: unknown) => {
          if (error instanceof ApiError && error.status === 404) throw new Error(`the experiment "${this.experiment}" is no longer in the experiments folder: there is no current source to compare with`);
          throw error;
        }),
        // Only to tell a change in an import from none: the page showing the run knows it already.
        this.codeHash ? { codeHash: this.codeHash } : client.getExperiment(this.experiment).catch(() => undefined),
      ]);
      if (token !== this.#loadToken) return;
      const entry = snapshot.files.find((f) => f.path === snapshot.entry);
      if (entry?.source === undefined) {
        this.problem = `${snapshot.entry} was not kept${entry?.omitted ? ` (${entry.omitted})` : ''}: there is nothing to compare.`;
        return;
      }
      const changes = Chunk.build(Text.of(entry.source.split('\n')), Text.of(now.source.split('\n'))).length;
      // The same file, another code version: what changed is in what it imports (not shown here).
      const otherVersion = changes === 0 && info?.codeHash && info.codeHash !== snapshot.hash;
      const imports = snapshot.files.filter((file) => file.path !== snapshot.entry).map((file) => file.path);
      this.compared = { ran: { path: entry.path, source: entry.source, hash: snapshot.hash }, now, changes, ...(otherVersion ? { importsChanged: imports } : {}) };
    } catch (error) {
      if (token !== this.#loadToken) return;
      this.problem = `Could not compare: ${(error as Error).message}`;
    }
  }

  /** What both sides share: TypeScript, line numbers, the workbench's look, read-only. */
  #common(label: string): Extension {
    return [
      lineNumbers(),
      javascript({ typescript: true }),
      editorTheme,
      diffTheme,
      this.#dark?.matches ? darkHighlight : lightHighlight,
      EditorState.readOnly.of(true),
      EditorView.contentAttributes.of({ 'aria-label': label, tabindex: '0' }),
    ];
  }

  #remount = (): void => {
    this.#view?.destroy();
    this.#view = undefined;
    const parent = this.renderRoot.querySelector<HTMLElement>('.mount');
    const compared = this.compared;
    if (!parent || !compared || compared.changes === 0 || !this.isConnected) return;
    const root = this.shadowRoot ?? document;
    const ranLabel = compared.ran.label ? `${compared.ran.path}, ${compared.ran.label} (read-only)` : `${compared.ran.path} as this run ran it (read-only)`;
    const nowLabel = compared.now.label ? `${compared.now.file}, ${compared.now.label} (read-only)` : `${compared.now.file} now (read-only)`;
    const collapseUnchanged = this.folded ? FOLD : undefined;
    if (this.layout === 'split') {
      this.#view = new MergeView({
        a: { doc: compared.ran.source, extensions: this.#common(ranLabel) },
        b: { doc: compared.now.source, extensions: this.#common(nowLabel) },
        parent,
        root,
        ...(collapseUnchanged ? { collapseUnchanged } : {}),
      });
    } else {
      this.#view = new EditorView({
        parent,
        root,
        state: EditorState.create({
          doc: compared.now.source,
          extensions: [
            this.#common(`${nowLabel}, with the lines of the other version that differ shown struck out`),
            unifiedMergeView({ original: compared.ran.source, mergeControls: false, ...(collapseUnchanged ? { collapseUnchanged } : {}) }),
          ],
        }),
      });
    }
  };

  #bar(compared: Compared) {
    const pressed = (layout: DiffLayout) => (this.layout === layout ? 'true' : 'false');
    return html`<div class="row bar">
      <span role="status">${compared.changes} ${compared.changes === 1 ? 'change' : 'changes'}</span>
      <span class="spacer"></span>
      <div class="row" role="group" aria-label="Layout">
        <button type="button" aria-pressed=${pressed('split')} @click=${() => (this.layout = 'split')}>Side by side</button>
        <button type="button" aria-pressed=${pressed('unified')} @click=${() => (this.layout = 'unified')}>Inline</button>
      </div>
      <button type="button" aria-pressed=${this.folded ? 'false' : 'true'} @click=${() => (this.folded = !this.folded)}>Show unchanged lines</button>
    </div>`;
  }

  override render() {
    if (this.problem) return html`<p class="muted" role="status">${userText(this.problem)}</p>`;
    const compared = this.compared;
    if (!compared) return this.runId && this.experiment ? html`<p class="muted" role="status">Loading both versions…</p>` : nothing;
    if (compared.changes === 0 && compared.importsChanged) {
      const imports = compared.importsChanged;
      return html`<p role="status">No difference in <code>${userText(compared.now.file)}</code> itself: the code changed since this run
        ${imports.length
          ? html`in ${imports.length === 1 ? 'the module' : 'the modules'} it imports (${imports.map((path, i) => html`${i ? ', ' : ''}<code>${userText(path)}</code>`)}). Compare this run with a newer one to see how.`
          : html`in what it imports.`}</p>`;
    }
    if (compared.changes === 0) {
      return compared.now.label
        ? html`<p role="status">No difference in <code>${userText(compared.now.file)}</code>.</p>`
        : html`<p role="status">No difference: <code>${userText(compared.now.file)}</code> is the same now as when this run ran.</p>`;
    }
    const ran = compared.ran.label
      ? html`<span><span class="del">−</span> ${userText(compared.ran.label)} · <code>${userText(compared.ran.path)}</code></span>`
      : html`<span><span class="del">−</span> This run · <code>${userText(compared.ran.path)}</code> at <code>${shortHash(compared.ran.hash)}</code></span>`;
    const now = compared.now.label
      ? html`<span><span class="add">+</span> ${userText(compared.now.label)} · <code>${userText(compared.now.file)}</code></span>`
      : html`<span><span class="add">+</span> Now · <code>${userText(compared.now.file)}</code></span>`;
    return html`
      ${this.#bar(compared)}
      ${this.layout === 'split' ? html`<div class="sides legend">${ran}${now}</div>` : html`<div class="row legend">${ran}${now}</div>`}
      <div class="mount"></div>
    `;
  }
}

if (!customElements.get('athanor-code-diff')) customElements.define('athanor-code-diff', AthanorCodeDiff);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-code-diff': AthanorCodeDiff;
  }
}
