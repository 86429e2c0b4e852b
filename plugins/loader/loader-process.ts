/**
 * One definition loader process, parent side: forks the child with tsx's CommonJS hooks, sends it load
 * requests and hands back its replies. Knows nothing of queues or timeouts (the
 * {@link DefinitionLoader} does); just the process, its heartbeat and its memory.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LOADER_SETTINGS_ENV, type LoadResult, type LoaderChildSettings, type LoaderReply } from './loader-protocol.ts';

/** What a loader process tells its owner. */
export interface LoaderProcessEvents {
  loaded(id: number, result: LoadResult): void;
  /** The process ended (killed, crashed, or a module called `process.exit()`). */
  exited(code: number | null, signal: NodeJS.Signals | null, stderrTail: string): void;
}

// The package forks its compiled child; a checkout, a CommonJS entry that requires the TypeScript one.
const CHILD_ENTRY = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './definition-loader-entry.cjs' : './definition-loader-child.js', import.meta.url));
let tsxHooks: string | undefined; // resolved at the first fork: `athanor list` of a cached folder forks none
const STDERR_TAIL = 2000;

/** A forked loader child. */
export class LoaderProcess {
  /** Resolves when the child has imported `athanor` and listens; rejects if it dies first. */
  readonly ready: Promise<void>;
  /** Loads sent to this process so far. */
  loads = 0;
  /** Resident memory of the child (bytes), from its latest message. */
  rss = 0;
  /** `performance.now()` of the child's latest message: a silent child is blocked. */
  lastHeard = performance.now();
  exited = false;
  readonly #child: ChildProcess;
  #stderr = '';

  constructor(settings: LoaderChildSettings, events: LoaderProcessEvents) {
    this.#child = fork(CHILD_ENTRY, [], {
      execArgv: ['--require', (tsxHooks ??= fileURLToPath(import.meta.resolve('tsx/cjs')))],
      env: { ...process.env, [LOADER_SETTINGS_ENV]: JSON.stringify(settings) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.#child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
    this.ready = new Promise((resolve, reject) => {
      this.#child.on('message', (reply: LoaderReply) => {
        this.lastHeard = performance.now();
        if (reply.type === 'ready') resolve();
        else if (reply.type === 'heartbeat') this.rss = reply.rss;
        else if (reply.type === 'loaded') {
          this.rss = reply.rss;
          events.loaded(reply.id, reply.result);
        }
      });
      this.#child.on('exit', (code, signal) => {
        this.exited = true;
        reject(new Error(`the definition loader process exited before it was ready (${signal ?? `code ${code}`}): ${this.#stderr.trim()}`));
        events.exited(code, signal, this.#stderr);
      });
      this.#child.on('error', () => {}); // 'exit' follows; a failed send surfaces as a timeout
    });
    this.ready.catch(() => {});
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Sends a load request; the answer arrives through `events.loaded`. */
  load(id: number, file: string): void {
    this.loads++;
    if (!this.exited && this.#child.connected) this.#child.send({ type: 'load', id, file });
  }

  /** Whether this process keeps the workbench's event loop alive (only while loads are pending). */
  setActive(active: boolean): void {
    const handles = [this.#child, this.#child.channel, this.#child.stderr] as ({ ref?(): void; unref?(): void } | null | undefined)[];
    for (const handle of handles) (active ? handle?.ref : handle?.unref)?.call(handle);
  }

  /** Ends the process (SIGKILL: it holds no state) and resolves when it is gone. */
  async kill(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#child.ref(); // whoever awaits this must see it through
    this.#child.kill('SIGKILL');
    await gone;
  }
}
