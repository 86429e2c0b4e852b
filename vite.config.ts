/**
 * Vite builds the UI two ways:
 * - the workbench app (`ui/index.html` → `dist/ui/`), which `athanor serve` serves and
 *   `athanor dev` serves from source through Vite's middleware;
 * - `--mode embed`: one self-contained module, `dist/athanor-ui.js`, that any page
 *   includes with a single `<script type="module">` to use the elements;
 * - `--mode worker`: the SharedWorker that holds the browser's one live connection for
 *   every tab, `dist/athanor-live-worker.js` (one self-contained module at a fixed URL, so
 *   the app and the embed page of one workbench share it).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const ui = fileURLToPath(new URL('./ui/', import.meta.url));
const dist = fileURLToPath(new URL('./dist/', import.meta.url));
/** Where the dev server keeps the dependencies it bundles (`optimizeDeps`). */
const DEV_CACHE_DIR = fileURLToPath(new URL('./node_modules/.vite-athanor/', import.meta.url));
/** The server code the UI imports: the configuration validator and the live events' topics. */
const SHARED_WITH_SERVER = [fileURLToPath(new URL('./core/experiment/', import.meta.url)), fileURLToPath(new URL('./core/events/', import.meta.url))];
/** The dependencies' files the UI imports as they are (uPlot's style sheet, `?inline`). */
const DEPENDENCY_FILES = [fileURLToPath(new URL('./node_modules/uplot/dist/', import.meta.url))];

const UI_DEPENDENCIES = [
  'lit',
  'lit/directives/*.js',
  '@lit-labs/signals',
  'ajv',
  'ajv-formats',
  'ajv-formats/dist/formats.js',
  'ajv/dist/runtime/equal.js',
  'ajv/dist/runtime/ucs2length.js',
  'codemirror',
  '@codemirror/commands',
  '@codemirror/lang-javascript',
  '@codemirror/language',
  '@codemirror/lint',
  '@codemirror/state',
  '@codemirror/view',
  '@lezer/highlight',
  'uplot',
];

/** A single-file ES module of `entry` into dist/ (the elements, the live worker). */
const singleModule = (entry: string, fileName: string) => ({
  root: ui,
  publicDir: false as const,
  build: {
    outDir: dist,
    emptyOutDir: false,
    target: 'es2022',
    lib: { entry, formats: ['es' as const], fileName: () => fileName },
    rolldownOptions: { output: { codeSplitting: false } },
  },
});

export default defineConfig(({ mode }) =>
  mode === 'worker'
    ? singleModule(`${ui}state/live-worker.ts`, 'athanor-live-worker.js')
    : mode === 'embed'
      ? singleModule(`${ui}index.ts`, 'athanor-ui.js')
      : {
        root: ui,
        appType: 'spa',
        publicDir: false,
        // Every dependency the UI imports, bundled when the dev server starts: discovered
        // lazily instead, a new one would need a page reload, and the workbench serves
        // pages without Vite's reload socket.
        optimizeDeps: { include: UI_DEPENDENCIES, entries: ['index.html'] },
        cacheDir: DEV_CACHE_DIR,
        // The dev server runs on the user's machine beside their project and its database
        // (.athanor/): it serves the UI's files and nothing else. No CORS (Vite's default
        // answers any localhost origin, which lets a page on another port read what it
        // serves), files only from the UI, the code it shares with the server and its
        // bundled dependencies (Vite's default is the whole workspace), and no
        // open-in-editor (any page could make it open any file).
        server: { cors: false, fs: { strict: true, allow: [ui, ...SHARED_WITH_SERVER, ...DEPENDENCY_FILES, DEV_CACHE_DIR] } },
        plugins: [withoutOpenInEditor()],
        build: { outDir: `${dist}ui`, emptyOutDir: true, target: 'es2022' },
      },
);

/**
 * Vite always mounts launch-editor at `/__open-in-editor` (no option turns it off). A
 * middleware added in `configureServer` runs before it, with the same path matching
 * (connect's: any case, a prefix up to `/` or `.`), so the editor is never reached.
 */
function withoutOpenInEditor(): Plugin {
  return {
    name: 'athanor:without-open-in-editor',
    configureServer(server) {
      server.middlewares.use('/__open-in-editor', (_request, response) => {
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        response.end('the workbench does not open files in an editor');
      });
    },
  };
}
