/**
 * Runs each run in its own child process on this machine, forked with tsx. One host is
 * kept warm — started, tsx loaded, waiting — so a run does not pay the ~130 ms a tsx
 * process takes to start.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createFrameReader } from '../ipc/ipc-channel.ts';
import type { ChildFrame } from '../ipc/ipc-protocol.ts';
import type { ExitInfo, RunDispatcher, RunProcess, RunProcessHandlers } from './run-dispatcher.ts';

export interface LocalDispatcherOptions {
  /** Hosts kept started and waiting (default 1; 0 starts one per run on demand). */
  warm?: number;
  /** Extra Node flags for run hosts, e.g. `--max-old-space-size=512`. */
  execArgv?: string[];
  /** Working directory of run hosts (default: this process's). */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Scheduling priority of run hosts (default 10: below the workbench, so a machine full
   * of busy runs still answers the UI and API). */
  niceness?: number;
}

const HOST_ENTRY = new URL('../run-host/run-host-entry.ts', import.meta.url);
const TSX = import.meta.resolve('tsx');
const STDERR_TAIL = 4096;

class LocalRunProcess implements RunProcess {
  readonly #child: ChildProcess;
  readonly #reader: ReturnType<typeof createFrameReader>;
  readonly ready: Promise<void>;
  readonly finished: Promise<ExitInfo>;
  #handlers: RunProcessHandlers | undefined;
  #early: ChildFrame[] = [];
  #stderrTail = '';
  #exited = false;

  constructor(options: LocalDispatcherOptions) {
    this.#child = fork(HOST_ENTRY, [], {
      execArgv: ['--import', TSX, ...(options.execArgv ?? [])],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc', 'pipe'],
      cwd: options.cwd,
      env: options.env,
      serialization: 'json',
    });
    try {
      if (this.#child.pid) setPriority(this.#child.pid, options.niceness ?? 10);
    } catch {
      // Not permitted here: runs keep the default priority.
    }
    let markReady!: () => void;
    let markFailed!: (error: Error) => void;
    this.ready = new Promise((resolve, reject) => ((markReady = resolve), (markFailed = reject)));
    this.ready.catch(() => {});
    const frames = this.#child.stdio[4] as Readable;
    this.#reader = createFrameReader(frames, {
      onFrame: (frame) => {
        if (frame.t === 'ready') return markReady();
        if (this.#handlers) this.#handlers.onFrame(frame);
        else this.#early.push(frame);
      },
      onError: (error) => {
        markFailed(error);
        this.#handlers?.onProtocolError(error);
        this.kill('SIGKILL');
      },
    });
    this.#lines(this.#child.stdout!, 'stdout');
    this.#lines(this.#child.stderr!, 'stderr');
    const framesClosed = new Promise<void>((resolve) => frames.once('close', resolve));
    const exited = new Promise<Pick<ExitInfo, 'code' | 'signal'>>((resolve) =>
      this.#child.once('exit', (code, signal) => {
        this.#exited = true;
        markFailed(new Error(`the run host exited before it was ready (${signal ?? `code ${code}`}): ${this.#stderrTail.trim()}`));
        resolve({ code, signal });
      }),
    );
    this.#child.on('error', (error) => markFailed(error));
    this.finished = Promise.all([exited, framesClosed]).then(([exit]) => ({ ...exit, stderrTail: this.#stderrTail }));
  }

  get pid() {
    return this.#child.pid;
  }

  get alive() {
    return !this.#exited;
  }

  attach(handlers: RunProcessHandlers): void {
    this.#handlers = handlers;
    for (const frame of this.#early.splice(0)) handlers.onFrame(frame);
  }

  send(message: Parameters<RunProcess['send']>[0]): void {
    if (this.#child.connected) this.#child.send(message, (error) => void error); // a gone child is seen at exit
  }

  kill(signal: NodeJS.Signals): void {
    if (!this.#exited) this.#child.kill(signal);
  }

  pauseOutput(): void {
    this.#reader.pause();
  }

  resumeOutput(): void {
    this.#reader.resume();
  }

  #lines(stream: Readable, name: 'stdout' | 'stderr'): void {
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    lines.on('line', (line) => {
      if (name === 'stderr') this.#stderrTail = (this.#stderrTail + line + '\n').slice(-STDERR_TAIL);
      this.#handlers?.onOutput(name, line);
    });
  }
}

export function createLocalDispatcher(options: LocalDispatcherOptions = {}): RunDispatcher {
  const warmCount = options.warm ?? 1;
  const warm: LocalRunProcess[] = [];
  let stopped = false;

  const refill = () => {
    while (!stopped && warm.length < warmCount) {
      const host = new LocalRunProcess(options);
      warm.push(host);
      // A warm host that dies while waiting is replaced by the next launch.
      host.finished.then(() => {
        const at = warm.indexOf(host);
        if (at !== -1) warm.splice(at, 1);
      });
    }
  };

  return {
    warmUp: refill,
    async launch(handlers) {
      if (stopped) throw new Error('the dispatcher is stopped');
      let host = warm.shift();
      refill();
      if (!host || !host.alive) host = new LocalRunProcess(options);
      host.attach(handlers);
      try {
        await host.ready;
      } catch (error) {
        host.kill('SIGKILL');
        throw error;
      }
      return host;
    },
    async stop() {
      stopped = true;
      const idle = warm.splice(0);
      for (const host of idle) host.kill('SIGTERM');
      await Promise.all(idle.map((host) => host.finished));
    },
  };
}
