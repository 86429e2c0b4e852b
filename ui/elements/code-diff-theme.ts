/**
 * The diff view's look: @codemirror/merge's marks in the workbench's colours (removed in the
 * failure red, added in the success green, collapsed stretches on the subtle ground), so they
 * follow light and dark with the rest of the page instead of the package's fixed ones.
 */
import { EditorView } from '@codemirror/view';

const tint = (token: string, percent: number) => `color-mix(in srgb, var(${token}) ${percent}%, transparent)`;
const underline = (token: string) => `linear-gradient(var(${token}), var(${token})) bottom/100% 2px no-repeat`;

export const diffTheme = EditorView.theme({
  // The run's side (a) and the deletions shown inline: what is no longer there.
  '&.cm-merge-a .cm-changedLine, .cm-deletedChunk': { backgroundColor: tint('--ath-failed', 10) },
  '&.cm-merge-a .cm-changedText, .cm-deletedChunk .cm-deletedText': { background: underline('--ath-failed') },
  // The current side (b), in both layouts: what is new.
  '&.cm-merge-b .cm-changedLine, .cm-inlineChangedLine': { backgroundColor: tint('--ath-completed', 10) },
  '&.cm-merge-b .cm-changedText': { background: underline('--ath-completed') },
  '&.cm-merge-a .cm-changedLineGutter, .cm-deletedLineGutter': { background: 'var(--ath-failed)' },
  '&.cm-merge-b .cm-changedLineGutter': { background: 'var(--ath-completed)' },
  '.cm-deletedChunk': { color: 'var(--ath-text)' },
  '.cm-collapsedLines': {
    color: 'var(--ath-text-muted)',
    background: 'var(--ath-bg-subtle)',
    borderTop: '1px solid var(--ath-border)',
    borderBottom: '1px solid var(--ath-border)',
    fontFamily: 'var(--ath-font)',
  },
  // The package's ⦚ marks are missing from common fonts (they showed as boxes).
  '.cm-collapsedLines:before': { content: '"↕"' },
  '.cm-collapsedLines:after': { content: 'none' },
});
