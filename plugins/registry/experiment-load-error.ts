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

  constructor(experiment: string, error: ExperimentError) {
    const where = [error.file, error.line, error.column].filter((part) => part !== undefined).join(':');
    super(`experiment "${experiment}" does not load (${where}): ${error.message}`);
    this.code = error.code;
    this.file = error.file;
    this.line = error.line;
    this.column = error.column;
  }
}
