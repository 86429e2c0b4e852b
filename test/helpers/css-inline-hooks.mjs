// Node module hooks for the component suites: Vite's `import css from 'x.css?inline'` (a
// style sheet's text, as the UI adopts uPlot's) works under Node as it does in Vite.
import { readFile } from 'node:fs/promises';

const INLINE = /\.css\?inline$/;

export async function resolve(specifier, context, nextResolve) {
  if (!INLINE.test(specifier)) return nextResolve(specifier, context);
  const { url } = await nextResolve(specifier.replace(/\?inline$/, ''), context);
  return { url: `${url}?inline`, shortCircuit: true };
}

export async function load(url, context, nextLoad) {
  if (!INLINE.test(url)) return nextLoad(url, context);
  const text = await readFile(new URL(url.replace(/\?inline$/, '')), 'utf8');
  return { format: 'module', source: `export default ${JSON.stringify(text)};`, shortCircuit: true };
}
