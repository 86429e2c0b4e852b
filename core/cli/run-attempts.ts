/**
 * `athanor run` follows a run through its retries (`Definition.retries(n)`): when an
 * attempt fails and the workbench made the next one, it says so and follows that one; the
 * command reports the last attempt.
 */
import type { Run } from '../records.ts';
import { escapeControls } from './terminal-text.ts';

/** How long the next attempt of a failed run may take to appear (it is made by whoever ended the run). */
export const RETRY_APPEARS_MS = 5000;

/** The line printed when attempt `failed` gives way to `retry`. */
export function retryLine(failed: Pick<Run, 'attempt' | 'retries' | 'error'>, retry: Pick<Run, 'id' | 'attempt'>): string {
  const why = (failed.error ?? 'failed').split('\n')[0]!;
  return `attempt ${failed.attempt} of ${failed.retries + 1} failed (${escapeControls(why)}); retrying as run ${retry.id} (attempt ${retry.attempt})`;
}

/** Polls `find` for the retry of a failed run until it appears or {@link RETRY_APPEARS_MS} pass. */
export async function awaitRetry<R>(find: () => Promise<R | undefined | null>): Promise<R | undefined> {
  const deadline = Date.now() + RETRY_APPEARS_MS;
  for (;;) {
    const found = await find();
    if (found) return found;
    if (Date.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
