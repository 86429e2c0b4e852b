/**
 * `athanor worker --db postgres://…`: joins the run pool. It takes `athanor_run` jobs from
 * graphile-worker, writes each run's code snapshot under the project folder (once per
 * hash) and runs it in a child process through the same run server, output pipeline and
 * cancel ladder as `athanor dev`, writing straight to Postgres. Nothing is installed: the
 * experiment's imports resolve from the project folder (`--project`, default the current
 * one). SIGTERM or Ctrl-C drains: no new jobs, runs under way get `--drain` to finish,
 * then are cancelled through the ladder; exit 0.
 */
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import { materializeSnapshot } from '../../../plugins/graph/snapshot-cache.ts';
import { openDatabase, parseDatabaseSpec, redactUrl, resolveDatabaseSpec } from '../../../storage/open-database.ts';
import { InputError } from '../../errors.ts';
import { createEventBus } from '../../events/event-bus.ts';
import { createExperimentsService } from '../../experiments-service.ts';
import { createLocalDispatcher } from '../../supervisor/local-dispatcher.ts';
import { createRunSupervisor } from '../../supervisor/run-supervisor.ts';
import { DEFAULT_HEARTBEAT_MS, RunPoolNode } from '../../worker/run-pool-node.ts';
import { parseCommandArgs, refuseArguments } from '../cli-args.ts';
import { PARENT_ENDED, untilStopSignal } from '../stop-signal.ts';
import { parseDurationOption } from '../duration-option.ts';
import { openingDatabase } from '../environment-error.ts';
import { WORKER_USAGE } from '../usage.ts';

/** The worker's options, checked. */
interface WorkerSettings {
  spec: string;
  concurrency: number;
  name: string;
  project: string;
  drainMs: number;
  heartbeatMs: number;
}

async function readSettings(args: string[]): Promise<WorkerSettings | undefined> {
  const { values, positionals } = parseCommandArgs(args, {
    concurrency: { type: 'string', default: '2' },
    name: { type: 'string' },
    project: { type: 'string', default: '.' },
    drain: { type: 'string', default: '60s' },
    heartbeat: { type: 'string', default: `${DEFAULT_HEARTBEAT_MS}ms` },
  });
  if (values.help) return undefined;
  refuseArguments('worker', positionals);
  const spec = resolveDatabaseSpec(values.db);
  const kind = parseDatabaseSpec(spec).kind;
  if (kind !== 'postgres') {
    // Nothing given falls back to the embedded default, which names a backend the user never wrote.
    const given = values.db || process.env.ATHANOR_DATABASE_URL ? `got ${kind}` : 'none was given (no --db, no ATHANOR_DATABASE_URL)';
    throw new InputError(`athanor worker needs --db postgres://… (the database the workbench and the other workers share), ${given}`);
  }
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    throw new InputError(`--concurrency must be a whole number of runs from 1 to 256, got ${JSON.stringify(values.concurrency)}`);
  }
  const name = (values.name as string | undefined) ?? `${hostname()}-${process.pid}`;
  if (!/^[\w.@:-]{1,100}$/.test(name)) throw new InputError(`--name must be 1 to 100 letters, digits or . _ - @ :, got ${JSON.stringify(name)}`);
  const project = resolve(values.project as string);
  if (!(await stat(project).then((s) => s.isDirectory(), () => false))) throw new InputError(`--project must be a folder, got ${JSON.stringify(values.project)} (${project} is not one)`);
  return {
    spec,
    concurrency,
    name,
    project,
    drainMs: parseDurationOption('drain', values.drain as string, { max: 86_400_000 }),
    heartbeatMs: parseDurationOption('heartbeat', values.heartbeat as string, { min: 100, max: 600_000 }),
  };
}

export async function workerCommand(args: string[], out: (line: string) => void): Promise<number> {
  const settings = await readSettings(args);
  if (!settings) {
    out(WORKER_USAGE);
    return 0;
  }
  const { spec, concurrency, name, project, drainMs, heartbeatMs } = settings;
  const database = await openingDatabase(spec, () => openDatabase(spec, { poolSize: concurrency * 2 + 4 }));
  const bus = createEventBus();
  // A worker has no experiments folder: runs carry their code; definitions are never looked up.
  const service = createExperimentsService({ database, definitions: () => undefined });
  // A host kept warm per slot: running runs is all a worker does, and a run then skips tsx's start.
  const dispatcher = createLocalDispatcher({ cwd: project, warm: concurrency });
  const supervisor = createRunSupervisor({
    service,
    bus,
    dispatcher,
    concurrency,
    worker: name,
    codeFromRun: true,
    resolveExperiment: async (experiment) => {
      throw new Error(`a worker runs the code a run was queued with; "${experiment}" came without it`);
    },
    // Under the project folder, so the experiment's imports resolve from its node_modules.
    materializeSnapshot: (snapshot) => materializeSnapshot(snapshot, join(project, '.athanor', 'snapshots')),
    heartbeatMs,
    // A failed run's retry goes back on the queue, for any worker.
    retryRun: (failed) => pool.retry(failed),
  });
  const pool = new RunPoolNode({
    connectionString: spec,
    db: database.db,
    service,
    bus,
    supervisor,
    name,
    takeJobs: true,
    serve: false,
    concurrency,
    heartbeatMs,
    onRecovery: out,
  });
  try {
    await supervisor.start();
    await pool.start();
  } catch (error) {
    await pool.stop().catch(() => {});
    await supervisor.stop();
    await database.close();
    throw error;
  }
  out(`athanor worker ${name}: taking runs from ${redactUrl(spec)} (concurrency ${concurrency}, project ${project})`);
  const reason = await untilStopSignal();
  out(`${reason === 'parent' ? `${PARENT_ENDED}; ` : ''}stopping: no new runs; runs under way have ${Math.round(drainMs / 1000)} s to finish…`);
  await pool.stop(drainMs);
  await supervisor.stop();
  await database.close();
  out('stopped');
  return 0;
}
