/**
 * Serving the UI. `athanor dev` serves it from source through Vite's middleware (no build
 * step after `npm install`); `athanor serve` serves the built files (`dist/ui/`, built
 * once on first start when missing). Both answer the app's pages (`/experiments/...`,
 * `/runs/...`) with its index.html, as a single-page app.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import type { UiHandler } from './http-server.ts';
// The app's route table, a pure module shared with the browser: which paths are pages.
import { isAppPath } from '../../ui/app/app-routes.ts';
import { WORKER_OPTIONS, WORKER_PATH } from '../../ui/state/live-protocol.ts';

/** The package's root, where vite.config.ts and ui/ are. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where `vite build` puts the workbench app. */
export const BUILT_UI_DIR = join(PACKAGE_ROOT, 'dist', 'ui');
/** Where `vite build --mode embed` puts the single-file module of the elements. */
export const BUILT_EMBED_MODULE = join(PACKAGE_ROOT, 'dist', 'athanor-ui.js');
/** The live connection's SharedWorker (`vite build --mode worker`), beside the elements' module. */
const LIVE_WORKER_FILE = 'athanor-live-worker.js';
const UI_SOURCE = join(PACKAGE_ROOT, 'ui');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

export interface UiAssets {
  handler: UiHandler;
  close(): Promise<void>;
}

type ModuleSender = (response: Parameters<UiHandler>[1]) => Promise<boolean>;

/**
 * The embedding routes, the same in both modes: `/athanor-ui.js` (every element, one
 * module), `/athanor-live-worker.js` (the SharedWorker holding the browser's one live
 * connection, at a fixed URL so every page of the workbench shares it), `/embed.html` (a
 * plain page showing a run view) and its script.
 */
function withEmbedRoutes(handler: UiHandler, elementsModule: ModuleSender, liveWorker: ModuleSender): UiHandler {
  return (request, response, next) => {
    const pathname = new URL(request.url ?? '/', 'http://ui').pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') return handler(request, response, next);
    if (!isAppPath(pathname) && !/\.[^/]*$/.test(pathname)) answerPageAsNotFound(response);
    const served =
      pathname === '/athanor-ui.js' ? elementsModule(response)
      : pathname === WORKER_PATH ? liveWorker(response)
      : pathname === '/athanor-live-start.js' ? sendText(LIVE_START, response)
      : pathname === '/embed.html' ? sendFile(join(UI_SOURCE, 'embed.html'), response)
      : pathname === '/embed-demo.js' ? sendFile(join(UI_SOURCE, 'embed-demo.js'), response)
      : undefined;
    if (!served) return handler(request, response, next);
    void served.then((sent) => sent || next(), () => next());
  };
}

/**
 * `/athanor-live-start.js`, a classic script in the app page's head: it starts the live
 * SharedWorker before the page asks for its modules. Chromium fetches a SharedWorker's
 * script at IDLE priority, behind every queued request to the host (6 connections): started
 * by the live hub once the app had loaded, it waited until every other loading tab had
 * loaded too (through Vite, ~120 modules a tab), and meanwhile no tab got a live event.
 * Same URL, name and type as live-link.ts's, so the hub connects to this worker.
 */
const LIVE_START = `if (typeof SharedWorker === 'function') try { new SharedWorker(${JSON.stringify(WORKER_PATH)}, ${JSON.stringify(WORKER_OPTIONS)}); } catch {}\n`;

/** Answers with `text` as JavaScript. */
function sendText(text: string, response: Parameters<UiHandler>[1]): Promise<boolean> {
  response.writeHead(200, { 'content-type': TYPES['.js']!, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-cache' });
  response.end(text);
  return Promise.resolve(true);
}

/**
 * A path that is no page of the app still gets the app's page (it says "Not found" and links
 * home), but with status 404, so scripts, link checkers and monitors see it is missing.
 */
function answerPageAsNotFound(response: Parameters<UiHandler>[1]): void {
  const writeHead = response.writeHead.bind(response) as (...args: unknown[]) => typeof response;
  response.writeHead = ((status: number, ...rest: unknown[]) => {
    const html = /text\/html/.test(String(response.getHeader('content-type') ?? JSON.stringify(rest)));
    return writeHead(status === 200 && html ? 404 : status, ...rest);
  }) as typeof response.writeHead;
}

async function sendFile(file: string, response: Parameters<UiHandler>[1], cache = 'no-cache'): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return false;
  response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': info.size, 'cache-control': cache });
  createReadStream(file).pipe(response);
  return true;
}

/**
 * Vite injects its HMR client into every page even with HMR off, and the client then
 * retries a socket that is not there (or is another process's). The workbench has no use
 * for it: a page reload shows a changed UI. So the page does not load it, and a module
 * that imports from it (Vite adds `injectQuery` to a module with an `import(url)` of a
 * computed URL) gets the same exports without the socket.
 */
function withoutViteClient(): Plugin {
  const client = `// Vite's client without its HMR socket (core/http/ui-assets.ts).
export function injectQuery(url, query) {
  if (url[0] !== '.' && url[0] !== '/') return url;
  const { search, hash } = new URL(url, 'http://vite.dev');
  return url.replace(/[?#].*$/, '') + '?' + query + (search ? '&' + search.slice(1) : '') + hash;
}
const noop = () => {};
export const createHotContext = () => ({ data: {}, accept: noop, acceptExports: noop, dispose: noop, prune: noop, invalidate: noop, on: noop, off: noop, send: noop });
export const updateStyle = noop;
export const removeStyle = noop;
export class ErrorOverlay {}
`;
  return {
    name: 'athanor:without-vite-client',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        if (!request.url?.startsWith('/@vite/client')) return next();
        response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' });
        response.end(client);
      });
    },
    transformIndexHtml: {
      order: 'post',
      handler: (html) => html.replace(/<script type="module" src="[^"]*\/@vite\/client"><\/script>\s*/, ''),
    },
  };
}

