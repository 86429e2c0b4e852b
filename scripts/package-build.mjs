#!/usr/bin/env node
// The published package ships compiled JavaScript with declarations, as Kysely and
// graphile-worker do, so users neither compile athanor nor need a loader for it.
//
//   node scripts/package-build.mjs pack     (prepack) compiles core/, plugins/ and storage/
//       beside their sources (tsconfig.build.json), bundles Kysely for them
//       (bundle-dependencies.mjs) and points package.json's exports and files at the output,
//       keeping the development manifest aside;
//   node scripts/package-build.mjs restore  (postpack) puts the manifest back and removes
//       the output, so the checkout runs its sources again.
//   node scripts/package-build.mjs pack --transpile-only   the same JavaScript without
//       declarations or type checking (each file on its own, as isolatedModules promises
//       tsc compiles it): the test suites' copy of the package (package-copy.ts), ~3 s
//       instead of tsc's ~15 CPU-s; `npm run typecheck` checks the types.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleDependencies } from './bundle-dependencies.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifestFile = join(root, 'package.json');
const kept = join(root, '.package.json.development');
const COMPILED = ['core', 'plugins', 'storage'];
// tsc also compiles the ui/ modules core/ imports (the route table, the live protocol): they ship
// with ui/, and go with the rest of the output after the pack.
const EMITTED = [...COMPILED, 'ui'];

/** The package's exports and files as published: compiled entry points, no TypeScript sources. */
function published(manifest) {
  const compiled = (source) => source.replace(/\.ts$/, '.js');
  const exports = Object.fromEntries(
    Object.entries(manifest.exports).map(([name, target]) => {
      if (typeof target !== 'object' || !COMPILED.some((dir) => target.default.startsWith(`./${dir}/`))) return [name, target];
      return [name, { types: target.types.replace(/\.ts$/, '.d.ts'), default: compiled(target.default) }];
    }),
  );
  const files = manifest.files.flatMap((entry) =>
    COMPILED.includes(entry.replace(/\/$/, '')) ? [`${entry}**/*.js`, `${entry}**/*.mjs`, `${entry}**/*.d.ts`, `!${entry}**/*.test.*`] : [entry],
  );
  return { ...manifest, exports, files: [...files, 'core/cli/templates/'] };
}

/** Every compiled file beside a source: `x.js` or `x.d.ts` where `x.ts` is. */
function outputs(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return outputs(path);
    const source = path.replace(/(\.d\.ts|\.js)$/, '.ts');
    return source !== path && !path.endsWith('.ts.js') && existsSync(source) && (path.endsWith('.js') || path.endsWith('.d.ts')) ? [path] : [];
  });
}

/**
 * What tsc -p tsconfig.build.json emits, JavaScript only: every source under COMPILED (not the
 * scaffold's templates) and the ui/ modules they import, each compiled alone.
 */
async function transpile() {
  const { default: ts } = await import('typescript');
  const { options } = ts.parseJsonConfigFileContent(ts.readConfigFile(join(root, 'tsconfig.build.json'), ts.sys.readFile).config, ts.sys, root);
  // Each file as the ES module it is under "type": "module" (transpileModule cannot read package.json).
  // jsx: tsc's default (transpileModule's preserves JSX, which would rewrite a dynamic import of .tsx to .jsx).
  const compilerOptions = { ...options, module: ts.ModuleKind.ESNext, jsx: options.jsx ?? ts.JsxEmit.None, declaration: false, noEmit: false };
  const sources = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return path === join(root, 'core/cli/templates') ? [] : sources(path);
      return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
    });
  const queue = COMPILED.flatMap((dir) => sources(join(root, dir)));
  const done = new Set();
  for (let file = queue.shift(); file; file = queue.shift()) {
    if (done.has(file)) continue;
    done.add(file);
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions, fileName: file });
    writeFileSync(file.replace(/\.ts$/, '.js'), outputText);
    // The ui/ modules it imports (a text that merely looks like an import names no file).
    for (const [, specifier] of outputText.matchAll(/\bfrom\s*["'](\.{1,2}\/[^"']+)\.js["']/g)) {
      const imported = join(dirname(file), `${specifier}.ts`);
      if (existsSync(imported)) queue.push(imported);
    }
  }
}

function restore() {
  if (existsSync(kept)) renameSync(kept, manifestFile);
  for (const dir of EMITTED) for (const file of outputs(join(root, dir))) rmSync(file);
}

const command = process.argv[2];
if (command === 'pack') {
  restore(); // a pack that stopped half-way leaves nothing behind
  try {
    if (process.argv.includes('--transpile-only')) await transpile();
    else execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
    await bundleDependencies(root, COMPILED);
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    writeFileSync(kept, readFileSync(manifestFile));
    writeFileSync(manifestFile, `${JSON.stringify(published(manifest), null, 2)}\n`);
  } catch (error) {
    restore();
    throw error;
  }
} else if (command === 'restore') {
  restore();
} else {
  console.error('usage: node scripts/package-build.mjs pack|restore');
  process.exit(2);
}
