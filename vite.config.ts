/**
 * Vite builds the UI two ways:
 * - the workbench app (`ui/index.html` → `dist/ui/`), which `athanor serve` serves and
 *   `athanor dev` serves from source through Vite's middleware;
 * - `--mode embed`: one self-contained module, `dist/athanor-ui.js`, that any page
 *   includes with a single `<script type="module">` to use the elements.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const ui = fileURLToPath(new URL('./ui/', import.meta.url));
const dist = fileURLToPath(new URL('./dist/', import.meta.url));

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
];

export default defineConfig(({ mode }) =>
  mode === 'embed'
    ? {
        root: ui,
        publicDir: false,
        build: {
          outDir: dist,
          emptyOutDir: false,
          target: 'es2022',
          lib: { entry: `${ui}index.ts`, formats: ['es'], fileName: () => 'athanor-ui.js' },
          rolldownOptions: { output: { codeSplitting: false } },
        },
      }
    : {
        root: ui,
        appType: 'spa',
        publicDir: false,
        // Every dependency the UI imports, bundled when the dev server starts: discovered
        // lazily instead, a new one would need a page reload, and the workbench serves
        // pages without Vite's reload socket.
        optimizeDeps: { include: UI_DEPENDENCIES, entries: ['index.html'] },
        build: { outDir: `${dist}ui`, emptyOutDir: true, target: 'es2022' },
      },
);
