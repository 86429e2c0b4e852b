/**
 * The frame pipe's two ends: a synchronous writer in the child and a line reader in the
 * parent. See ipc-protocol.ts for why the child writes synchronously.
 */
import { writeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { ProtocolError, parseChildFrame, type ChildFrame } from './ipc-protocol.ts';

const NEWLINE = 0x0a;
const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes frames to `fd`, blocking while the reader is behind. A write that fails otherwise
 * (EPIPE: the reader is gone) calls `onReaderGone`, which must not return: a run whose
 * workbench died has nobody to report to, and retrying would spin for ever.
 */
export function createFrameWriter(fd: number, onReaderGone: (error: Error) => never): { write(frame: ChildFrame): void } {
  return {
    write(frame) {
      // JSON never contains a raw newline, so one frame is one line.
      const bytes = Buffer.from(`${JSON.stringify(frame)}\n`);
      let offset = 0;
      while (offset < bytes.length) {
        try {
          offset += writeSync(fd, bytes, offset);
        } catch (error) {
          // A non-blocking pipe says EAGAIN when full: wait a little and retry.
          if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') onReaderGone(error as Error);
          Atomics.wait(sleepCell, 0, 0, 1);
        }
      }
    },
  };
}

export interface FrameReaderOptions {
  onFrame(frame: ChildFrame): void;
  /** A frame that broke the protocol; reading stops. */
  onError(error: ProtocolError): void;
  /** Largest frame accepted (bytes), or a function that tells it (the limit is known once a run is attached). */
  maxFrameBytes?: number | (() => number);
}

/** Reads newline-delimited frames from the child's pipe; `pause`/`resume` apply back-pressure. */
export function createFrameReader(stream: Readable, options: FrameReaderOptions) {
  const limit = options.maxFrameBytes ?? 256 * 1024 * 1024;
  const maxFrameBytes = typeof limit === 'number' ? () => limit : limit;
  const tooLarge = () =>
    new ProtocolError(`a frame is larger than ${maxFrameBytes()} bytes, the limit for one frame (raw writes to the frame pipe are checked too)`);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let failed = false;

  const fail = (error: ProtocolError) => {
    failed = true;
    pending = [];
    stream.destroy();
    options.onError(error);
  };

  const onData = (chunk: Buffer) => {
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1 && !failed; nl = chunk.indexOf(NEWLINE, start)) {
      const piece = chunk.subarray(start, nl);
      if (pendingBytes + piece.length > maxFrameBytes()) return fail(tooLarge());
      const line = pending.length === 0 ? piece.toString() : Buffer.concat([...pending, piece]).toString();
      pending = [];
      pendingBytes = 0;
      start = nl + 1;
      let frame: ChildFrame;
      try {
        frame = parseChildFrame(line);
      } catch (error) {
        fail(error as ProtocolError);
        return;
      }
      options.onFrame(frame);
    }
    if (failed || start >= chunk.length) return;
    pending.push(chunk.subarray(start));
    pendingBytes += chunk.length - start;
    if (pendingBytes > maxFrameBytes()) fail(tooLarge());
  };

  stream.on('data', onData);
  return {
    pause: () => stream.pause(),
    resume: () => stream.resume(),
    get paused() {
      return stream.isPaused();
    },
  };
}
