/** The log list's look: dense fixed-height monospace rows (20 px, see LOG_ROW_HEIGHT). */
import { css } from 'lit';
import { theme } from '../styles/theme.ts';

export const logViewStyles = [
  theme,
  css`
    :host {
      display: flex;
      flex-direction: column;
      gap: var(--ath-space-2);
      min-height: 0;
    }
    .toolbar {
      display: flex;
      align-items: center;
      gap: var(--ath-space-2);
      flex-wrap: wrap;
    }
    .levels {
      display: inline-flex;
      gap: 2px;
    }
    .level-toggle {
      padding: 2px 8px;
      font-size: var(--ath-small);
    }
    .level-toggle[aria-pressed='false'] {
      color: var(--ath-text-muted);
      background: transparent;
    }
    .count,
    .follow-state {
      font-size: var(--ath-small);
    }
    .jump {
      padding: 2px 10px;
      font-size: var(--ath-small);
    }
    .scroller {
      position: relative;
      overflow-y: auto;
      overflow-x: hidden;
      height: var(--athanor-log-height, 420px);
      border: 1px solid var(--ath-border);
      border-radius: var(--ath-radius);
      background: var(--ath-bg-subtle);
      contain: strict;
      container-type: inline-size;
      overscroll-behavior: contain;
      overflow-anchor: none;
    }
    .spacer-rows {
      width: 1px;
    }
    .rows {
      position: absolute;
      top: 0;
      left: 0;
      right: 0;
      will-change: transform;
    }
    .line {
      position: absolute;
      top: 0;
      left: 0;
      right: 0;
      display: flex;
      align-items: center;
      gap: var(--ath-space-2);
      height: 20px;
      padding: 0 var(--ath-space-2);
      font-family: var(--ath-mono);
      font-size: var(--ath-small);
      line-height: 20px;
      white-space: nowrap;
      overflow: hidden;
      contain: strict;
    }
    .line[hidden] {
      display: none;
    }
    .line:hover {
      background: var(--ath-bg-raised);
    }
    .seq {
      flex: none;
      width: 7ch;
      text-align: right;
      color: var(--ath-text-muted);
    }
    time {
      flex: none;
      color: var(--ath-text-muted);
    }
    .level {
      flex: none;
      width: 6ch;
      text-transform: uppercase;
      font-weight: 600;
      font-size: 11px;
    }
    .level.debug {
      color: var(--ath-debug);
    }
    .level.info {
      color: var(--ath-info);
    }
    .level.warn {
      color: var(--ath-warn);
    }
    .level.error {
      color: var(--ath-error);
    }
    .level.warn::before {
      content: '▲';
      margin-right: 2px;
    }
    .level.error::before {
      content: '■';
      margin-right: 2px;
    }
    /* A button (it opens the inspector) that looks like the row's text. */
    .message {
      flex: 1;
      min-width: 0;
      display: block;
      height: 100%;
      padding: 0;
      border: 0;
      border-radius: 0;
      background: none;
      color: inherit;
      font: inherit;
      line-height: inherit;
      text-align: start;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .message[aria-expanded='true'] {
      text-decoration: underline;
    }
    .message:focus-visible {
      outline-offset: -2px;
    }
    .meta {
      flex: none;
      max-width: 40%;
      overflow: hidden;
      text-overflow: ellipsis;
      padding: 0 6px;
      height: 17px;
      font-family: var(--ath-mono);
      font-size: 11px;
      color: var(--ath-text-muted);
    }
    .meta .preview {
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .meta .compact {
      display: none;
    }
    /* A narrow list (a phone, a compare column): the message keeps nearly the whole row.
       The clock goes (the number's tooltip and the inspector keep it), the level shows
       as its initial (its colour, and the whole word for screen readers), the chip as {…}. */
    @container (max-width: 560px) {
      .line {
        gap: var(--ath-space-1);
        padding: 0 var(--ath-space-1);
      }
      .line time {
        display: none;
      }
      .seq {
        width: 5ch;
      }
      .level {
        width: 1ch;
        overflow: hidden;
      }
      .level.warn::before,
      .level.error::before {
        content: none;
      }
      .meta {
        padding: 0 4px;
      }
      .meta .preview {
        display: none;
      }
      .meta .compact {
        display: inline;
      }
    }
    .meta[aria-expanded='true'] {
      border-color: var(--ath-accent);
      color: var(--ath-text);
    }
    .loading .seq {
      opacity: 0.5;
    }
    .empty {
      position: absolute;
      top: 0;
      left: var(--ath-space-3);
    }
    .inspector {
      border: 1px solid var(--ath-border);
      border-radius: var(--ath-radius);
      padding: var(--ath-space-2) var(--ath-space-3);
      background: var(--ath-bg-raised);
      max-height: 260px;
      overflow: auto;
    }
    .message-full {
      white-space: pre-wrap;
      word-break: break-word;
      margin: var(--ath-space-1) 0;
    }
  `,
];
