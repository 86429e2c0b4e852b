/**
 * A run's memory cap. V8's own heap limit is no cap to rely on: near it the garbage
 * collector thrashes for a minute before the process dies (77 s and 4 GB, measured), and
 * Buffers are not counted. So the run host's heap limit is set out of the way and the
 * parent watches the host's resident memory instead, killing it the moment it is over.
 */
import { readFile } from 'node:fs/promises';
import { totalmem } from 'node:os';

const MiB = 1024 * 1024;
/** Page size of /proc/PID/statm on the machines we run on. */
const PAGE_BYTES = 4096;

/**
 * The default cap of one run: half the machine's memory shared by the runs that may
 * execute at once, between 256 MiB and 16 GiB.
 */
export function defaultRunMemoryMb(concurrency: number, machineBytes = totalmem()): number {
  const share = Math.floor(machineBytes / 2 / Math.max(1, concurrency) / MiB);
  return Math.max(256, Math.min(16 * 1024, share));
}

/** The resident memory of a process (MiB), or undefined where /proc cannot tell. */
export async function residentMb(pid: number): Promise<number | undefined> {
  try {
    const statm = await readFile(`/proc/${pid}/statm`, 'utf8');
    const pages = Number(statm.split(' ')[1]);
    return Number.isFinite(pages) ? (pages * PAGE_BYTES) / MiB : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Polls a process' resident memory every `intervalMs` and calls `onExceeded` once when it
 * is above `limitMb`. Returns the function that stops watching.
 */
export function watchMemory(pid: number, limitMb: number, onExceeded: (usedMb: number) => void, intervalMs = 100): () => void {
  let busy = false;
  let stopped = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    const used = await residentMb(pid);
    busy = false;
    if (!stopped && used !== undefined && used > limitMb) {
      stopped = true;
      clearInterval(timer);
      onExceeded(used);
    }
  }, intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
