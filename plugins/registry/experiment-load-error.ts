/**
 * The Error `registry.definition(name)` returns for a broken experiment: the service
 * refuses to create runs with it and shows its message; `code`, `file`, `line` and
 * `column` are those of the {@link ExperimentError}.
 */
import type { ExperimentError } from './registry-types.ts';

/** A broken experiment, as an Error. */
export class ExperimentLoadError extends Error {
  override readonly name = 'ExperimentLoadError';
  readonly code: string;
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  /** Where and why, without the experiment's name: `(file:line:column): message`. */
  readonly detail: string;

  constructor(experiment: string, error: ExperimentError) {
    const where = [error.file, error.line, error.column].filter((part) => part !== undefined).join(':');
    const detail = `(${where}): ${error.message}`;
    super(`experiment "${experiment}" does not load ${detail}`);
    this.detail = detail;
    this.code = error.code;
    this.file = error.file;
    this.line = error.line;
    this.column = error.column;
  }
}
