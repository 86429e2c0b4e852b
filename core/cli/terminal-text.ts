/**
 * Text from experiments, on its way to a terminal. A terminal acts on control characters:
 * `\x1b]52;c;…\x07` writes the user's clipboard, `\x1b[2K` and `\r` erase what was printed
 * (hiding a line from the reader), an 8-bit CSI (U+009B) starts a sequence on terminals that
 * honour C1. Everything the CLI prints that did not come from the CLI itself goes through
 * here, so such bytes show as visible text instead of acting.
 */

// C0 controls except newline and tab, DEL, and the C1 controls U+0080–U+009F.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
const C1_AND_DEL = /[\x7f-\x9f]/g;

const hex = (char: string) => char.charCodeAt(0).toString(16).padStart(2, '0');

/**
 * `text` with every C0 control (but newline and tab), DEL and C1 control written as `\xHH`.
 *
 * @example
 * escapeControls('clip \x1b]52;c;eA==\x07') // 'clip \\x1b]52;c;eA==\\x07'
 */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (char) => `\\x${hex(char)}`);
}

/**
 * `JSON.stringify(value)` with no raw control left: JSON.stringify already escapes C0
 * controls inside strings but leaves DEL and C1 as they are; they become `\u00HH`, which
 * parses back to the same value.
 */
export function stringifyForTerminal(value: unknown): string {
  return JSON.stringify(value).replace(C1_AND_DEL, (char) => `\\u00${hex(char)}`);
}

/**
 * The terminal's width, or undefined where it is not known: off a TTY, and on a TTY that
 * says 0 columns (a pty nobody sized), where a bar cut to 0 - 1 characters lost its message.
 */
export function terminalColumns(stream: { isTTY?: boolean; columns?: number }): number | undefined {
  return stream.isTTY && stream.columns ? stream.columns : undefined;
}
