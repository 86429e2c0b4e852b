/**
 * `athanor init [dir]`: scaffolds a project — `package.json` depending on athanor,
 * `tsconfig.json`, `experiments/` with the minimal example, and a test of it using
 * `athanor/testing` — ready for `npm install`, `npm test` and `npx athanor dev`.
 *
 * It writes only into a new or empty folder (a `.git` alone counts as empty): anything
 * else is refused, exit 2, and nothing is written.
 */
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { makeFolders } from '../../../storage/make-folders.ts';
import { EnvironmentError } from '../environment-error.ts';
import path from 'node:path';
import { experimentTemplate } from '../../../plugins/source/experiment-template.ts';
import { InputError } from '../../errors.ts';
import { parseCommandArgs } from '../cli-args.ts';
import { dependencySpec, installSource } from '../install-source.ts';

import { INIT_USAGE } from '../usage.ts';

const TEMPLATES = new URL('../templates/', import.meta.url);
const ATHANOR_PACKAGE = new URL('../../../package.json', import.meta.url);
const EXPERIMENT = { name: 'my_experiment', file: 'my_experiment.ts' };
/** What may already be in the folder: a fresh `git init` is still an empty project. */
const ALLOWED_ENTRIES = new Set(['.git']);

/** A valid npm package name from a folder name: `My Experiments` → `my-experiments`. */
export function packageNameFor(dir: string): string {
  const name = path
    .basename(path.resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/^[._-]+|[-]+$/g, '')
    .slice(0, 214);
  return name === '' ? 'athanor-experiments' : name;
}

/** Refuses a folder that holds anything (or a file in its place); resolves when it may be written. */
async function checkTarget(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) return;
  if (!info.isDirectory()) throw new InputError(`${dir} exists and is not a folder; give a new or empty folder to athanor init`);
  const entries = (await readdir(dir)).filter((entry) => !ALLOWED_ENTRIES.has(entry));
  if (entries.length > 0) {
    const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? `, … (${entries.length} entries)` : '');
    throw new InputError(`${dir} is not empty (it holds ${shown}); athanor init writes only into a new or empty folder, so nothing was written`);
  }
}

async function template(name: string, values: Record<string, string>): Promise<string> {
  const text = await readFile(new URL(name, TEMPLATES), 'utf8');
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? '');
}

type PackageManifest = { version: string; engines?: Record<string, string>; dependencies?: Record<string, string>; devDependencies?: Record<string, string> };

/** The version athanor itself depends on, so a new project installs what athanor was tested with. */
function versionOf(athanor: PackageManifest, name: string): string {
  const version = athanor.dependencies?.[name] ?? athanor.devDependencies?.[name];
  if (!version) throw new Error(`athanor's package.json does not name ${name}: the init template is out of date`);
  return version;
}

/**
 * The project's package.json: athanor from where this one came from (its checkout or
 * tarball, else the registry at this version), and the tools the test script uses at the
 * versions athanor itself uses.
 */
async function packageJson(name: string, athanorSpec: string): Promise<string> {
  const athanor = JSON.parse(await readFile(ATHANOR_PACKAGE, 'utf8')) as PackageManifest;
  const manifest = {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: athanor.engines,
    scripts: {
      dev: 'athanor dev',
      test: 'node --import tsx --test test/*.test.ts',
      typecheck: 'tsc --noEmit',
    },
    dependencies: { athanor: athanorSpec },
    // athanor ships JavaScript with declarations: a project compiles only its own code.
    devDependencies: Object.fromEntries(['@types/node', 'tsx', 'typescript'].map((name) => [name, versionOf(athanor, name)])),
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** The files of a new project, by relative path; `athanorSpec` is its dependency on athanor. */
export async function projectFiles(name: string, athanorSpec: string): Promise<Map<string, string>> {
  const values = { name, file: EXPERIMENT.file };
  return new Map([
    ['package.json', await packageJson(name, athanorSpec)],
    ['tsconfig.json', await template('tsconfig.json.tpl', values)],
    ['.gitignore', await template('gitignore.tpl', values)],
    ['README.md', await template('README.md.tpl', values)],
    [`experiments/${EXPERIMENT.file}`, experimentTemplate(EXPERIMENT.name)],
    [`test/${EXPERIMENT.name}.test.ts`, await template('experiment.test.ts.tpl', { ...values, name: EXPERIMENT.name })],
  ]);
}

/** Runs `athanor init`; returns the exit code. */
export async function initCommand(args: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {});
  if (values.help) {
    out(INIT_USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new InputError(`athanor init takes one folder, got ${positionals.join(', ')}`);
  const dir = positionals[0] ?? '.';
  const root = path.resolve(dir);
  await checkTarget(root);
  await makeFolders(root).catch((error: NodeJS.ErrnoException) => {
    if (typeof error.code !== 'string') throw error;
    throw new EnvironmentError(`cannot create ${root}: ${error.message}; name a folder you can write`, { cause: error });
  });
  const source = await installSource();
  const { version } = JSON.parse(await readFile(ATHANOR_PACKAGE, 'utf8')) as PackageManifest;
  const athanorSpec = dependencySpec(source, version, root);
  const files = await projectFiles(packageNameFor(root), athanorSpec);
  for (const [relative, content] of files) {
    const target = path.join(root, relative);
    await makeFolders(path.dirname(target));
    // `wx`: never overwrite, even if something appeared since the check.
    await writeFile(target, content, { flag: 'wx' });
    out(`  created ${relative}`);
  }
  const cd = path.relative(process.cwd(), root);
  out('');
  out(`A new Athanor project in ${root}. Next:`);
  if (cd !== '') out(`  cd ${cd.includes(' ') ? JSON.stringify(cd) : cd}`);
  // Not from a registry: say where athanor will come from, so that moving it is no surprise.
  out(source.kind === 'registry' ? '  npm install' : `  npm install         # athanor from ${source.path}`);
  out('  npm test            # runs test/my_experiment.test.ts');
  out('  npx athanor dev     # the workbench on http://127.0.0.1:4000');
  return 0;
}
