/**
 * Runs each run in its own child process on this machine, forked with tsx's hooks. One host
 * is kept warm — started, tsx and `athanor` loaded, waiting — so a run does not pay the
 * 100–300 ms a host takes to start. `athanor run` may have the warm host import its experiment
 * before the run exists (`preload`): one process loads and runs it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { setPriority, totalmem } from 'node:os';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createFrameReader } from '../ipc/ipc-channel.ts';
import { maxFrameBytes, type ChildFrame, type PreloadedFrame } from '../ipc/ipc-protocol.ts';
import { createLineCutter, type LineCutter } from './line-cutter.ts';
import { watchMemory } from './memory-limit.ts';
import type { ExitInfo, RunDispatcher, RunLimits, RunProcess, RunProcessHandlers } from './run-dispatcher.ts';

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
  /**
   * Warm the next host as each run launches (default true). `athanor run`, which runs one
   * run, passes false: a host started for a run that never comes took a core from the run.
   */
  rewarm?: boolean;
  /** A warm host waiting for a run does not keep this process alive (the test harness's: a test file ends when its tests do). */
  unrefIdle?: boolean;
}

/**
 * The host, started with tsx's CommonJS hooks: they load experiments in the host's own thread
 * (tsx's ES module hooks, registered only for what CommonJS cannot give, run in a loader
 * thread that cost ~0.2 s and ~0.4 CPU-s of every host's start; see run-host/load-experiment.ts).
 * The package's host is JavaScript; a checkout's is TypeScript, required through the hooks
 * by a CommonJS entry.
 */
const HOST_ENTRY = new URL(import.meta.url.endsWith('.ts') ? '../run-host/run-host-entry.cjs' : '../run-host/run-host-entry.js', import.meta.url);
const TYPESCRIPT_HOOKS = ['--require', fileURLToPath(import.meta.resolve('tsx/cjs'))];
const STDERR_TAIL = 4096;
/** V8's heap limit, set out of the way: the memory watch is the cap (see memory-limit.ts). */
const HEAP_MB = Math.floor(totalmem() / (1024 * 1024));
/** After the host exits, how long its output pipes may stay open (held by a process that left its group). */
const PIPES_GRACE_MS = 3000;
const DEFAULT_LIMITS: RunLimits = { maxEntryBytes: 1024 * 1024, memoryMb: Infinity };
/** Lines a preloaded module may print before its run attaches (its top level's output belongs to the run). */
const EARLY_LINES = 1000;

class LocalRunProcess implements RunProcess {
  readonly #child: ChildProcess;
  readonly #reader: ReturnType<typeof createFrameReader>;
  readonly #streams: Readable[];
  readonly ready: Promise<void>;
  readonly finished: Promise<ExitInfo>;
  #handlers: RunProcessHandlers | undefined;
  #limits = DEFAULT_LIMITS;
  #early: ChildFrame[] = [];
  #earlyOutput: [stream: 'stdout' | 'stderr', line: string, droppedBytes: number | undefined][] = [];
  #onPreloaded: ((frame: PreloadedFrame) => void) | undefined;
  #started = false;
  /** The module this host imported ahead of its run, if any. */
  preloaded: string | undefined;
  #stderrTail = '';
  #exited = false;
  #reason: string | undefined;
  #unwatch: (() => void) | undefined;
  readonly #cutters: Record<'stdout' | 'stderr', LineCutter>;

