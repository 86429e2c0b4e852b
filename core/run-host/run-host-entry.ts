/**
 * The run host: the child process that executes one run. It starts warm (tsx loaded,
 * nothing of the experiment yet), says `ready`, and on `start` imports the experiment as
 * it is on disk now, calls `run(ctx)` and reports how it ended as its last frame.
 *
 * Imports only runtime, ipc and experiment code: a run's process never loads storage,
 * the server or the UI.
 */
import { pathToFileURL } from 'node:url';
import { createFrameWriter } from '../ipc/ipc-channel.ts';
import { FRAME_FD, PROTOCOL_VERSION, type ParentMessage, type StartMessage } from '../ipc/ipc-protocol.ts';
import { Cancelled } from '../runtime/runtime.ts';
import { createRunContext } from '../runtime/run-context.ts';
import { executeRun, experimentModuleOf, toWireError } from './execute-run.ts';
import { FrameSink } from './frame-sink.ts';

const writer = createFrameWriter(FRAME_FD);
const controller = new AbortController();
let sink: FrameSink | undefined;

function finish(outcome: 'completed' | 'failed' | 'cancelled', error?: ReturnType<typeof toWireError>): void {
  sink?.end(outcome, error);
  // Leave once output is out; an experiment's leftover timers must not keep the run alive.
  setTimeout(() => process.exit(0), 50).unref();
  process.channel?.unref();
}

function failFromProcess(prefix: string, error: unknown): void {
  if (sink?.cancelled) finish('cancelled');
  else {
    const wire = toWireError(error);
    finish('failed', { ...wire, message: `${prefix}: ${wire.message}` });
  }
  process.exit(1);
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
    loaded = await import(pathToFileURL(message.file).href);
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

process.on('message', (message: ParentMessage) => {
  if (message.type === 'start') {
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
  finish('cancelled');
  process.exit(143);
});
process.on('unhandledRejection', (reason) => failFromProcess('unhandled promise rejection', reason));
process.on('uncaughtException', (error) => failFromProcess('uncaught exception', error));
process.on('exit', (code) => {
  if (sink && !sink.ended) {
    sink.end('failed', { message: `the experiment ended its process (process.exit(${code})) before run() finished` });
  }
});
// The workbench went away: nobody will read our output, so stop.
process.on('disconnect', () => {
  if (!sink?.ended) process.exit(1);
});

// Load the authoring API while warm, so the experiment's `import 'athanor'` costs nothing.
await import('../index.ts');
writer.write({ t: 'ready', version: PROTOCOL_VERSION, pid: process.pid });
