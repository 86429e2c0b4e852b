/**
 * Where a run executes. The supervisor asks a dispatcher for a process ready to run
 * (`launch`), then talks to it through `RunProcess`. The local dispatcher forks run
 * hosts on this machine; another could place runs on other machines.
 */
import type { ChildFrame, ParentMessage, ProtocolError } from '../ipc/ipc-protocol.ts';

/** How a run host's process ended. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines the process wrote to stderr (to name an out-of-memory death). */
  stderrTail: string;
  /** Why the dispatcher killed the process, when it did (a limit it broke). */
  reason?: string;
}

/** What the run server hears from its process. */
export interface RunProcessHandlers {
  onFrame(frame: ChildFrame): void;
  /**
   * A line the experiment printed to stdout or stderr; past the entry limit it is cut and
   * `droppedBytes` counts what was left out.
   */
  onOutput(stream: 'stdout' | 'stderr', line: string, droppedBytes?: number): void;
  onProtocolError(error: ProtocolError): void;
}

/** A run host process, ready for its `start` message. */
export interface RunProcess {
  readonly pid: number | undefined;
  send(message: ParentMessage): void;
  /** Signals the run's process and every process it started (its process group). */
  kill(signal: NodeJS.Signals): void;
  /** Stop reading the run's output (the child blocks when the pipe fills). */
  pauseOutput(): void;
  resumeOutput(): void;
  /** Resolves once the process has exited and every frame it wrote has been delivered. */
  readonly finished: Promise<ExitInfo>;
  readonly alive: boolean;
}

/** The limits of one run's process. */
export interface RunLimits {
  /** Largest log entry or result, and so the longest printed line kept (bytes). */
  maxEntryBytes: number;
  /** Memory the process may use (resident, MiB); past it, it is killed and the run fails. */
  memoryMb: number;
}

export interface RunDispatcher {
  launch(handlers: RunProcessHandlers, limits: RunLimits): Promise<RunProcess>;
  /** Prepares processes ahead of the first launch (optional). */
  warmUp?(): void;
  /** Stops idle hosts. */
  stop(): Promise<void>;
}
