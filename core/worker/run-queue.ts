/**
 * Starting a run on the queue (`--runs queue|both`): the serving workbench keeps the
 * run's code (its snapshot, content-addressed) and configuration on the run row, marks
 * the run queued and adds its job, in one transaction. A worker then claims the job and
 * runs exactly that code with exactly that configuration, wherever it is.
 *
 * What stops the start (an instance deleted, a configuration the schema now refuses, code
 * that cannot be kept) ends the run `failed` naming why, as for a local run.
 */
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../../storage/database-schema.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { ExperimentsService } from '../experiments-service.ts';
import { InvalidTransitionError } from '../errors.ts';
import type { Run, RunEnvironment } from '../records.ts';
import { environmentOfCode } from '../supervisor/run-environment.ts';
import { QUEUED_OWNER } from '../supervisor/run-recovery.ts';
import { pinnedInstance, type ExperimentResolver } from '../supervisor/run-supervisor.ts';
import { addRunJob } from './job-queue.ts';

/** Options of {@link createRunQueue}. */
export interface RunQueueOptions {
  db: Kysely<DatabaseSchema>;
  service: ExperimentsService;
  bus: EventBus;
  resolveExperiment: ExperimentResolver;
  /**
   * Refuses (throws) a run that may not be queued now: its instance is being deleted (the
   * supervisor's refuseIfHeld). Asked before the run is prepared and again right before its job is added.
   */
  refuse?: (run: Run) => Promise<void>;
  /**
   * Runs here, from the file as it is, a run whose code cannot be sent to a worker (a file
   * over the bound): a workbench that is a worker too (`--runs both`). Without it such a run fails.
   */
  runHere?: (runId: string) => Promise<Run>;
}

/** Code that cannot be kept whole, so no worker can be sent it. */
class NotSendable extends Error {}

export interface RunQueue {
  /** Queues a pending run (its job is added with it); resolves with the queued run. */
  startRun(runId: string): Promise<Run>;
}

/** What a queued run executes with: its code, its configuration, and its files' git state where it was queued. */
interface Prepared {
  hash: string;
  configuration: Record<string, unknown>;
  git?: RunEnvironment['git'];
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function createRunQueue(options: RunQueueOptions): RunQueue {
  const { db, service, bus } = options;

  /**
   * The code hash and configuration the run will execute with, and the git state of its files
   * here: the worker runs the kept code, where the checkout it stands in says nothing of what
   * was edited on this machine (every queued run said `dirty: false`).
   */
  async function prepare(run: Run): Promise<Prepared> {
    const instance = await pinnedInstance(service, run);
    if (run.codeSnapshot) return { hash: run.codeSnapshot, configuration: run.configuration ?? instance.configuration };
    const { snapshot, root } = await options.resolveExperiment(instance.experiment);
    if (!snapshot) throw new Error(`the code of experiment "${instance.experiment}" could not be kept, so no worker can run it`);
    if (snapshot.note) throw new NotSendable(`the code of experiment "${instance.experiment}" cannot be sent to a worker: ${snapshot.note}`);
    await service.storeCodeSnapshot(snapshot);
    const configuration = run.configuration ?? service.runConfiguration(instance);
    if (!root) return { hash: snapshot.hash, configuration };
    const environment = await environmentOfCode(root, snapshot, (hash, commit, diff) => service.storeCodeDiff(hash, commit, diff));
    return { hash: snapshot.hash, configuration, ...(environment.git ? { git: environment.git } : {}) };
  }

  const publish = (run: Run) => bus.publish('run.status', { runId: run.id, instanceId: run.instanceId, status: run.status, run });

  return {
    async startRun(runId) {
      const run = await service.getRun(runId);
      if (run.status !== 'pending') throw new InvalidTransitionError(run.id, run.status, 'running');
      await options.refuse?.(run);
      let prepared: Prepared;
      try {
        prepared = await prepare(run);
      } catch (error) {
        if (error instanceof NotSendable && options.runHere) return options.runHere(run.id);
        const failed = await service.transitionRun(run.id, 'failed', { error: `could not start the run: ${errorText(error)}` });
        publish(failed);
        return failed;
      }
      // A delete that began while the code was being kept: it lists the runs it cancels without this one.
      await options.refuse?.(run);
      await db.transaction().execute(async (trx) => {
        const queued = await trx
          .updateTable('runs')
          .set({
            owner: QUEUED_OWNER,
            code_hash: prepared.hash,
            configuration: JSON.stringify(prepared.configuration),
            // The worker keeps it when it records the environment it ran in.
            ...(prepared.git ? { environment: JSON.stringify({ git: prepared.git }) } : {}),
          })
          .where('id', '=', run.id)
          .where('status', '=', 'pending')
          .where('owner', 'is', null)
          .executeTakeFirst();
        if (Number(queued.numUpdatedRows) === 0) {
          const now = await service.getRun(run.id);
          throw new InvalidTransitionError(run.id, now.status, 'running');
        }
        await addRunJob(trx, run.id);
      });
      return service.getRun(run.id);
    },
  };
}
