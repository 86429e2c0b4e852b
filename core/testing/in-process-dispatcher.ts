/**
 * A run dispatcher that runs experiments in the calling process (`runExperiment(…, {
 * inProcess: true })`): no process to start, and a debugger stops at breakpoints in the
 * experiment. It speaks the run host's protocol — the same frame sink, the same
 * `executeRun` — so a run ends, logs and stores exactly as in a child process.
 *
 * What a process boundary gave and this cannot: a run that ignores its cancel is
 * abandoned rather than killed (its code may go on in the background; its output from
 * then on is dropped), and `process.exit()`, a crash or running out of memory end the
 * test process itself.
 *
 * @example
 * const workbench = await createWorkbench({ database: 'memory', registry, runDispatcher: createInProcessDispatcher({ load }) });
 */
import type { ChildFrame, ParentMessage, StartMessage } from '../ipc/ipc-protocol.ts';
import { createRunContext } from '../runtime/run-context.ts';
import { Cancelled } from '../runtime/runtime.ts';
import { executeRun, experimentModuleOf, toWireError, type ExperimentModule } from '../run-host/execute-run.ts';
import { FrameSink } from '../run-host/frame-sink.ts';
import type { ExitInfo, RunDispatcher, RunProcess, RunProcessHandlers } from '../supervisor/run-dispatcher.ts';
import { captureConsole } from './console-capture.ts';
import { importExperimentFile } from './import-experiment.ts';

/** Gives the module to run for a start message's file. */
export type ModuleLoader = (file: string) => Promise<ExperimentModule> | ExperimentModule;

/** Options of {@link createInProcessDispatcher}. */
export interface InProcessDispatcherOptions {
  /** The module to run for a start message's file (default: import the file). */
  load?: ModuleLoader;
}

const importModule = async (file: string) => experimentModuleOf(await importExperimentFile(file), file);

class InProcessRun implements RunProcess {
  readonly pid = process.pid;
  readonly finished: Promise<ExitInfo>;
  readonly #handlers: RunProcessHandlers;
  readonly #load: ModuleLoader;
  readonly #controller = new AbortController();
  #sink: FrameSink | undefined;
  #exited = false;
  #held: ChildFrame[] | undefined;
  #resumed: (() => void) | undefined;
  #exit!: (info: ExitInfo) => void;

  constructor(handlers: RunProcessHandlers, load: ModuleLoader) {
    this.#handlers = handlers;
    this.#load = load;
    this.finished = new Promise((resolve) => (this.#exit = resolve));
  }

  get alive(): boolean {
    return !this.#exited;
  }

  send(message: ParentMessage): void {
    if (message.type === 'start') {
      void this.#start(message);
      return;
    }
    if (message.type !== 'cancel') return; // `preload` is the local dispatcher's (athanor run)
    // The run is suspended while we are here (this process runs one thing at a time), so it
    // sees the cancel at its next check, as it would when the IPC message arrives.
    this.#sink?.markCancelled();
    this.#controller.abort(new Cancelled(message.reason));
  }

  /** A function cannot be killed: the run is abandoned and reported ended by `signal`. */
  kill(signal: NodeJS.Signals): void {
    if (this.#exited) return;
    this.#exited = true;
    this.#held = undefined;
    this.#exit({ code: null, signal, stderrTail: '' });
  }

  /** The run's calls cannot be made to wait: frames are held until the buffer asks again. */
  pauseOutput(): void {
    this.#held ??= [];
  }

  resumeOutput(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const frame of held) this.#handlers.onFrame(frame);
    this.#resumed?.();
  }

  #write(frame: ChildFrame): void {
    if (this.#exited) return; // abandoned: nobody reads it any more
    if (this.#held) this.#held.push(frame);
    else this.#handlers.onFrame(frame);
  }

  async #start(message: StartMessage): Promise<void> {
    const sink = (this.#sink = new FrameSink({ write: (frame) => this.#write(frame), maxEntryBytes: message.limits.maxEntryBytes }));
    const { context } = message;
    const ctx = createRunContext(
      { run: context.run as any, instance: context.instance as any, configuration: context.configuration, experiment: context.experiment, signal: this.#controller.signal },
      sink,
    );
    let module: ExperimentModule;
    try {
      module = await this.#load(message.file);
    } catch (error) {
      const wire = toWireError(error);
      return this.#end(sink, 'failed', { ...wire, message: `could not load ${context.experiment.file}: ${wire.message}` });
    }
    const outcome = await captureConsole(
      (stream, line) => {
        if (!this.#exited) this.#handlers.onOutput(stream, line);
      },
      () => executeRun(module, ctx, sink),
    );
    await this.#end(sink, outcome.outcome, outcome.error);
  }

  async #end(sink: FrameSink, ...[outcome, error]: Parameters<FrameSink['end']>): Promise<void> {
    sink.end(outcome, error);
    // `finished` means every frame was delivered: wait for held frames to go out.
    while (this.#held && !this.#exited) await new Promise<void>((resolve) => (this.#resumed = resolve));
    if (this.#exited) return;
    this.#exited = true;
    this.#exit({ code: 0, signal: null, stderrTail: '' });
  }
}

/** Creates a dispatcher whose runs execute in this process. */
export function createInProcessDispatcher(options: InProcessDispatcherOptions = {}): RunDispatcher {
  const load = options.load ?? importModule;
  const running = new Set<InProcessRun>();
  return {
    async launch(handlers) {
      const run = new InProcessRun(handlers, load);
      running.add(run);
      void run.finished.then(() => running.delete(run));
      return run;
    },
    async stop() {
      // The supervisor has cancelled and awaited its runs; anything left was abandoned.
      for (const run of running) run.kill('SIGKILL');
    },
  };
}
