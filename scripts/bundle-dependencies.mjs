// Kysely ships ~280 ES modules: Node spent ~120 ms resolving and linking them at the start
// of every command that opens storage (`athanor run`, `dev`, `sweep`), a third of what a
// one-line `athanor run` does before its run starts. The published package bundles it, with
// kysely-pglite-dialect (which imports it: one copy of its classes), into one file with
// esbuild (already installed as tsx's compiler), and points the compiled JavaScript at it.
// Declarations keep importing 'kysely': the types are the same package's.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

const BUNDLED = ['kysely', 'kysely-pglite-dialect'];
/** Where the bundle goes, from the package's root. */
export const DEPENDENCY_BUNDLE = 'dist/vendor/kysely.js';

/** The `.js` files compiled beside a `.ts` source. */
function compiledFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : compiledFiles(path);
    return path.endsWith('.js') && existsSync(path.replace(/\.js$/, '.ts')) ? [path] : [];
  });
}

/**
 * Writes the bundle into `root`'s dist/ and rewrites the compiled `.js` files under `dirs`
 * (beside their sources) to import it instead of the packages it holds.
 */
export async function bundleDependencies(root, dirs) {
  const { build } = await import('esbuild');
  const bundle = join(root, DEPENDENCY_BUNDLE);
  await build({
    stdin: { contents: "export * from 'kysely';\nexport { PGliteDialect } from 'kysely-pglite-dialect';\n", resolveDir: root, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile: bundle,
    external: ['@electric-sql/pglite'],
    legalComments: 'inline',
    logLevel: 'warning',
  });
  const imports = new RegExp(`(from\\s*|import\\s*\\(\\s*)(['"])(${BUNDLED.join('|')})\\2`, 'g');
  let rewritten = 0;
  for (const dir of dirs) {
    for (const file of compiledFiles(join(root, dir))) {
      const text = readFileSync(file, 'utf8');
      if (!imports.test(text)) continue;
      imports.lastIndex = 0;
      let target = relative(dirname(file), bundle).split(sep).join('/');
      if (!target.startsWith('.')) target = `./${target}`;
      writeFileSync(file, text.replace(imports, (_, lead, quote) => `${lead}${quote}${target}${quote}`));
      rewritten += 1;
    }
  }
  if (rewritten === 0) throw new Error(`no compiled file imports ${BUNDLED.join(' or ')}: compile before bundling`);
  return rewritten;
}
