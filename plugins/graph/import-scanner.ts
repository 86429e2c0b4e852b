/**
 * Finds the local modules a module imports, from its source text: static `import`/`export
 * … from`, side-effect imports and `import('…')` with a literal. A regex, not a parser: a
 * match inside a comment or string only adds an edge to a file that may not exist, which
 * costs an extra reload at worst; bare package specifiers are ignored (they are not local code).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const STATIC_IMPORT = /(?:^|[^\w$.])(?:import|export)\s*(?:type\s+)?(?:[\w$*{}\s,]*?\s*from\s*)?["']([^"'\n]+)["']/g;
const DYNAMIC_IMPORT = /\bimport\s*\(\s*["']([^"'\n]+)["']\s*[,)]/g;

/** The specifiers of local imports (`./x`, `../x`, `/abs/x`, `file:///x`) in a module's text. */
export function scanLocalImports(source: string): string[] {
  const found = new Set<string>();
  for (const pattern of [STATIC_IMPORT, DYNAMIC_IMPORT]) {
    for (const match of source.matchAll(pattern)) {
      const specifier = match[1]!;
      if (isLocalSpecifier(specifier)) found.add(specifier);
    }
  }
  return [...found];
}

/** True for specifiers that name a file rather than a package. */
export function isLocalSpecifier(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/') || specifier.startsWith('file:');
}

const SOURCE_FOR: Record<string, string[]> = {
  '.js': ['.ts', '.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
  '.jsx': ['.tsx'],
};
/** Extensions of the files a module can import (sources and JSON): the files hot reload watches. */
export const IMPORTABLE_EXTENSIONS: ReadonlySet<string> = new Set(['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs', '.jsx', '.json']);
const KNOWN = IMPORTABLE_EXTENSIONS;
const GUESSES = ['.ts', '.tsx', '.mts', '.js', '.mjs', '/index.ts', '/index.js', '/index.mts', '/index.mjs'];

/**
 * The files a local specifier may resolve to, most likely first, as tsx resolves them:
 * the path itself, `.js` → `.ts` and friends, then extensionless guesses.
 */
export function importCandidates(importer: string, specifier: string): string[] {
  let clean = specifier.replace(/[?#].*$/, '');
  if (clean.startsWith('file:')) {
    try {
      clean = fileURLToPath(clean);
    } catch {
      return [];
    }
  }
  const target = path.resolve(path.dirname(importer), clean);
  const ext = path.extname(target);
  if (SOURCE_FOR[ext]) return [target, ...SOURCE_FOR[ext].map((e) => target.slice(0, -ext.length) + e)];
  if (KNOWN.has(ext)) return [target];
  return [target, ...GUESSES.map((g) => target + g)];
}
