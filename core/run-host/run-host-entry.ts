/**
 * The run host: the child process that executes one run. It starts warm (tsx's hooks and
 * `athanor` loaded, nothing of the experiment yet), says `ready`, and on `start` imports the experiment as
 * it is on disk now, calls `run(ctx)` and reports how it ended as its last frame.
 * `athanor run` may send `preload` first: the experiment is imported then and its
 * definition described, and `start` finds the module loaded (the same import).
 *
 * Imports only runtime, ipc and experiment code: a run's process never loads storage,
 * the server or the UI.
 */
import { createFrameWriter } from '../ipc/ipc-channel.ts';
import { FRAME_FD, PROTOCOL_VERSION, type ParentMessage, type PreloadMessage, type StartMessage } from '../ipc/ipc-protocol.ts';
import { Cancelled } from '../runtime/runtime.ts';
import { createRunContext } from '../runtime/run-context.ts';
import { afterCompletion, executeRun, experimentModuleOf, toWireError } from './execute-run.ts';
import { FrameSink } from './frame-sink.ts';
import { loadExperiment } from './load-experiment.ts';

// The frame pipe broke: the workbench is gone (killed), so is everyone this run reports to.
const writer = createFrameWriter(FRAME_FD, () => process.exit(1));
const controller = new AbortController();
let sink: FrameSink | undefined;

/** Resolves once everything the experiment printed has left this process (pipes are asynchronous). */
function printed(): Promise<unknown> {
  return Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))));
}

/** The longest the process waits, once the run has ended, for its file writes to land. */
const WRITES_GRACE_MS = 200;

/**
 * Resolves once no file operation of this process is under way, or after
 * {@link WRITES_GRACE_MS}. tsx writes its transform cache asynchronously: a host that exited
 * at once after a short run left the entry empty, so every run of a worker's snapshot
 * (imported by run hosts only) was transformed again by esbuild, 150–1,000 ms of its start.
 */
async function writesLanded(): Promise<void> {
  const deadline = Date.now() + WRITES_GRACE_MS;
  const writing = () => process.getActiveResourcesInfo().some((kind) => kind.startsWith('FSReq'));
  while (writing() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
}

/**
 * Reports the outcome and leaves: first what the experiment printed goes out (exiting drops
 * what a pipe still queues: a 100 MiB console.log lost most of its text), then the end
 * frame; file writes under way get a moment to land; then the process exits, whatever
 * timers the experiment left behind.
 */
async function finish(outcome: 'completed' | 'failed' | 'cancelled', error?: ReturnType<typeof toWireError>, code = 0): Promise<never> {
  process.channel?.unref();
  await printed();
  sink?.end(outcome, error);
  await writesLanded();
  process.exit(code);
}

function failFromProcess(prefix: string, error: unknown): void {
  if (sink?.cancelled) void finish('cancelled', undefined, 1);
  else {
    const wire = toWireError(error);
    const failure = { ...wire, message: `${prefix}: ${wire.message}` };
    void finish('failed', sink?.outcome?.outcome === 'completed' ? afterCompletion(failure) : failure, 1);
  }
}

async function start(message: StartMessage): Promise<void> {
  sink = new FrameSink({ write: writer.write, maxEntryBytes: message.limits.maxEntryBytes });
  const ctx = createRunContext(
    {
      run: message.context.run as any,
      instance: message.context.instance as any,
      configuration: message.context.configuration,
      experiment: message.context.experiment,
      signal: controller.signal,
    },
    sink,
  );
  let loaded: Record<string, unknown>;
  try {
    loaded = await loadExperiment(message.file);
  } catch (error) {
    const wire = toWireError(error);
    return finish('failed', { ...wire, message: `could not load ${message.context.experiment.file}: ${wire.message}` });
  }
  try {
    const module = experimentModuleOf(loaded, message.context.experiment.file);
    const current = sink;
    const outcome = await executeRun(module, ctx, {
      get cancelled() {
        return current.cancelled;
      },
      get outcome() {
        return current.outcome;
      },
    });
    finish(outcome.outcome, outcome.error);
  } catch (error) {
    finish('failed', toWireError(error));
  }
}

/** Imports the module the run will start and describes its definition (the loader's rules; its errors are the loader's to locate). */
async function preload(message: PreloadMessage): Promise<void> {
  try {
    const module = experimentModuleOf(await loadExperiment(message.file), message.file);
    const definition = (await module.experiment()) as { resolve?: () => { name?: unknown; description?: unknown; schema?: unknown } } | null;
    const resolved = typeof definition?.resolve === 'function' ? definition.resolve() : undefined;
    if (typeof resolved?.name !== 'string' || resolved.name === '' || typeof resolved.schema !== 'object' || resolved.schema === null) {
      throw new Error('experiment() gave no Definition with a name and a schema');
    }
    const description = typeof resolved.description === 'string' ? resolved.description : null;
    const described = JSON.parse(JSON.stringify({ name: resolved.name, description, schema: resolved.schema }));
    writer.write({ t: 'preloaded', file: message.file, definition: described });
  } catch (error) {
    writer.write({ t: 'preloaded', file: message.file, error: toWireError(error) });
  }
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'preload') void preload(message);
  else if (message.type === 'start') {
    if (message.version !== PROTOCOL_VERSION) {
      writer.write({ t: 'end', outcome: 'failed', error: { message: `protocol ${message.version} is not ${PROTOCOL_VERSION}` } });
      process.exit(1);
    }
    void start(message);
  } else if (message.type === 'cancel') {
    sink?.markCancelled();
    controller.abort(new Cancelled(message.reason));
  }
});

process.on('SIGTERM', () => {
  sink?.end('cancelled');
  process.exit(143);
});
process.on('unhandledRejection', (reason) => failFromProcess('unhandled promise rejection', reason));
process.on('uncaughtException', (error) => failFromProcess('uncaught exception', error));
process.on('exit', (code) => {
  if (sink && !sink.ended) {
    sink.end('failed', { message: `the experiment ended its process (process.exit(${code})) before run() finished` });
  }
});
// The workbench went away (it never disconnects on purpose): nobody will read our output,
// so stop, even mid-way through ending (an ending that cannot write would never finish).
process.on('disconnect', () => process.exit(1));

// The authoring API is loaded while warm (load-experiment.ts imports it), so the experiment's `import 'athanor'` costs nothing.
writer.write({ t: 'ready', version: PROTOCOL_VERSION, pid: process.pid });
