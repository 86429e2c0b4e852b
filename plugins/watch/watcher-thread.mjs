// The chokidar watcher, run in a worker thread (plain JavaScript: it needs no tsx). Its
// initial scan of a large folder runs synchronous stretches of several hundred
// milliseconds (a readdir and an fs.watch per file); here they stall this thread only.
// Messages out: {type:'ready'} | {type:'path', file} | {type:'folder', folder} |
// {type:'error', message} | {type:'closed'}; in: {type:'close'}.
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { FSWatcher } from 'chokidar';

const { root } = workerData;

/** Mirrors isIgnoredPath() in discovery/experiment-files.ts: node_modules and dot-names. */
function ignored(file) {
  const relative = path.relative(root, file);
  if (relative === '') return false;
  return relative.split(/[\\/]/).some((segment) => segment === 'node_modules' || (segment.startsWith('.') && segment !== '.' && segment !== '..'));
}

const watcher = new FSWatcher({
  ignoreInitial: true,
  followSymlinks: false,
  atomic: false,
  awaitWriteFinish: false,
  usePolling: false,
  ignored,
});
for (const event of ['add', 'change', 'unlink']) {
  watcher.on(event, (file) => parentPort.postMessage({ type: 'path', file: path.resolve(root, file) }));
}
for (const event of ['addDir', 'unlinkDir']) {
  watcher.on(event, (folder) => parentPort.postMessage({ type: 'folder', folder: path.resolve(root, folder) }));
}
watcher.on('error', (error) => parentPort.postMessage({ type: 'error', message: String(error?.message ?? error) }));
watcher.once('ready', () => parentPort.postMessage({ type: 'ready' }));
parentPort.on('message', (message) => {
  if (message?.type !== 'close') return;
  watcher.close().finally(() => {
    parentPort.postMessage({ type: 'closed' });
    parentPort.close();
  });
});
watcher.add(root);