/**
 * The UI from source through Vite in middleware mode (no HMR socket: pages reload). Only
 * for use behind the workbench's server, whose request guard runs first on every path.
 */
export async function createDevUi(): Promise<UiAssets> {
  const { createServer } = await import('vite');
  const vite = await createServer({
    configFile: join(PACKAGE_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    // The workbench's request guard checks the Host of every request before Vite sees it,
    // and knows what it is bound to (Vite's own check refuses the machine's name under
    // `--host 0.0.0.0` or `::`). CORS, files served and open-in-editor: vite.config.ts.
    server: { middlewareMode: true, hmr: false, ws: false, watch: null, allowedHosts: true },
    appType: 'spa',
    plugins: [withoutViteClient()],
  });
  // In dev the elements' module and the live worker are their source, through Vite like everything else.
  const sourceModule = (text: string) => (response: Parameters<UiHandler>[1]) => sendText(text, response);
  return {
    handler: withEmbedRoutes(
      (request, response, next) => vite.middlewares(request, response, next),
      sourceModule("export * from '/index.ts';\n"),
      sourceModule("import '/state/live-worker.ts';\n"),
    ),
    close: () => vite.close(),
  };
}

/**
 * Builds the app into `OUT/ui/` and the elements into `OUT/athanor-ui.js`, as `npm run
 * build` does (OUT: `dist/`, or another folder, e.g. a test's).
 */
export async function buildUi(outDir = join(PACKAGE_ROOT, 'dist'), logLevel: 'warn' | 'error' = 'warn'): Promise<void> {
  const { build } = await import('vite');
  const configFile = join(PACKAGE_ROOT, 'vite.config.ts');
  await build({ configFile, logLevel, build: { outDir: join(outDir, 'ui'), emptyOutDir: true } });
  await build({ configFile, logLevel, mode: 'embed', build: { outDir, emptyOutDir: false } });
  await build({ configFile, logLevel, mode: 'worker', build: { outDir, emptyOutDir: false } });
}

/** Whether the built app, elements module and live worker exist. */
export async function hasBuiltUi(dir = BUILT_UI_DIR, embedModule = BUILT_EMBED_MODULE): Promise<boolean> {
  const isFile = (file: string) => stat(file).then((s) => s.isFile(), () => false);
  return (await isFile(join(dir, 'index.html'))) && (await isFile(embedModule)) && (await isFile(join(dirname(embedModule), LIVE_WORKER_FILE)));
}

/**
 * The built app from `dir`: hashed assets cached for a year, everything else revalidated,
 * and index.html for any path that is not a file (the app routes it); the elements' module
 * and the live worker from beside it.
 */
export function createBuiltUi(dir = BUILT_UI_DIR, embedModule = BUILT_EMBED_MODULE, liveWorker = join(dirname(embedModule), LIVE_WORKER_FILE)): UiAssets {
  const root = normalize(dir + sep);
  const send = (file: string, response: Parameters<UiHandler>[1]) =>
    sendFile(file, response, file.startsWith(join(root, 'assets') + sep) ? 'public, max-age=31536000, immutable' : 'no-cache');
  const handler: UiHandler = (request, response, next) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://ui').pathname);
    } catch {
      pathname = '/'; // a malformed escape: the app's page, which says it does not know the path
    }
    const file = normalize(join(root, pathname));
    // Never outside the build folder, whatever the path says.
    const inside = file.startsWith(root) ? file : join(root, 'index.html');
    void send(inside, response)
      .then((sent) => sent || send(join(root, 'index.html'), response))
      .then((sent) => sent || next())
      .catch(() => next());
  };
  return {
    handler: withEmbedRoutes(handler, (response) => sendFile(embedModule, response), (response) => sendFile(liveWorker, response)),
    close: async () => {},
  };
}
