/**
 * `athanor run <experiment>`: one run, headless. Exit 0 completed, 1 failed, 2 bad input
 * (nothing written), 130 cancelled (Ctrl-C cancels the run through the ladder).
 */
import { ConfigValidationError, validateConfig, type JSONSchema } from '../../experiment/index.ts';
import { InputError } from '../../errors.ts';
import type { Run } from '../../records.ts';
import { createWorkbench, type Workbench } from '../../workbench.ts';
import { resolveDatabaseSpec } from '../../../storage/open-database.ts';
import { parseCommandArgs } from '../cli-args.ts';
import { openingDatabase } from '../environment-error.ts';
import { parseSetOptions } from '../set-options.ts';
import { TerminalProgress } from '../terminal-progress.ts';
import { escapeControls, stringifyForTerminal } from '../terminal-text.ts';

export const RUN_USAGE = `athanor run <experiment> [--set key=value]... [--instance NAME] [--json] [--experiments DIR] [--db SPEC]`;

const EXIT: Record<string, number> = { completed: 0, failed: 1, cancelled: 130 };

export interface RunCommandIO {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

function checkExperiment(workbench: Workbench, name: string | undefined) {
  if (!name) throw new InputError(`which experiment? ${RUN_USAGE}`);
  const entry = workbench.registry.get(name);
  if (!entry) {
    const known = workbench.registry.list().map((e) => e.name);
    throw new InputError(`unknown experiment "${name}"; known: ${known.join(', ') || 'none'}`);
  }
  if (entry.error || !entry.schema) {
    throw new InputError(`experiment "${name}" cannot run: ${entry.error?.message ?? 'it did not load'}`);
  }
  return entry;
}

/** Finds or creates the instance to run, before anything is written for bad input. */
async function prepareInstance(workbench: Workbench, experiment: string, schema: JSONSchema, sets: string[], instanceName?: string) {
  const { experiments } = workbench;
  if (instanceName !== undefined) {
    const existing = (await experiments.listInstances({ experiment })).find((i) => i.name === instanceName);
    if (existing) {
      if (sets.length > 0) {
        throw new InputError(`--set cannot change instance "${instanceName}": its configuration is a snapshot; use another --instance name`);
      }
      return existing;
    }
  }
  // No ajv coercion: --set converts bare scalars itself, strictly, and JSON is taken as the API takes it.
  const result = validateConfig<Record<string, unknown>>(schema, parseSetOptions(sets, schema));
  if (!result.ok) throw new ConfigValidationError(result.errors, `configuration for "${experiment}"`);
  const name = instanceName ?? `cli ${new Date().toISOString()}`;
  return experiments.createInstance({ experiment, name, configuration: result.value });
}

async function execute(workbench: Workbench, run: Run, json: boolean, io: RunCommandIO): Promise<Run> {
  const out = new TerminalProgress(json ? io.stderr : io.stdout);
  const offs = [
    workbench.bus.subscribe('run.log', (event) => {
      if (event.runId !== run.id) return;
      for (const entry of event.entries) out.line(`[${entry.level}] ${entry.message}`);
    }),
    workbench.bus.subscribe('run.progress', (event) => {
      if (event.runId === run.id) out.progress(event.progress.current, event.progress.total, event.progress.message);
    }),
  ];
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    out.line(interrupts === 1 ? 'cancelling the run (Ctrl-C again to stop waiting for it)…' : 'stopping now');
    if (interrupts === 1) void workbench.experiments.cancelRun(run.id);
    else void workbench.experiments.cancelRun(run.id).then(() => workbench.supervisor.whereis(run.id)?.cancel());
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    await workbench.experiments.startRun(run.id);
    return await workbench.experiments.waitForRun(run.id);
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    for (const off of offs) off();
    out.done();
  }
}

export async function runCommand(args: string[], io: RunCommandIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    set: { type: 'string', multiple: true, default: [] },
    instance: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  if (values.help) {
    io.stdout.write(`${RUN_USAGE}\n`);
    return 0;
  }
  if (positionals.length > 1) throw new InputError(`one experiment at a time, got ${positionals.join(', ')}`);
  const database = resolveDatabaseSpec(values.db);
  const workbench = await openingDatabase(database, () => createWorkbench({ experimentsDir: values.experiments, database, watch: false }));
  try {
    const entry = checkExperiment(workbench, positionals[0]);
    const instance = await prepareInstance(workbench, entry.name, entry.schema!, values.set as string[], values.instance);
    const created = await workbench.experiments.createRun(instance.id);
    const final = await execute(workbench, created, values.json as boolean, io);
    const results = Object.fromEntries(
      (await workbench.experiments.readResults(final.id, { view: 'latest' })).items.map((r) => [r.key, r.value]),
    );
    if (values.json) {
      io.stdout.write(`${stringifyForTerminal({ runId: final.id, status: final.status, error: final.error, results })}\n`);
    } else {
      io.stdout.write(`run ${final.id} ${final.status}${final.error ? `: ${escapeControls(final.error)}` : ''}\n`);
    }
    return EXIT[final.status] ?? 1;
  } finally {
    await workbench.close();
  }
}
