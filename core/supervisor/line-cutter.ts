/**
 * Splits what a run prints into lines, keeping at most `maxBytes` of each. The rest of a
 * longer line is counted, not kept: a run that prints 300 MB without a newline costs the
 * workbench `maxBytes`, where readline would hold (and then fail to join) all of it.
 */
import { StringDecoder } from 'node:string_decoder';

const NEWLINE = 0x0a;
const RETURN = 0x0d;

/** One printed line: its text (cut on a character boundary) and the bytes of it dropped. */
export interface CutLine {
  text: string;
  droppedBytes: number;
}

export interface LineCutter {
  /** Feeds a chunk of output; complete lines go to `onLine` at once. */
  push(chunk: Buffer): void;
  /** The stream ended: a last line without a newline is emitted too. */
  end(): void;
}

/**
 * @example
 * const cutter = createLineCutter(1024 * 1024, ({ text, droppedBytes }) => store(text, droppedBytes));
 * child.stdout.on('data', (chunk) => cutter.push(chunk)).on('end', () => cutter.end());
 */
export function createLineCutter(maxBytes: number, onLine: (line: CutLine) => void): LineCutter {
  let parts: Buffer[] = [];
  let kept = 0;
  let dropped = 0;
  let open = false;

  const take = (piece: Buffer) => {
    open = true;
    const room = maxBytes - kept;
    if (piece.length <= room) {
      if (piece.length) parts.push(piece);
      kept += piece.length;
      return;
    }
    if (room > 0) parts.push(piece.subarray(0, room));
    kept += Math.max(0, room);
    dropped += piece.length - Math.max(0, room);
  };

  const emit = () => {
    let bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, kept);
    let text: string;
    let droppedBytes = dropped;
    if (dropped > 0) {
      // A fresh decoder keeps back a character cut in half, so a cut line never ends in U+FFFD.
      text = new StringDecoder('utf8').write(bytes);
      droppedBytes += Math.max(0, bytes.length - Buffer.byteLength(text));
    } else {
      if (bytes.length > 0 && bytes[bytes.length - 1] === RETURN) bytes = bytes.subarray(0, -1);
      text = bytes.toString('utf8');
    }
    parts = [];
    kept = 0;
    dropped = 0;
    open = false;
    onLine({ text, droppedBytes });
  };

  return {
    push(chunk) {
      let start = 0;
      for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
        take(chunk.subarray(start, nl));
        emit();
        start = nl + 1;
      }
      if (start < chunk.length) take(chunk.subarray(start));
    },
    end() {
      if (open) emit();
    },
  };
}
