/**
 * A copy of the package as `npm pack` ships it, without packing it: the sources copied, then
 * compiled there by the same step `npm pack` runs (package-build.mjs: JavaScript and
 * declarations, Kysely bundled, the published manifest), the TypeScript sources of core/,
 * plugins/ and storage/ removed, and this checkout's node_modules linked. The benches time
 * the commands users get from it, and `npm test` runs the CLI suites against it
 * (test/helpers/athanor-command.ts): ~1 s less a command than bin/athanor.js in a checkout,
 * which compiles athanor's TypeScript through tsx.
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdir, readdir, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildUi } from '../core/http/ui-assets.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const COPIED = ['bin', 'core', 'plugins', 'storage', 'ui', 'scripts', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'vite.config.ts'];

export interface PackageCopyOptions {
  /** A UI built by `buildUi` to link into the copy's dist/ (else it is built there). */
  builtUi?: string;
  /** Also build the template of a new PGlite folder the package ships (else new folders use the cache's). */
  pgliteTemplate?: boolean;
  /** JavaScript without declarations or tsc's type check (package-build.mjs --transpile-only): for what only runs it. */
  transpileOnly?: boolean;
}

/** Makes the package at `dir` (which must not exist); returns its `bin/athanor.js`. */
export async function packageCopy(dir: string, options: PackageCopyOptions = {}): Promise<string> {
  for (const entry of COPIED) await cp(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  const dist = path.join(dir, 'dist');
  if (options.builtUi) {
    await mkdir(dist);
    // Whatever buildUi wrote there (the app, the elements' module, the live worker), as it is.
    for (const entry of await readdir(options.builtUi)) await symlink(path.join(options.builtUi, entry), path.join(dist, entry));
  } else {
    await buildUi(dist, 'error');
  }
  if (options.pgliteTemplate) {
    execFileSync(process.execPath, ['--import', 'tsx', path.join(dir, 'scripts/build-pglite-template.ts')], { cwd: dir, stdio: 'inherit' });
  }
  execFileSync(process.execPath, [path.join(dir, 'scripts/package-build.mjs'), 'pack', ...(options.transpileOnly ? ['--transpile-only'] : [])], { cwd: dir, stdio: 'inherit' });
  // As `files` publishes them: compiled, without the sources (the scaffold's templates stay).
  const removeSources = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const file = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (file !== path.join(dir, 'core/cli/templates')) await removeSources(file);
      } else if (file.endsWith('.ts') && !file.endsWith('.d.ts')) await rm(file);
    }
  };
  for (const folder of ['core', 'plugins', 'storage']) await removeSources(path.join(dir, folder));
  return path.join(dir, 'bin/athanor.js');
}
