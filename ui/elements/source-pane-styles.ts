/** The source pane's layout: list | editor | definition and instances; stacked on narrow screens. */
import { css } from 'lit';

export const sourcePaneStyles = css`
  :host {
    display: block;
    background: var(--ath-bg);
  }
  .layout {
    display: grid;
    grid-template-columns: minmax(180px, 220px) minmax(0, 1fr) minmax(280px, 360px);
    grid-template-areas: 'list source side';
    min-height: calc(100vh - 44px);
  }
  .list {
    grid-area: list;
    padding: var(--ath-space-3);
    border-right: 1px solid var(--ath-border);
    background: var(--ath-bg-subtle);
    overflow: auto;
  }
  .source {
    grid-area: source;
    display: flex;
    flex-direction: column;
    gap: var(--ath-space-2);
    padding: var(--ath-space-3);
    min-width: 0;
  }
  .side {
    grid-area: side;
    display: flex;
    flex-direction: column;
    gap: var(--ath-space-4);
    padding: var(--ath-space-3);
    border-left: 1px solid var(--ath-border);
    overflow: auto;
    /* Beside the editor it scrolls on its own (an experiment's instances page in as it
       does), rather than stretching the page below the editor. */
    position: sticky;
    top: var(--ath-sticky-top, 0);
    align-self: start;
    height: calc(100vh - var(--ath-sticky-top, 0px));
  }
  @media (max-width: 1100px) {
    .layout {
      grid-template-columns: minmax(170px, 200px) minmax(0, 1fr);
      grid-template-areas: 'list source' 'list side';
    }
    .side {
      border-left: none;
      border-top: 1px solid var(--ath-border);
      position: static;
      height: auto;
    }
  }
  @media (max-width: 720px) {
    .layout {
      grid-template-columns: minmax(0, 1fr);
      grid-template-areas: 'list' 'source' 'side';
    }
    .list {
      border-right: none;
      border-bottom: 1px solid var(--ath-border);
    }
    /* The status on a row of its own below the name and buttons: squeezed between them on a
       phone it showed "my_experim / ent was…", or nothing beside '● unsaved'. */
    .toolbar {
      flex-wrap: wrap;
    }
    .toolbar .status {
      order: 1;
      flex-basis: 100%;
      max-width: none;
    }
  }
  athanor-code-editor {
    flex: 1;
    min-height: 420px;
    max-height: calc(100vh - 160px);
  }
  .toolbar {
    display: flex;
    align-items: center;
    gap: var(--ath-space-2);
    min-height: 32px;
  }
  .toolbar h2 {
    margin: 0;
    font-size: 14px;
  }
  .file {
    font-family: var(--ath-mono);
  }
  /* The file's name breaks only where it would not fit whole (the theme's 'anywhere' let the
     toolbar squeeze it to "train / ing.t / s" on a phone); the status gives way instead. */
  .toolbar .file {
    overflow-wrap: break-word;
  }
  .dirty {
    white-space: nowrap;
    color: var(--ath-cancelled);
    font-size: var(--ath-small);
    font-weight: 600;
  }
  /* Two lines before it is cut (the whole text is its title): one cut "my_experiment was
     removed: its file is gone…" before it said what became of the user's text. */
  .status {
    color: var(--ath-text-muted);
    font-size: var(--ath-small);
    overflow: hidden;
    display: -webkit-box;
    -webkit-box-orient: vertical;
    -webkit-line-clamp: 2;
    line-clamp: 2;
    max-width: 48ch;
  }
  .load-error,
  .conflict,
  .refusal {
    display: flex;
    align-items: flex-start;
    gap: var(--ath-space-2);
    margin: 0;
    padding: var(--ath-space-2) var(--ath-space-3);
    border-radius: var(--ath-radius);
    border: 1px solid var(--ath-failed);
    border-left-width: 4px;
    background: color-mix(in srgb, var(--ath-failed) 8%, var(--ath-bg));
  }
  .conflict {
    align-items: center;
    border-color: var(--ath-cancelled);
    background: color-mix(in srgb, var(--ath-cancelled) 10%, var(--ath-bg));
    flex-wrap: wrap;
  }
  .load-error .icon {
    color: var(--ath-failed);
    font-size: 16px;
    line-height: 1.2;
  }
  .load-error .what {
    flex: 1;
    min-width: 0;
  }
  .load-error pre {
    margin: var(--ath-space-1) 0 0;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .load-error p {
    margin: var(--ath-space-1) 0 0;
  }
  .placeholder {
    padding: var(--ath-space-6);
  }
`;