  constructor(options: LocalDispatcherOptions) {
    this.#child = fork(HOST_ENTRY, [], {
      execArgv: [...TYPESCRIPT_HOOKS, `--max-old-space-size=${HEAP_MB}`, ...(options.execArgv ?? [])],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc', 'pipe'],
      cwd: options.cwd,
      env: options.env,
      serialization: 'json',
      // The host leads its own process group: cancel and the run's end reach whatever it started.
      detached: true,
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
        if (frame.t === 'preloaded') return this.#onPreloaded?.(frame);
        if (this.#handlers) this.#handlers.onFrame(frame);
        else this.#early.push(frame);
      },
      onError: (error) => {
        markFailed(error);
        this.#handlers?.onProtocolError(error);
        this.kill('SIGKILL');
      },
      maxFrameBytes: () => maxFrameBytes(this.#limits.maxEntryBytes),
    });
    this.#cutters = { stdout: this.#cutter('stdout'), stderr: this.#cutter('stderr') };
    this.#streams = [frames, this.#child.stdout!, this.#child.stderr!];
    this.#read(this.#child.stdout!, 'stdout');
    this.#read(this.#child.stderr!, 'stderr');
    if (options.unrefIdle) this.#holdProcess(false);
    const closed = this.#streams.map((stream) => new Promise<void>((resolve) => stream.once('close', resolve)));
    const exited = new Promise<Pick<ExitInfo, 'code' | 'signal'>>((resolve) =>
      this.#child.once('exit', (code, signal) => {
        this.#exited = true;
        this.#unwatch?.();
        this.#killGroup('SIGKILL'); // what the run started and left behind ends with it
        const stragglers = setTimeout(() => this.#streams.forEach((stream) => stream.destroy()), PIPES_GRACE_MS);
        void Promise.all(closed).then(() => clearTimeout(stragglers));
        markFailed(new Error(`the run host exited before it was ready (${signal ?? `code ${code}`}): ${this.#stderrTail.trim()}`));
        resolve({ code, signal });
      }),
    );
    this.#child.on('error', (error) => markFailed(error));
    this.finished = Promise.all([exited, ...closed]).then(([exit]) => ({
      ...exit,
      stderrTail: this.#stderrTail,
      ...(this.#reason ? { reason: this.#reason } : {}),
    }));
  }

  get pid() {
    return this.#child.pid;
  }

  get alive() {
    return !this.#exited;
  }

  attach(handlers: RunProcessHandlers, limits: RunLimits): void {
    this.#holdProcess(true);
    this.#handlers = handlers;
    this.#limits = limits;
    this.#cutters.stdout = this.#cutter('stdout');
    this.#cutters.stderr = this.#cutter('stderr');
    for (const frame of this.#early.splice(0)) handlers.onFrame(frame);
    if (Number.isFinite(limits.memoryMb) && this.#child.pid) {
      this.#unwatch = watchMemory(this.#child.pid, limits.memoryMb, (used) => {
        this.#reason = `the run's process used ${Math.round(used)} MiB of memory, over its limit of ${limits.memoryMb} MiB, and was killed`;
        this.kill('SIGKILL');
      });
    }
  }

  /** Imports `file` in this host and describes its definition; rejects if the host dies or does not answer in time. */
  async preload(file: string, timeoutMs: number): Promise<PreloadedFrame> {
    this.preloaded = file;
    await this.ready;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the run host did not load ${file} in ${timeoutMs} ms`)), timeoutMs);
      void this.finished.then(() => reject(new Error(`the run host ended while loading ${file}`)));
      this.#onPreloaded = (frame) => {
        if (frame.file !== file) return;
        clearTimeout(timer);
        this.#onPreloaded = undefined;
        resolve(frame);
      };
      this.send({ type: 'preload', file });
    }).finally(() => (this.#onPreloaded = undefined)) as Promise<PreloadedFrame>;
  }

  send(message: Parameters<RunProcess['send']>[0]): void {
    if (this.#child.connected) this.#child.send(message, (error) => void error); // a gone child is seen at exit
    // What a preloaded module printed is its run's output, taken once the run is running (it is when it starts).
    if (message.type !== 'start') return;
    this.#started = true;
    for (const [stream, line, dropped] of this.#earlyOutput.splice(0)) this.#handlers?.onOutput(stream, line, dropped);
  }

  kill(signal: NodeJS.Signals): void {
    if (!this.#exited) this.#killGroup(signal);
  }

  pauseOutput(): void {
    this.#reader.pause();
    this.#child.stdout?.pause();
    this.#child.stderr?.pause();
  }

  resumeOutput(): void {
    this.#reader.resume();
    this.#child.stdout?.resume();
    this.#child.stderr?.resume();
  }

  /** Whether this host (its process, channel and pipes) keeps the parent process alive. */
  #holdProcess(hold: boolean): void {
    const handles = [this.#child, this.#child.channel, ...this.#streams] as ({ ref?(): void; unref?(): void } | null | undefined)[];
    for (const handle of handles) (hold ? handle?.ref : handle?.unref)?.call(handle);
  }

  #killGroup(signal: NodeJS.Signals): void {
    const pid = this.#child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is gone; the host itself may not be (no group on this platform).
      if (!this.#exited) this.#child.kill(signal);
    }
  }

  #cutter(name: 'stdout' | 'stderr'): LineCutter {
    return createLineCutter(this.#limits.maxEntryBytes, ({ text, droppedBytes }) => {
      if (name === 'stderr') this.#stderrTail = (this.#stderrTail + text.slice(-STDERR_TAIL) + '\n').slice(-STDERR_TAIL);
      if (this.preloaded && !this.#started) {
        if (this.#earlyOutput.length < EARLY_LINES) this.#earlyOutput.push([name, text, droppedBytes]);
      } else this.#handlers?.onOutput(name, text, droppedBytes);
    });
  }

  #read(stream: Readable, name: 'stdout' | 'stderr'): void {
    stream.on('data', (chunk: Buffer) => this.#cutters[name].push(chunk));
    stream.on('end', () => this.#cutters[name].end());
  }
}

/** The local dispatcher, with the ability `athanor run` uses to load its experiment in the run's own process. */
export interface LocalDispatcher extends RunDispatcher {
  warmUp(): void;
  /**
   * Imports `file` in the host the next launch takes and describes its definition. A module
   * that fails there (or a host that dies or hangs) leaves no host behind holding it: the
   * answer's `error` says why, and a fresh host is warmed for the run. Rejects only when
   * there is no warm host (`warm: 0`) or the dispatcher is stopped.
   */
  preload(file: string, timeoutMs: number): Promise<PreloadedFrame>;
  /** Ends the warm host holding a preloaded module (the run is of another file) and warms a fresh one. */
  dropPreloaded(): void;
}

export function createLocalDispatcher(options: LocalDispatcherOptions = {}): LocalDispatcher {
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

  const drop = (host: LocalRunProcess) => {
    const at = warm.indexOf(host);
    if (at !== -1) warm.splice(at, 1);
    host.kill('SIGKILL');
    refill();
  };

  return {
    warmUp: refill,
    async preload(file, timeoutMs) {
      if (stopped) throw new Error('the dispatcher is stopped');
      refill();
      const host = warm[0];
      if (!host) throw new Error('no warm run host to load the experiment in');
      const answer = await host.preload(file, timeoutMs).catch((error: Error): PreloadedFrame => ({ t: 'preloaded', file, error: { message: error.message } }));
      if (answer.error) drop(host); // it may hold half a module
      return answer;
    },
    dropPreloaded() {
      for (const host of warm.filter((each) => each.preloaded !== undefined)) drop(host);
    },
    async launch(handlers, limits) {
      if (stopped) throw new Error('the dispatcher is stopped');
      let host = warm.shift();
      if (options.rewarm !== false) refill();
      if (!host || !host.alive) host = new LocalRunProcess(options);
      host.attach(handlers, limits);
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
