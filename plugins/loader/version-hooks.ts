/**
 * Module hooks for the loader process (registered with `module.register`). Each load
 * imports the experiment as `file.ts?athanor-load=N`; this hook gives the same query to
 * every local module it imports, transitively, so a load always evaluates the current code
 * of the whole local graph — a changed helper included — while packages (and `athanor`
 * itself) stay cached. The process is recycled after a number of loads, since an ES
 * module cache never forgets.
 *
 * Local means: a relative or absolute specifier, or any specifier (a tsconfig path, a
 * `#import`) that resolves into the experiments folder — never a file in `node_modules`.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const LOAD_PARAM = 'athanor-load';

interface ResolveContext {
  parentURL?: string;
}
type ResolveResult = { url: string; format?: string | null; shortCircuit?: boolean };
type NextResolve = (specifier: string, context: ResolveContext) => Promise<ResolveResult>;

let root: string | undefined;

/** Node's `initialize` hook: receives `{ root }`, the experiments folder. */
export function initialize(data: { root?: string } | undefined): void {
  root = data?.root;
}

/** Node's `resolve` hook. */
export async function resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve): Promise<ResolveResult> {
  const result = await nextResolve(specifier, context);
  const parent = context.parentURL;
  if (!parent?.includes(LOAD_PARAM) || !result.url.startsWith('file:') || result.url.includes('/node_modules/')) return result;
  if (!/^(\.{1,2}\/|\/|file:)/.test(specifier) && !isInsideRoot(result.url)) return result;
  const version = new URL(parent).searchParams.get(LOAD_PARAM);
  if (version === null) return result;
  const url = new URL(result.url);
  url.searchParams.set(LOAD_PARAM, version);
  return { ...result, url: url.href };
}

function isInsideRoot(url: string): boolean {
  if (!root) return false;
  const relative = path.relative(root, fileURLToPath(url));
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
