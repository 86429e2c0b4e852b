// The chokidar watcher, run in a worker thread (plain JavaScript: it needs no tsx). Its
// initial scan of a large folder runs synchronous stretches of several hundred
// milliseconds (a readdir and an fs.watch per file); here they stall this thread only.
// Messages out: {type:'ready'} | {type:'path', file} | {type:'folder', folder} |
// {type:'error', code, message} | {type:'closed'} | {type:'watching', id}; in: {type:'close'} |
// {type:'watch', id, files} (files outside the folder that its modules import).
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { FSWatcher } from 'chokidar';

/** @type {{ root: string, extensions: string[] }} */
const { root, extensions } = workerData;
const watchedExtensions = new Set(extensions);

/**
 * Mirrors isIgnoredPath() in discovery/experiment-files.ts (node_modules and dot-names),
 * and skips files no module can import: each watched file costs an inotify watch, and the
 * data beside the experiments (thousands of CSVs, images) would exhaust the system's limit.
 * chokidar asks without `stats` before it has them: a path is only known to be a file with them.
 */
function ignored(file, stats) {
  const relative = path.relative(root, file);
  if (relative === '') return false;
  // Outside the folder: only the files its modules import, and the folders holding them (so
  // a file deleted and made again, as git checkout does, is seen coming back).
  if (relative.startsWith('..') || path.isAbsolute(relative)) return !outsideFiles.has(file) && !outsideFolders.has(file);
  const segments = relative.split(/[\\/]/);
  if (segments.some((segment) => segment === 'node_modules' || (segment.startsWith('.') && segment !== '.' && segment !== '..'))) return true;
  return Boolean(stats?.isFile()) && !watchedExtensions.has(path.extname(file));
}

const watcher = new FSWatcher({
  ignoreInitial: true,
  followSymlinks: false,
  atomic: false,
  awaitWriteFinish: false,
  usePolling: false,
  // A folder or file we may not read is skipped, as discovery skips it: no error for it.
  ignorePermissionErrors: true,
  ignored,
});
for (const event of ['add', 'change', 'unlink']) {
  watcher.on(event, (file) => parentPort.postMessage({ type: 'path', file: path.resolve(root, file) }));
}
watcher.on('unlinkDir', (folder) => parentPort.postMessage({ type: 'folder', folder: path.resolve(root, folder) }));
// chokidar says addDir, then reads the new folder, then sets its watch: a file written between
// the read and the watch has no event (a test that made a folder and a file in it at once saw
// neither, under load). Said once the watch is set, the registry's scan of the folder finds it.
watcher.on('addDir', (folder) => {
  const absolute = path.resolve(root, folder);
  void untilWatching([absolute]).then(() => parentPort.postMessage({ type: 'folder', folder: absolute }));
});
// Once per kind: when the inotify limit is reached, every folder after fails the same way.
const reported = new Set();
watcher.on('error', (error) => {
  const code = String(error?.code ?? 'unknown');
  if (reported.has(code)) return;
  reported.add(code);
  parentPort.postMessage({ type: 'error', code, message: String(error?.message ?? error) });
});
watcher.once('ready', () => parentPort.postMessage({ type: 'ready' }));

/** Files outside the folder that its modules import, and their folders (watched for those names only). */
const outsideFiles = new Set();
const outsideFolders = new Set();

/**
 * Whether chokidar watches `folder` now. Its getWatched() lists a folder before it has read it
 * and set its fs.watch (an edit made then was missed: a test that edited a helper right after
 * start() waited in vain, on a loaded machine); the folder's closer, kept once the watch is
 * set, says it is. (chokidar 5's `_closers`, keyed by the path given to add(); without it, the
 * listing.)
 */
function watching(folder) {
  const closers = watcher._closers;
  return closers instanceof Map ? closers.has(folder) : watcher.getWatched()[folder] !== undefined;
}

/** Watches `files` (outside the folder) through their folders, and says when chokidar does (its add() does not say): at most 10 s on. */
async function watchFiles(id, files) {
  for (const file of files) outsideFiles.add(file);
  const folders = [...new Set(files.map((file) => path.dirname(file)))].filter((folder) => !outsideFolders.has(folder));
  for (const folder of folders) outsideFolders.add(folder);
  if (folders.length) watcher.add(folders);
  await untilWatching(folders);
  parentPort.postMessage({ type: 'watching', id });
}

/** Resolves once chokidar watches every one of `folders`: at most 10 s on (a folder gone meanwhile is never watched). */
async function untilWatching(folders) {
  for (let waited = 0; waited < 10_000 && !folders.every(watching); waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
}
parentPort.on('message', (message) => {
  if (message?.type === 'watch') return void watchFiles(message.id, message.files);
  if (message?.type !== 'close') return;
  watcher.close().finally(() => {
    parentPort.postMessage({ type: 'closed' });
    parentPort.close();
  });
});
watcher.add(root);
