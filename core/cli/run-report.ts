/**
 * How `athanor run` follows and ends a run, the same for a run here and one handed to
 * the workbench that holds the database: log lines and a progress bar while it runs (on
 * stderr with `--json`), Ctrl-C to cancel, and at the end the status line and the results
 * table, or the one JSON object; the exit code says how it ended.
 */
import type { LogEntry, Run, RunProgress } from '../records.ts';
import { TerminalProgress } from './terminal-progress.ts';
import { formatResultsTable } from './terminal-results.ts';
import { escapeControls, stringifyForTerminal, terminalColumns } from './terminal-text.ts';

/** Exit codes of `athanor run` by the run's final status. */
export const RUN_EXIT_CODES: Readonly<Record<string, number>> = { completed: 0, failed: 1, cancelled: 130 };

export interface RunCommandIO {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** What is printed while a run goes. */
export class RunFollower {
  readonly out: TerminalProgress;

  constructor(io: RunCommandIO, json: boolean) {
    this.out = new TerminalProgress(json ? io.stderr : io.stdout);
  }

  logs(entries: readonly Pick<LogEntry, 'level' | 'message'>[]): void {
    this.out.lines(entries.map((entry) => `[${entry.level}] ${entry.message}`));
  }

  progress(progress: RunProgress): void {
    this.out.progress(progress.current, progress.total, progress.message);
  }

  done(): void {
    this.out.done();
  }
}

/**
 * Ctrl-C and SIGTERM while a run goes: the first calls `cancel` (the run ends `cancelled`),
 * the second `again` (`athanor run` stops waiting for it). Returns what stops listening.
 */
export function onInterrupts(
  out: TerminalProgress,
  cancel: () => void,
  again: { message: string; action: () => void },
  first = 'cancelling the run (Ctrl-C again to stop waiting for it)…',
): () => void {
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts === 1) {
      out.line(first);
      cancel();
    } else {
      out.line(again.message);
      again.action();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/** Prints how `run` ended with its latest results (key → value); returns the exit code. */
export function reportRunEnd(
  io: RunCommandIO,
  run: Pick<Run, 'id' | 'status' | 'error'> & Partial<Pick<Run, 'configuration' | 'codeHash' | 'environment' | 'attempt' | 'retries' | 'retryOf'>>,
  results: Record<string, unknown>,
  json: boolean,
): number {
  if (json) {
    // What the run ran with goes with what it produced (issue 13): enough to reproduce it.
    const { configuration = null, codeHash = null, environment = null, attempt = 1, retries = 0, retryOf = null } = run;
    const record = { runId: run.id, status: run.status, error: run.error, results, configuration, codeHash, environment, attempt, retries, retryOf };
    io.stdout.write(`${stringifyForTerminal(record)}\n`);
  } else {
    // The attempt, when the experiment retries: "(attempt 2 of 3)".
    const attempt = run.retries ? ` (attempt ${run.attempt ?? 1} of ${run.retries + 1})` : '';
    io.stdout.write(`run ${run.id} ${run.status}${attempt}${run.error ? `: ${escapeControls(run.error)}` : ''}\n`);
    for (const line of formatResultsTable(results, { columns: terminalColumns(io.stdout) })) io.stdout.write(`${line}\n`);
  }
  return RUN_EXIT_CODES[run.status] ?? 1;
}
