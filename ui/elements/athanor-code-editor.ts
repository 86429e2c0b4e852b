/**
 * `<athanor-code-editor>`: a TypeScript editor — CodeMirror 6 (`basicSetup` and
 * `@codemirror/lang-javascript` with TypeScript) in the element's shadow root, themed with
 * the workbench's tokens for light and dark, with load errors shown at their lines.
 *
 * CodeMirror mounts its styles in the root it is given: inside a shadow root it must be
 * told (`EditorView({ root })`), or the editor renders unstyled.
 *
 * Tab indents (like any code editor); Esc then Tab moves focus out of the editor
 * (CodeMirror's tab-focus mode), which the hint under the editor says.
 */
import { LitElement, css, html, type PropertyValues } from 'lit';
import { basicSetup } from 'codemirror';
import { javascript } from '@codemirror/lang-javascript';
import { Compartment, EditorState, Prec, StateEffect, StateField, Annotation, type Extension, type Range } from '@codemirror/state';
import { Decoration, EditorView, keymap, type DecorationSet } from '@codemirror/view';
import { indentWithTab } from '@codemirror/commands';
import { setDiagnostics, lintGutter, type Diagnostic } from '@codemirror/lint';
import { editorTheme, lightHighlight, darkHighlight } from './code-editor-theme.ts';
import { hangingIndent } from './hanging-indent.ts';
import { theme } from '../styles/theme.ts';

/** A problem to show in the editor: a 1-based line (and column), and its message. */
export interface EditorDiagnostic {
  line: number;
  column?: number;
  message: string;
  severity?: 'error' | 'warning';
}

/** Detail of `athanor-editor-input` and `athanor-editor-save`. */
export interface EditorTextDetail {
  value: string;
}

/** Marks changes made by `value` (not by the reader): they send no input event. */
const external = Annotation.define<boolean>();

const setErrorLines = StateEffect.define<number[]>();
const errorLineDecoration = Decoration.line({ class: 'cm-athanor-error-line' });

/** A tint on every line holding an error, mapped through edits until the errors are replaced. */
const errorLines = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(lines, transaction) {
    lines = lines.map(transaction.changes);
    for (const effect of transaction.effects) {
      if (!effect.is(setErrorLines)) continue;
      const doc = transaction.state.doc;
      const ranges: Range<Decoration>[] = [];
      for (const line of [...new Set(effect.value)].sort((a, b) => a - b)) {
        if (line >= 1 && line <= doc.lines) ranges.push(errorLineDecoration.range(doc.line(line).from));
      }
      lines = Decoration.set(ranges);
    }
    return lines;
  },
  provide: (field) => EditorView.decorations.from(field),
});

/** The smallest change turning `from` into `to` (common prefix and suffix kept), so the cursor stays put. */
function minimalChange(from: string, to: string): { from: number; to: number; insert: string } | undefined {
  if (from === to) return undefined;
  let start = 0;
  const max = Math.min(from.length, to.length);
  while (start < max && from.charCodeAt(start) === to.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && from.charCodeAt(from.length - 1 - end) === to.charCodeAt(to.length - 1 - end)) end++;
  return { from: start, to: from.length - end, insert: to.slice(start, to.length - end) };
}

/**
 * A CodeMirror 6 TypeScript editor.
 *
 * @attr label - the editor's accessible name (default "Source code")
 * @prop value - the text; setting it replaces the document (no input event)
 * @prop diagnostics - {@link EditorDiagnostic}s shown at their lines (underline, gutter marker, line tint)
 * @fires athanor-editor-input - `{value}` after every edit by the reader
 * @fires athanor-editor-save - `{value}` on Ctrl/Cmd-S in the editor
 */
