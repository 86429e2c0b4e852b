/** The keyboard shortcuts, in one table: what `?` lists and what the app dispatches. */

export interface Shortcut {
  key: string;
  /** Where it works. */
  scope: string;
  action: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { key: 'n', scope: 'Dashboard', action: 'New instance' },
  { key: 'r', scope: 'Instance view', action: 'Start a run' },
  { key: 'g then d', scope: 'Anywhere', action: 'Go to the dashboard' },
  { key: 'g then s', scope: 'Anywhere', action: 'Go to the experiment sources' },
  { key: 'Ctrl/⌘ S', scope: 'Source editor', action: 'Save the source' },
  { key: 'Esc', scope: 'Dialogs', action: 'Close the dialog' },
  { key: '?', scope: 'Anywhere', action: 'Show these shortcuts' },
];

/** Whether a key press is typing into a field (shortcuts leave it alone). */
export function isTyping(event: KeyboardEvent): boolean {
  if (event.ctrlKey || event.metaKey || event.altKey) return true;
  for (const target of event.composedPath()) {
    if (!(target instanceof HTMLElement)) continue;
    if (target.isContentEditable) return true;
    const tag = target.tagName;
    if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return true;
  }
  return false;
}
