/**
 * The shared look: design tokens as custom properties on every element's host (so an
 * element embedded in any page brings its own), light and dark from
 * `prefers-color-scheme`, and the few base styles every view uses.
 *
 * User text (names, descriptions, logs, results) may be one unbroken run of thousands of
 * characters. It is shown in a `<bdi>` (`ui/elements/user-text.ts`), which breaks it
 * anywhere: unlike `break-word`, `anywhere` also lets the flex items and table cells
 * holding it shrink to the viewport. Only there: on the whole element, an auto-width
 * table would squeeze its other columns to one letter a line. Elsewhere `break-word`
 * is the safety net.
 */
import { css } from 'lit';

export const theme = css`
  :host {
    color-scheme: light dark;
    --ath-font: ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    --ath-mono: ui-monospace, 'SF Mono', 'Cascadia Code', Menlo, Consolas, monospace;
    --ath-size: 14px;
    --ath-small: 12px;
    --ath-space-1: 4px;
    --ath-space-2: 8px;
    --ath-space-3: 12px;
    --ath-space-4: 16px;
    --ath-space-6: 24px;
    --ath-radius: 6px;
    --ath-bg: #ffffff;
    --ath-bg-subtle: #f6f7f9;
    --ath-bg-raised: #ffffff;
    --ath-border: #d9dde3;
    --ath-text: #1b1f24;
    --ath-text-muted: #5b6470;
    --ath-accent: #3b5bdb;
    --ath-accent-text: #ffffff;
    --ath-focus: #3b5bdb;
    --ath-pending: #6b7280;
    --ath-running: #1d6fd8;
    --ath-completed: #1a7f37;
    --ath-failed: #c92a2a;
    --ath-cancelled: #9a6700;
    --ath-debug: #6b7280;
    --ath-info: #1d6fd8;
    --ath-warn: #9a6700;
    --ath-error: #c92a2a;
    /* Chart lines, one colour per series (athanor-chart.ts cycles them, dashed past 8). */
    --ath-series-1: #3b5bdb;
    --ath-series-2: #d9480f;
    --ath-series-3: #2b8a3e;
    --ath-series-4: #c2255c;
    --ath-series-5: #6741d9;
    --ath-series-6: #0b7285;
    --ath-series-7: #946200;
    --ath-series-8: #862e9c;
    font-family: var(--ath-font);
    font-size: var(--ath-size);
    line-height: 1.45;
    color: var(--ath-text);
    overflow-wrap: break-word;
  }
  bdi {
    overflow-wrap: anywhere;
  }
  /* A name (userName) wraps after its _ and . only: its words stay whole. */
  bdi.name {
    overflow-wrap: break-word;
  }
  /* A key's hint on a button, where there is no keyboard to press it with (a phone). */
  @media (hover: none) and (pointer: coarse) {
    button kbd,
    a.button kbd,
    a kbd {
      display: none;
    }
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --ath-bg: #0f1216;
      --ath-bg-subtle: #171b21;
      --ath-bg-raised: #1d232b;
      --ath-border: #2f3742;
      --ath-text: #e6e9ee;
      --ath-text-muted: #9aa4b2;
      --ath-accent: #7c95ff;
      --ath-accent-text: #0f1216;
      --ath-focus: #9db0ff;
      --ath-pending: #9aa4b2;
      --ath-running: #5aa2ff;
      --ath-completed: #4ac26b;
      --ath-failed: #ff6b6b;
      --ath-cancelled: #e3b341;
      --ath-debug: #9aa4b2;
      --ath-info: #5aa2ff;
      --ath-warn: #e3b341;
      --ath-error: #ff6b6b;
      --ath-series-1: #7c95ff;
      --ath-series-2: #ff922b;
      --ath-series-3: #51cf66;
      --ath-series-4: #f06595;
      --ath-series-5: #b197fc;
      --ath-series-6: #3bc9db;
      --ath-series-7: #fcc419;
      --ath-series-8: #e599f7;
    }
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  :focus-visible {
    outline: 2px solid var(--ath-focus);
    outline-offset: 2px;
  }
  h1,
  h2,
  h3 {
    margin: 0 0 var(--ath-space-3);
    line-height: 1.25;
  }
  h1 {
    font-size: 20px;
  }
  h2 {
    font-size: 16px;
  }
  h3 {
    font-size: 14px;
  }
  a {
    color: var(--ath-accent);
  }
  code,
  pre,
  .mono {
    font-family: var(--ath-mono);
    font-size: var(--ath-small);
  }
  pre {
    white-space: pre-wrap;
  }
  .muted {
    color: var(--ath-text-muted);
  }
  button,
  .button {
    font: inherit;
    display: inline-flex;
    align-items: center;
    gap: var(--ath-space-1);
    padding: 5px 12px;
    border-radius: var(--ath-radius);
    border: 1px solid var(--ath-border);
    background: var(--ath-bg-raised);
    color: var(--ath-text);
    cursor: pointer;
    text-decoration: none;
    white-space: nowrap;
  }
  button:hover:not(:disabled),
  .button:hover {
    border-color: var(--ath-accent);
  }
  button.primary,
  .button.primary {
    background: var(--ath-accent);
    border-color: var(--ath-accent);
    color: var(--ath-accent-text);
  }
  /* Greyed, not faded: a faded primary button in the dark read 2.9 to 1 (its dark text on a dimmed accent). */
  button:disabled,
  button.primary:disabled {
    background: var(--ath-bg-subtle);
    border-color: var(--ath-border);
    color: var(--ath-text-muted);
    cursor: not-allowed;
  }
  button.danger {
    color: var(--ath-failed);
  }
  input,
  select,
  textarea {
    max-width: 100%;
    font: inherit;
    color: var(--ath-text);
    background: var(--ath-bg);
    border: 1px solid var(--ath-border);
    border-radius: var(--ath-radius);
    padding: 5px 8px;
  }
  input[aria-invalid='true'],
  select[aria-invalid='true'],
  textarea[aria-invalid='true'] {
    border-color: var(--ath-failed);
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: left;
    padding: 6px 8px;
    border-bottom: 1px solid var(--ath-border);
    vertical-align: top;
  }
  th {
    font-weight: 600;
    color: var(--ath-text-muted);
    font-size: var(--ath-small);
  }
  .card {
    background: var(--ath-bg-raised);
    border: 1px solid var(--ath-border);
    border-radius: var(--ath-radius);
    padding: var(--ath-space-4);
  }
  .row {
    display: flex;
    align-items: center;
    gap: var(--ath-space-2);
    flex-wrap: wrap;
  }
  .spacer {
    flex: 1;
  }
  .error-text {
    color: var(--ath-failed);
  }
  /* A table wider than a narrow screen scrolls inside its box, never the page sideways. */
  .table-scroll {
    overflow-x: auto;
    max-width: 100%;
  }
  /* A box whose content goes on past its right or bottom edge fades there (scroll-cue.ts marks which). */
  .scroll-cue[data-more] {
    --cue-right: 0px;
    --cue-below: 0px;
    mask-image:
      linear-gradient(to right, #000 calc(100% - var(--cue-right)), transparent),
      linear-gradient(to bottom, #000 calc(100% - var(--cue-below)), transparent);
    mask-composite: intersect;
  }
  .scroll-cue[data-more~='right'] {
    --cue-right: 48px;
  }
  .scroll-cue[data-more~='below'] {
    --cue-below: 40px;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
