/**
 * The code editor's look: CodeMirror themed with the workbench's custom properties (so it
 * follows light and dark with the rest of the page), and a syntax highlight style per
 * scheme — CodeMirror's default one is made for light backgrounds.
 */
import { EditorView } from '@codemirror/view';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags as t } from '@lezer/highlight';

/** Colours, fonts, the focus ring and the error-line tint, from the theme's tokens. */
export const editorTheme = EditorView.theme({
  '&': {
    height: '100%',
    color: 'var(--ath-text)',
    backgroundColor: 'var(--ath-bg)',
    fontSize: 'var(--ath-small)',
  },
  '&.cm-focused': { outline: '2px solid var(--ath-focus)', outlineOffset: '-2px' },
  '.cm-scroller': { fontFamily: 'var(--ath-mono)', lineHeight: '1.55' },
  '.cm-content': { caretColor: 'var(--ath-text)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--ath-text)' },
  '.cm-gutters': {
    backgroundColor: 'var(--ath-bg-subtle)',
    color: 'var(--ath-text-muted)',
    borderRight: '1px solid var(--ath-border)',
  },
  '.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--ath-accent) 6%, transparent)' },
  '.cm-activeLineGutter': { backgroundColor: 'color-mix(in srgb, var(--ath-accent) 12%, transparent)', color: 'var(--ath-text)' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection': {
    backgroundColor: 'color-mix(in srgb, var(--ath-accent) 28%, transparent) !important',
  },
  '.cm-athanor-error-line': { backgroundColor: 'color-mix(in srgb, var(--ath-failed) 12%, transparent)' },
  '.cm-tooltip': { backgroundColor: 'var(--ath-bg-raised)', color: 'var(--ath-text)', border: '1px solid var(--ath-border)' },
  '.cm-panels': { backgroundColor: 'var(--ath-bg-subtle)', color: 'var(--ath-text)' },
  '.cm-searchMatch': { backgroundColor: 'color-mix(in srgb, var(--ath-warn) 30%, transparent)' },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--ath-failed)' },
});

/** Light: the usual roles, in colours that keep 4.5:1 contrast on the editor's background. */
export const lightHighlight = syntaxHighlighting(
  HighlightStyle.define([
    { tag: t.keyword, color: '#7a1fa2' },
    { tag: [t.propertyName, t.function(t.variableName), t.function(t.propertyName), t.labelName], color: '#1d4fb8' },
    { tag: [t.typeName, t.className, t.namespace, t.annotation, t.modifier, t.self], color: '#7a4d00' },
    { tag: [t.number, t.bool, t.atom, t.null, t.constant(t.name), t.standard(t.name)], color: '#9a3d00' },
    { tag: [t.string, t.special(t.string), t.inserted], color: '#0a6b2c' },
    { tag: [t.regexp, t.escape], color: '#a11d5b' },
    { tag: [t.comment, t.meta], color: '#5b6470', fontStyle: 'italic' },
    { tag: t.invalid, color: '#c92a2a' },
    { tag: t.strong, fontWeight: 'bold' },
    { tag: t.emphasis, fontStyle: 'italic' },
    { tag: t.link, textDecoration: 'underline' },
  ]),
);

/** Dark: the same roles in colours legible on a dark background. */
// No `themeType`: it would wait for a dark editor theme, and the editor's theme is the page's
// custom properties; the code editor switches the two styles itself.
export const darkHighlight = syntaxHighlighting(
  HighlightStyle.define([
    { tag: t.keyword, color: '#c792ea' },
    { tag: [t.name, t.deleted, t.character, t.macroName], color: '#e6e9ee' },
    { tag: [t.propertyName], color: '#82aaff' },
    { tag: [t.function(t.variableName), t.function(t.propertyName), t.labelName], color: '#82aaff' },
    { tag: [t.color, t.constant(t.name), t.standard(t.name)], color: '#f78c6c' },
    { tag: [t.definition(t.name), t.separator], color: '#e6e9ee' },
    { tag: [t.typeName, t.className, t.number, t.changed, t.annotation, t.modifier, t.self, t.namespace], color: '#ffcb6b' },
    { tag: [t.operator, t.operatorKeyword, t.url, t.escape, t.regexp, t.link, t.special(t.string)], color: '#89ddff' },
    { tag: [t.meta, t.comment], color: '#8b949e', fontStyle: 'italic' },
    { tag: t.strong, fontWeight: 'bold' },
    { tag: t.emphasis, fontStyle: 'italic' },
    { tag: t.link, textDecoration: 'underline' },
    { tag: t.heading, fontWeight: 'bold', color: '#82aaff' },
    { tag: [t.atom, t.bool, t.special(t.variableName)], color: '#f78c6c' },
    { tag: [t.processingInstruction, t.string, t.inserted], color: '#c3e88d' },
    { tag: t.invalid, color: '#ff6b6b' },
  ]),
);