export class AthanorCodeEditor extends LitElement {
  static override properties = {
    value: {},
    label: {},
    readonly: { type: Boolean, reflect: true },
    diagnostics: { attribute: false },
  };
  static override styles = [
    theme,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 200px;
        border: 1px solid var(--ath-border);
        border-radius: var(--ath-radius);
        overflow: hidden;
        background: var(--ath-bg);
      }
      .mount {
        flex: 1;
        min-height: 0;
        display: flex;
      }
      .mount > .cm-editor {
        flex: 1;
        min-width: 0;
      }
      .hint {
        margin: 0;
        padding: 2px var(--ath-space-2);
        border-top: 1px solid var(--ath-border);
        background: var(--ath-bg-subtle);
        color: var(--ath-text-muted);
        font-size: var(--ath-small);
      }
      kbd {
        font-family: var(--ath-mono);
        font-size: 11px;
      }
    `,
  ];

  declare value: string;
  declare label: string;
  declare readonly: boolean;
  declare diagnostics: readonly EditorDiagnostic[];

  #view: EditorView | undefined;
  /** The text when the view was destroyed (disconnected), so a reconnect keeps the reader's edits. */
  #kept: string | undefined;
  readonly #readOnly = new Compartment();
  readonly #highlight = new Compartment();
  readonly #attributes = new Compartment();
  /** The text's own line break: CodeMirror reads any as \n and writes \n unless told (a CRLF file saved as LF changed every line). */
  readonly #lineBreak = new Compartment();
  readonly #dark = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : undefined;

  constructor() {
    super();
    this.value = '';
    this.label = 'Source code';
    this.readonly = false;
    this.diagnostics = [];
  }

  /** The editor's current text (the reader's edits included). */
  get text(): string {
    return this.#view ? this.#view.state.sliceDoc() : (this.#kept ?? this.value);
  }

  /** The CodeMirror view, once rendered (for tests and embedding pages). */
  get view(): EditorView | undefined {
    return this.#view;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#dark?.addEventListener('change', this.#onSchemeChange);
    if (this.hasUpdated) this.#createView(); // reconnected: the old view was destroyed
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#dark?.removeEventListener('change', this.#onSchemeChange);
    if (this.#view) this.#kept = this.#view.state.sliceDoc();
    this.#view?.destroy();
    this.#view = undefined;
  }

  /** Moves the cursor to a 1-based line (and column), scrolls it into view and focuses the editor. */
  revealLine(line: number, column = 1): void {
    const view = this.#view;
    if (!view) return;
    const target = view.state.doc.line(Math.min(Math.max(1, line), view.state.doc.lines));
    const pos = Math.min(target.from + Math.max(0, column - 1), target.to);
    view.dispatch({ selection: { anchor: pos }, effects: EditorView.scrollIntoView(pos, { y: 'center' }) });
    view.focus();
  }

  override focus(): void {
    this.#view?.focus();
  }

  protected override firstUpdated(): void {
    this.#createView();
  }

  protected override updated(changed: PropertyValues<this>): void {
    const view = this.#view;
    if (!view) return;
    // The host usually echoes the reader's own edits back through `value`: only a real
    // difference replaces text (and re-places the diagnostics, which otherwise follow edits).
    if (changed.has('value') && lineBreakOf(this.value) !== view.state.lineBreak) view.dispatch({ effects: this.#lineBreak.reconfigure(lineSeparator(this.value)) });
    // Compared as CodeMirror counts positions: a line break is one character, whichever the file's.
    const lineBreak = view.state.lineBreak;
    const change = changed.has('value') ? minimalChange(view.state.doc.sliceString(0, undefined, '\n'), this.value.replaceAll(lineBreak, '\n')) : undefined;
    if (change) view.dispatch({ changes: { ...change, insert: change.insert.replaceAll('\n', lineBreak) }, annotations: [external.of(true)] });
    if (changed.has('readonly')) view.dispatch({ effects: this.#readOnly.reconfigure(EditorState.readOnly.of(this.readonly)) });
    if (changed.has('label')) view.dispatch({ effects: this.#attributes.reconfigure(this.#contentAttributes()) });
    if (changed.has('diagnostics') || change) this.#showDiagnostics();
  }

  override render() {
    // Read-only, Tab is not taken by the editor (CodeMirror's indent refuses): it moves on.
    return html`<div class="mount"></div>
      <p class="hint" id="hint">
        ${this.readonly
          ? 'Read-only'
          : html`<kbd>Tab</kbd> indents · <kbd>Esc</kbd> then <kbd>Tab</kbd> leaves the editor · <kbd>Ctrl/⌘ S</kbd> saves`}
      </p>`;
  }

  #contentAttributes(): Extension {
    // tabindex: the content is focusable anyway (contenteditable); saying so lets checkers
    // see the scrolling region holds something the keyboard reaches.
    return EditorView.contentAttributes.of({ 'aria-label': this.label, 'aria-describedby': 'hint', tabindex: '0' });
  }

  #highlightFor(): Extension {
    return this.#dark?.matches ? darkHighlight : lightHighlight;
  }

  #createView(): void {
    const parent = this.renderRoot.querySelector<HTMLElement>('.mount');
    if (!parent || this.#view) return;
    this.#view = new EditorView({
      parent,
      root: this.shadowRoot ?? document,
      state: EditorState.create({
        doc: this.#kept ?? this.value,
        extensions: [
          this.#lineBreak.of(lineSeparator(this.#kept ?? this.value)),
          Prec.highest(keymap.of([{ key: 'Mod-s', preventDefault: true, run: () => (this.#emit('athanor-editor-save'), true) }])),
          basicSetup,
          keymap.of([indentWithTab]),
          javascript({ typescript: true }),
          // The pane is ~620 px at 1280: long lines wrap rather than scroll a line's start out of view, each at its own indentation.
          EditorView.lineWrapping,
          hangingIndent,
          lintGutter(),
          errorLines,
          editorTheme,
          this.#highlight.of(this.#highlightFor()),
          this.#readOnly.of(EditorState.readOnly.of(this.readonly)),
          this.#attributes.of(this.#contentAttributes()),
          EditorView.updateListener.of((update) => {
            if (update.docChanged && !update.transactions.every((t) => t.annotation(external))) this.#emit('athanor-editor-input');
          }),
        ],
      }),
    });
    this.#kept = undefined;
    this.#showDiagnostics();
  }

  #showDiagnostics(): void {
    const view = this.#view;
    if (!view) return;
    const doc = view.state.doc;
    const diagnostics: Diagnostic[] = [];
    for (const d of this.diagnostics) {
      if (!(d.line >= 1 && d.line <= doc.lines)) continue;
      const line = doc.line(d.line);
      const from = Math.min(line.from + Math.max(0, (d.column ?? 1) - 1), line.to);
      diagnostics.push({ from, to: line.to, severity: d.severity ?? 'error', message: d.message, source: 'load' });
    }
    view.dispatch(setDiagnostics(view.state, diagnostics));
    view.dispatch({ effects: setErrorLines.of(this.diagnostics.map((d) => d.line)) });
  }

  #emit(type: 'athanor-editor-input' | 'athanor-editor-save'): void {
    this.dispatchEvent(new CustomEvent<EditorTextDetail>(type, { detail: { value: this.text }, bubbles: true, composed: true }));
  }

  #onSchemeChange = () => {
    this.#view?.dispatch({ effects: this.#highlight.reconfigure(this.#highlightFor()) });
  };
}

/** `\r\n` for a text whose lines end so (a file from Windows), else `\n`. */
function lineBreakOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** The separator CodeMirror splits and joins `text`'s lines with: its own (the default splits on any, joins with \n). */
function lineSeparator(text: string): Extension {
  return lineBreakOf(text) === '\r\n' ? EditorState.lineSeparator.of('\r\n') : [];
}

if (!customElements.get('athanor-code-editor')) customElements.define('athanor-code-editor', AthanorCodeEditor);

declare global {
  interface HTMLElementTagNameMap {
    'athanor-code-editor': AthanorCodeEditor;
  }
}
