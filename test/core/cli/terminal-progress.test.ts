import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TerminalProgress } from '../../../core/cli/terminal-progress.ts';

/** A terminal of `columns` (0: a pty nobody sized), keeping what was written. */
function terminal(columns: number) {
  const written: string[] = [];
  const stream = { isTTY: true, columns, write: (text: string) => (written.push(text), true) } as unknown as NodeJS.WriteStream;
  return { stream, bar: () => written.at(-1)!.replace('\r\x1b[2K', '') };
}

const progress = suite('the progress bar of athanor run');

progress('fits the terminal; a terminal of unknown width (0 columns) gets the whole message', () => {
  const narrow = terminal(30);
  new TerminalProgress(narrow.stream).progress(1, 30, 'epoch 1');
  assert.is(narrow.bar().length, 29);
  const unsized = terminal(0);
  new TerminalProgress(unsized.stream).progress(1, 30, 'epoch 1');
  assert.match(unsized.bar(), / 1\/30 epoch 1$/); // cut to "1/30 epoch " before
});

progress.run();
