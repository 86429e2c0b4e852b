/**
 * How `athanor sweep` follows and ends its runs, the same for a sweep here and one handed
 * to the workbench that holds the database: a line per run as it ends and a progress bar
 * of the whole sweep on a TTY (on stderr with `--json`), then the table of every run, or
 * the one JSON object; the exit code says how the sweep ended.
 */
import { FINISHED_STATUSES, type Instance, type ResultEntry, type Run } from '../records.ts';
import { formatSweepTable } from './sweep-table.ts';
import { TerminalProgress } from './terminal-progress.ts';
import { escapeControls, stringifyForTerminal, terminalColumns } from './terminal-text.ts';
import type { RunCommandIO } from './run-report.ts';

/** What the first Ctrl-C during a sweep says. */
export const CANCEL_SWEEP_MESSAGE = "cancelling the sweep's runs (Ctrl-C again to stop waiting for them)…";

/** What is printed while a sweep's runs go. */
export class SweepFollower {
  readonly out: TerminalProgress;
  readonly #names: ReadonlyMap<string, string>;
  readonly #statuses = new Map<string, Run['status']>();

  /** `runs` and the instances they belong to (by instance id). */
  constructor(io: RunCommandIO, json: boolean, runs: readonly Run[], instances: readonly Instance[]) {
    this.out = new TerminalProgress(json ? io.stderr : io.stdout);
    const names = new Map(instances.map((instance) => [instance.id, instance.name]));
    this.#names = new Map(runs.map((run) => [run.id, names.get(run.instanceId) ?? run.instanceId]));
    for (const run of runs) this.#statuses.set(run.id, run.status);
  }

  /** Says what the sweep runs (once its runs are created and Ctrl-C cancels them). */
  start(sweep: { experiment: string; name: string; grid: Record<string, unknown[]> }): void {
    const fields = Object.entries(sweep.grid).map(([path, values]) => `${values.length} ${path}`).join(' × ');
    const count = this.#statuses.size;
    this.out.line(`sweep "${sweep.name}" of ${sweep.experiment}: ${count} run${count === 1 ? '' : 's'} (${fields})`);
    this.#draw();
  }

  /** A run of the sweep as it is now: a line when it has just ended, and the bar. */
  update(run: Pick<Run, 'id' | 'status' | 'error'>): void {
    const before = this.#statuses.get(run.id);
    if (before === undefined || before === run.status || FINISHED_STATUSES.includes(before)) return;
    this.#statuses.set(run.id, run.status);
    if (FINISHED_STATUSES.includes(run.status)) {
      // The error's first line: a stack belongs to the run's page, not to a line per run.
      this.out.line(`[${run.status}] ${this.#names.get(run.id)}${run.error ? `: ${run.error.split('\n')[0]}` : ''}`);
    }
    this.#draw();
  }

  /** Whether every run has ended. */
  get finished(): boolean {
    return [...this.#statuses.values()].every((status) => FINISHED_STATUSES.includes(status));
  }

  #draw(): void {
    const count = (...statuses: Run['status'][]) => [...this.#statuses.values()].filter((status) => statuses.includes(status)).length;
    const ended = count(...FINISHED_STATUSES);
    const parts = [`${count('running')} running`, `${count('pending')} waiting`];
    if (count('failed', 'cancelled') > 0) parts.push(`${count('failed')} failed`, `${count('cancelled')} cancelled`);
    this.out.progress(ended, this.#statuses.size, parts.join(' · '));
  }

  done(): void {
    this.out.done();
  }
}

/** The latest value of each key that is a number: a run's metrics. */
export function numericMetrics(latest: readonly Pick<ResultEntry, 'key' | 'value'>[]): Record<string, number> {
  return Object.fromEntries(latest.filter((entry) => typeof entry.value === 'number' && Number.isFinite(entry.value)).map((entry) => [entry.key, entry.value as number]));
}

/** One run of a finished sweep with what the report shows of it. */
export interface SweepOutcome {
  run: Run;
  instance: Instance;
  metrics: Record<string, number>;
}

/**
 * Prints the end of a sweep: the table (or with `json` one object `{instances, runs}`).
 * Returns the exit code: 130 when the user cancelled it, 0 when every run completed, else 1.
 */
export function reportSweepEnd(io: RunCommandIO, outcomes: readonly SweepOutcome[], fields: readonly string[], options: { json: boolean; cancelled: boolean }): number {
  if (options.json) {
    const runs = outcomes.map(({ run, instance, metrics }) => ({
      id: run.id,
      instance: instance.name,
      instanceId: instance.id,
      status: run.status,
      error: run.error,
      configuration: run.configuration,
      metrics,
    }));
    io.stdout.write(`${stringifyForTerminal({ instances: outcomes.map((outcome) => outcome.instance), runs })}\n`);
  } else {
    const counts = new Map<string, number>();
    for (const { run } of outcomes) counts.set(run.status, (counts.get(run.status) ?? 0) + 1);
    io.stdout.write(`sweep of ${outcomes.length} run${outcomes.length === 1 ? '' : 's'}: ${[...counts].map(([status, n]) => `${n} ${status}`).join(', ')}\n`);
    const rows = outcomes.map(({ run, instance, metrics }) => ({ instance: instance.name, status: run.status, configuration: run.configuration ?? instance.configuration, metrics }));
    for (const line of formatSweepTable(rows, fields, { columns: terminalColumns(io.stdout) })) io.stdout.write(`${line}\n`);
    for (const { run, instance } of outcomes) {
      if (run.status === 'failed' && run.error) io.stdout.write(`${escapeControls(`failed: ${instance.name}: ${run.error.split('\n')[0]}`)}\n`);
    }
  }
  if (options.cancelled) return 130;
  return outcomes.every(({ run }) => run.status === 'completed') ? 0 : 1;
}
