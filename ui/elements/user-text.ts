/**
 * Text that users and experiments wrote (instance names and descriptions, log messages,
 * result keys, labels, error messages), as templates show it.
 *
 * - In a `<bdi>`: right-to-left text (or a stray direction mark) in a name cannot reorder
 *   the words, numbers and punctuation around it ("Started run 3 of <name>.").
 * - Explicit direction controls show as what they are, `[U+202E]`: an override acts even
 *   inside an isolate, so `abc\u202Etxt.exe` would still read "abcexe.txt" — the spoof of a
 *   file name (and of source code: "Trojan Source"). Embeddings, overrides and isolates
 *   (U+202A–U+202E, U+2066–U+2069) are marked; the direction marks (U+200E, U+200F, U+061C),
 *   which reorder nothing by themselves, stay.
 * - `overflow-wrap: anywhere` on `bdi` (in the theme) breaks an unbroken run of thousands of
 *   characters at the viewport's edge rather than widening the page.
 *
 * @example
 * html`<h1>${userText(instance.name)}</h1>`
 * html`<option>${showDirectionControls(experiment.name)}</option>` // text-only places
 */
import { html, type TemplateResult } from 'lit';

const DIRECTION_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** `text` with its explicit direction controls written as visible `[U+202E]` marks. */
export function showDirectionControls(text: string): string {
  return text.replace(DIRECTION_CONTROLS, (char) => `[U+${char.charCodeAt(0).toString(16).toUpperCase()}]`);
}

/** User-provided text for a template: isolated in a `<bdi>`, its direction controls shown. */
export function userText(text: string | number | null | undefined): TemplateResult {
  return html`<bdi>${showDirectionControls(String(text ?? ''))}</bdi>`;
}

/**
 * A name (a field, a key, a dotted path) as {@link userText} shows it, that wraps between its
 * words: after each `_` and `.`, never inside a word (the theme's `bdi.name`). A table or a
 * grid can then narrow its column to the longest word of `optimizer_settings.adam_beta_one`,
 * where the whole name either widened the page or broke mid-word.
 */
export function userName(text: string | number | null | undefined): TemplateResult {
  const parts = showDirectionControls(String(text ?? '')).split(/(?<=[_.])/);
  return html`<bdi class="name">${parts.map((part, i) => (i === 0 ? part : html`<wbr>${part}`))}</bdi>`;
}
