/**
 * What `athanor sweep` was asked, read into the sweep the API takes (`POST /api/sweeps`):
 * each `--grid field=values` read with the grid parser the UI uses (core/experiment/
 * sweep-grid.ts) for the field's type, `--set` pairs as `athanor run` reads them for the
 * base configuration. Whether the values fit the schema is the sweep's own check (every
 * combination, before anything is created), the same here and in a workbench.
 */
import { parseGridValues, sweepableFields, type JSONSchema } from '../experiment/index.ts';
import { InputError } from '../errors.ts';
import type { NewSweep } from '../records.ts';
import { parseSetOptions } from './set-options.ts';
import { SWEEP_USAGE } from './usage.ts';

export { SWEEP_USAGE } from './usage.ts';

/** What `athanor sweep` was asked. */
export interface SweepRequest {
  experiment: string | undefined;
  /** `field=values` as typed. */
  grids: string[];
  sets: string[];
  name: string | undefined;
  json: boolean;
}

/** The name of a sweep when no `--name` is given. */
export const cliSweepName = () => `sweep ${new Date().toISOString()}`;

/** The grid of `--grid` options, each read for its field's type (an unknown field is the sweep's to name). */
export function parseGridOptions(options: readonly string[], schema: JSONSchema): Record<string, unknown[]> {
  if (options.length === 0) throw new InputError(`which fields should the sweep vary? give at least one --grid field=values: ${SWEEP_USAGE}`);
  const fields = sweepableFields(schema);
  const grid: Record<string, unknown[]> = {};
  for (const raw of options) {
    const eq = raw.indexOf('=');
    const path = raw.slice(0, Math.max(eq, 0)).trim();
    if (eq <= 0 || path === '') throw new InputError(`--grid expects field=values (a list a,b, a range from..to:step or a JSON list), got ${JSON.stringify(raw)}`);
    if (Object.hasOwn(grid, path)) throw new InputError(`--grid ${path} is given twice: list all its values in one --grid`);
    const type = fields.find((field) => field.path === path)?.type;
    const parsed = parseGridValues(raw.slice(eq + 1), type ? { type } : {});
    if (!parsed.ok) throw new InputError(`--grid ${raw}: ${parsed.error}`);
    // defineProperty: a field typed as `__proto__` stays a key, for the sweep to name.
    Object.defineProperty(grid, path, { value: parsed.values, enumerable: true, writable: true, configurable: true });
  }
  return grid;
}

/**
 * Refuses a field given both a --set value and --grid values (or one inside the other:
 * `--set sampling={…}` and `--grid sampling.temperature=…`): the grid would silently win.
 */
function refuseSetAndGrid(sets: readonly string[], grids: readonly string[]): void {
  const keyOf = (raw: string) => raw.slice(0, Math.max(raw.indexOf('='), 0)).trim();
  const within = (a: string, b: string) => a === b || a.startsWith(`${b}.`);
  for (const grid of grids) {
    const set = sets.find((raw) => within(keyOf(raw), keyOf(grid)) || within(keyOf(grid), keyOf(raw)));
    if (set !== undefined) {
      throw new InputError(`--set ${set} and --grid ${grid} both give ${keyOf(grid)}: a swept field takes its values from --grid only; drop the --set`);
    }
  }
}

/** The sweep `request` asks of experiment `experiment` (its JSON Schema `schema`). */
export function sweepFrom(request: SweepRequest, experiment: string, schema: JSONSchema): NewSweep {
  const configuration = parseSetOptions(request.sets, schema);
  const grid = parseGridOptions(request.grids, schema);
  refuseSetAndGrid(request.sets, request.grids);
  return { experiment, name: request.name ?? cliSweepName(), configuration, grid };
}
