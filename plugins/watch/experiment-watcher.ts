/**
 * Watches the experiments folder with chokidar (inotify, no polling) and reports which
 * paths changed. It does not say how: the registry reads the disk when it reloads, so an
 * `unlink` + `add` pair (a rename, an editor's write-to-temp-then-rename) and a `change`
 * all mean "look at this path again". That is also why chokidar's `atomic` (which holds
 * every unlink back 100 ms) and `awaitWriteFinish` (2 s by default) are off: the
 * registry's own short per-file debounce merges bursts and reloads the final content.
 *
 * Only folders and files a module can import are watched (one inotify watch each): not
 * `node_modules`, dot-folders, folders we may not read, nor the data files beside the
 * experiments. Errors reach `onError` once per kind, as {@link WatchError}s.
 *
 * Design note: chokidar runs in a worker thread. Its initial scan of a 5,000-file folder
 * blocks the thread it runs on for 300–600 ms at a stretch (measured); in a worker that
 * stall never reaches the workbench's event loop. Events cost one `postMessage` (< 1 ms).
 *
 * @example
 * const watcher = createExperimentWatcher({ root, onPath: (file) => pipeline.touch(file) });
 * await watcher.start();
 */
import { Worker } from 'node:worker_threads';
import { IMPORTABLE_EXTENSIONS } from '../graph/import-scanner.ts';

/** What the registry needs from a file watcher (a fake in tests, chokidar here). */
export interface FileWatcher {
  /** Resolves once watching (changes made after this are reported). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Watches these files too (outside the folder: a project's helpers its modules import); resolves once they are. */
  watchFiles?(files: string[]): Promise<void>;
}

/** Options of {@link createExperimentWatcher}. */
export interface ExperimentWatcherOptions {
  /** The folder to watch (absolute). */
  root: string;
  /** A file (absolute path) was added, changed or removed. */
  onPath(file: string): void;
  /** A folder (absolute path) was added or removed: its files may have come or gone without their own events. */
  onFolder?(folder: string): void;
  /** A watcher error (a folder that can no longer be watched, too many inotify watches). */
  onError?(error: Error): void;
}

type WatcherMessage =
  | { type: 'ready' }
  | { type: 'closed' }
  | { type: 'path'; file: string }
  | { type: 'folder'; folder: string }
  | { type: 'watching'; id: number }
  | { type: 'error'; code: string; message: string };

/** Why watching failed: one line for the user (`code` is `ERR_WATCH`; `reason` the system's code). */
export class WatchError extends Error {
  override readonly name = 'WatchError';
  readonly code = 'ERR_WATCH';
  readonly reason: string;

  constructor(message: string, reason: string) {
    super(message);
    this.reason = reason;
  }
}

/** What the user can do about a watch failure, by the system's code. */
function watchFailure(root: string, code: string, message: string): WatchError {
  if (code === 'ENOSPC') {
    return new WatchError(
      `hot reload is partial: the system's limit of inotify watches is reached while watching ${root} ` +
        '(raise fs.inotify.max_user_watches, or watch a smaller folder)',
      code,
    );
  }
  if (code === 'EMFILE') {
    return new WatchError(`hot reload is partial: too many open files while watching ${root} (raise the limit with ulimit -n)`, code);
  }
  return new WatchError(`watching ${root}: ${message}`, code);
}

const THREAD = new URL('./watcher-thread.mjs', import.meta.url);
const CLOSE_GRACE_MS = 2000;

/** Creates a chokidar watcher over `root` (in a worker thread), skipping `node_modules` and dot-folders. */
export function createExperimentWatcher(options: ExperimentWatcherOptions): FileWatcher {
  const { root, onPath, onFolder, onError } = options;
  let worker: Worker | undefined;
  let requests = 0;
  const report = (error: Error) => onError?.(error);

  return {
    async start() {
      if (worker) return;
      const workerData = { root, extensions: [...IMPORTABLE_EXTENSIONS] };
      const thread = (worker = new Worker(THREAD, { workerData, execArgv: [] }));
      await new Promise<void>((resolve, reject) => {
        thread.on('message', (message: WatcherMessage) => {
          if (message.type === 'ready') resolve();
          else if (message.type === 'path') onPath(message.file);
          else if (message.type === 'folder') onFolder?.(message.folder);
          else if (message.type === 'error') report(watchFailure(root, message.code, message.message));
        });
        thread.on('error', (error) => {
          reject(error);
          report(error);
        });
        thread.on('exit', (code) => {
          const error = new Error(`the watcher thread of ${root} exited (code ${code}): changes are no longer seen`);
          reject(error);
          if (worker === thread) report(error); // not stopped by us
        });
      });
    },
    watchFiles(files) {
      const thread = worker;
      if (!thread) return Promise.resolve();
      const id = ++requests;
      return new Promise<void>((resolve) => {
        const done = () => {
          thread.off('message', answered);
          thread.off('exit', done);
          resolve();
        };
        const answered = (message: WatcherMessage) => message.type === 'watching' && message.id === id && done();
        thread.on('message', answered);
        thread.on('exit', done);
        thread.postMessage({ type: 'watch', id, files });
      });
    },
    async stop() {
      const thread = worker;
      worker = undefined;
      if (!thread) return;
      const closed = new Promise<void>((resolve) => {
        thread.on('message', (message: WatcherMessage) => message.type === 'closed' && resolve());
        thread.on('exit', () => resolve());
      });
      thread.postMessage({ type: 'close' });
      const grace = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
      await Promise.race([closed, grace]);
      await thread.terminate();
    },
  };
}
