/**
 * A one-line progress bar on a TTY: log lines print above it, the bar redraws in place.
 * Off a TTY, `progress` prints nothing (the log lines are the record). Lines and progress
 * messages come from the experiment: their control characters are escaped, so the only
 * controls written are the bar's own.
 */
import { escapeControls, terminalColumns } from './terminal-text.ts';

export class TerminalProgress {
  readonly #stream: NodeJS.WriteStream;
  readonly #tty: boolean;
  #bar = '';

  constructor(stream: NodeJS.WriteStream) {
    this.#stream = stream;
    this.#tty = Boolean(stream.isTTY);
  }

  /** Prints a line, keeping the bar below it. */
  line(text: string): void {
    this.lines([text]);
  }

  /** Prints `texts`, a line each, in one write (a run's batch of 500 log lines was 500 writes). */
  lines(texts: readonly string[]): void {
    if (texts.length === 0) return;
    const redraw = this.#tty && this.#bar;
    let out = redraw ? '\r\x1b[2K' : '';
    for (const text of texts) out += `${escapeControls(text)}\n`;
    this.#stream.write(redraw ? out + this.#bar : out);
  }

  progress(current: number, total: number, message?: string): void {
    if (!this.#tty) return;
    const width = 30;
    const ratio = total > 0 ? Math.min(1, Math.max(0, current / total)) : 0;
    const filled = Math.round(ratio * width);
    const text = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${current}/${total}${message ? ` ${escapeControls(message)}` : ''}`;
    this.#bar = text.slice(0, (terminalColumns(this.#stream) ?? 80) - 1);
    this.#stream.write(`\r\x1b[2K${this.#bar}`);
  }

  /** Removes the bar. */
  done(): void {
    if (this.#tty && this.#bar) this.#stream.write('\r\x1b[2K');
    this.#bar = '';
  }
}
