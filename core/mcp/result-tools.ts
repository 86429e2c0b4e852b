/**
 * Results, comparisons and sweeps as tools, bounded for an agent's context: the latest
 * value per key (an overview), one key's values a page at a time, a numeric series
 * downsampled on the server (as `GET /api/runs/:id/results/series`), 2–20 runs side by side
 * (as `GET /api/compare`) and a sweep over a grid (as `POST /api/sweeps`).
 */
import { z } from 'zod';
import type { Comparison, SweepResult } from '../records.ts';
import { NotFoundError } from '../errors.ts';
import type { SchemaNoted } from './instance-tools.ts';
import { configurationInput, runId } from './tool-inputs.ts';
import { MAX_VALUE_CHARS, numericNext, type ToolKit } from './tool-kit.ts';

/** Most keys an overview lists. */
const MAX_KEYS = 200;
/** Most entries of one key a page holds. */
const MAX_ENTRIES = 500;
/** Longest code diff a comparison carries per file. */
const MAX_DIFF = 10_000;

/** The latest value of each of a run's keys, at most `max` of them (and how many there are). */
export async function latestResults(kit: ToolKit, id: string, max: number) {
  const { items } = await kit.workbench.experiments.readResults(id, { view: 'latest' });
  const results = Object.fromEntries(items.slice(0, max).map((entry) => [entry.key, entry.value]));
  return items.length > max
    ? { results, resultKeys: items.length, note: `${items.length} keys: the first ${max} by name are shown; get_result_details {runId, key} reads any` }
    : { results, resultKeys: items.length };
}

/**
 * A row's values, each cut to what the row may take: the answer's generic bound
 * (tool-kit.ts) cuts a whole list over MAX_VALUE_CHARS, which would lose which value is
 * whose. Each long value ends saying how much is left and where the rest is; the budget is
 * shared by the runs and halved until the row fits.
 */
function boundedValues(values: readonly unknown[]): unknown[] {
  const texts = values.map((value) => (typeof value === 'string' ? value : JSON.stringify(value) ?? ''));
  // ~100 characters a value for its note and quotes.
  for (let budget = Math.floor((MAX_VALUE_CHARS - 100 * values.length) / values.length); ; budget = Math.floor(budget / 2)) {
    const cut = values.map((value, i) => {
      const text = texts[i]!;
      return text.length <= budget ? value : `${text.slice(0, budget)}… (${text.length - budget} more characters: get_result_details {runId, key})`;
    });
    if (JSON.stringify(cut).length < MAX_VALUE_CHARS || budget < 20) return cut;
  }
}

/** A comparison with its diffs and long result values cut to a readable size (the full ones: GET /api/compare). */
export function boundedComparison(comparison: Comparison): Comparison {
  const results = comparison.results.map((row) => ({ ...row, values: boundedValues(row.values) }));
  const diffs = comparison.code.diffs.map((diff) => ({
    ...diff,
    files: diff.files.map((file) =>
      file.diff.length > MAX_DIFF ? { ...file, diff: `${file.diff.slice(0, MAX_DIFF)}\n… (${file.diff.length - MAX_DIFF} more characters: GET /api/compare has it whole)` } : file,
    ),
  }));
  return { ...comparison, results, code: { ...comparison.code, diffs } };
}

export function resultTools(kit: ToolKit): SchemaNoted {
  const { experiments } = kit.workbench;
  const resolve = (id: string) => experiments.resolveRunId(id);

  kit.define('list_results', {
    title: 'Results overview',
    description: `The latest value of each of a run's result keys (at most ${MAX_KEYS} keys, by name). Every value of one key: get_result_details; a numeric key's curve: get_result_series.`,
    input: { runId },
  }, async ({ runId: id }) => {
    const run = await experiments.getRun(await resolve(id));
    return { runId: run.id, status: run.status, ...(await latestResults(kit, run.id, MAX_KEYS)) };
  });

  kit.define('get_result_details', {
    title: 'One result key\'s values',
    description:
      `Every value recorded under one key of a run, in order, at most \`limit\` (default 100, at most ${MAX_ENTRIES}) after sequence number \`after\`. ` +
      'When `next` is not null, call again with after=next.',
    input: {
      runId,
      key: z.string().min(1).max(500),
      after: z.number().int().min(0).max(2_147_483_647).optional(),
      limit: z.number().int().min(1).max(MAX_ENTRIES).optional(),
    },
  }, async ({ runId: id, key, after, limit }) => {
    const page = await experiments.readResults(await resolve(id), { key, after, limit: limit ?? 100 });
    if (page.items.length === 0 && after === undefined) throw new NotFoundError(`run ${id} has no result with key ${JSON.stringify(key)}: list_results names its keys`);
    return numericNext(page);
  });

  kit.define('get_result_series', {
    title: 'A numeric result\'s series',
    description:
      'The numeric values of one result key as [step, value] points, downsampled on the server to at most `points` (default 200, 2 to 1000), ' +
      'keeping each bucket\'s lowest and highest value and both ends, so spikes show. `total` is how many points are stored. x "time" gives ms since the epoch instead of the step.',
    input: {
      runId,
      key: z.string().min(1).max(500),
      points: z.number().int().min(2).max(1000).optional(),
      x: z.enum(['step', 'time']).optional(),
    },
  }, async ({ runId: id, key, points, x }) => experiments.readSeries(await resolve(id), { key, points: points ?? 200, ...(x ? { x } : {}) }));

  kit.define('compare_runs', {
    title: 'Compare runs',
    description:
      '2 to 20 runs side by side, in the order given: the configuration field by field (changed fields first), each numeric metric\'s latest value ' +
      'per run with its delta against the baseline (the run that started first unless `baseline` names one) and the best run, each series ' +
      'downsampled to `points` per run (default 50, 2 to 1000), the results that are not numbers (text, lists, objects) side by side (`results`: ' +
      'each run\'s latest value, long ones cut: get_result_details reads one whole), and when their code differs, the diff of their snapshots.',
    input: {
      runs: z.array(runId).min(2).max(20),
      baseline: runId.optional(),
      points: z.number().int().min(2).max(1000).optional(),
    },
  }, async ({ runs, baseline, points }) => boundedComparison(await experiments.compareRuns(runs, { baseline, points: points ?? 50 })));

  const sweepBase =
    'A sweep: one instance per combination of the grid\'s values over a base configuration (named "name · field=value · …"), each with a run ' +
    'started at once (queued past the concurrency limit). Every combination is checked first: an invalid one refuses the whole sweep, naming ' +
    'the field, value and combinations, and nothing is created. At most 1,000 combinations. Compare the runs with compare_runs.';
  const sweep = kit.define('sweep', {
    title: 'Sweep a grid',
    description: sweepBase,
    input: {
      experiment: z.string().min(1).max(200),
      name: z.string().min(1).max(200).describe('The base name of the instances'),
      description: z.string().max(10_000).optional(),
      configuration: configurationInput.optional().describe('The base configuration the grid varies'),
      grid: z.record(z.string(), z.array(z.unknown()).min(1)).describe('Field path (groups dotted: "sampling.temperature") → the values to try'),
    },
    changes: { detail: (result: SweepResult) => `swept: ${result.instances.length} instances, runs ${result.runs.map((run) => run.id.slice(0, 8)).join(', ')}` },
  }, async (input, call) => kit.workbench.experiments.sweep(input, { agent: call.client }));
  return [{ tool: sweep, base: sweepBase }];
}
