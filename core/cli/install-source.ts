/**
 * Where the running athanor was installed from, as the dependency a new project should
 * declare so that `npm install` there gets this same athanor.
 *
 * - Run from a checkout (a clone, or a folder npm linked): `file:` the checkout.
 * - Installed from a tarball or a folder (`npx ./athanor-0.1.0.tgz`, `npm install ../athanor`):
 *   `file:` what npm recorded as its source, read from the lockfile of the tree it was
 *   installed into (npx's cache keeps one too).
 * - Installed from a registry, or when npm left no record: `^version`.
 *
 * `file:` paths are written relative to the new project, as npm itself saves them.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where an installed athanor came from. */
export type InstallSource = { kind: 'checkout' | 'file'; path: string } | { kind: 'registry' };

const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

type Lockfile = { packages?: Record<string, { resolved?: unknown }> };

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

const exists = (file: string) => stat(file).then(() => true, () => false);

/**
 * The `resolved` npm recorded for `node_modules/NAME` in the tree rooted at `treeRoot`:
 * the hidden lockfile first (npm writes it on every install), then `package-lock.json`.
 */
async function recordedSource(treeRoot: string, name: string): Promise<string | undefined> {
  for (const file of [path.join(treeRoot, 'node_modules', '.package-lock.json'), path.join(treeRoot, 'package-lock.json')]) {
    const resolved = (await readJson<Lockfile>(file))?.packages?.[`node_modules/${name}`]?.resolved;
    if (typeof resolved === 'string') return resolved;
  }
  return undefined;
}

/**
 * Where the package at `packageRoot` (default: this athanor) was installed from.
 *
 * @example
 * await installSource('/home/me/.npm/_npx/1a2b/node_modules/athanor')
 * // { kind: 'file', path: '/home/me/downloads/athanor-0.1.0.tgz' }
 */
export async function installSource(packageRoot = PACKAGE_ROOT): Promise<InstallSource> {
  // npm links folders (`npm install ../athanor`, `npx .` in a clone): follow the link.
  const root = await realpath(packageRoot);
  const parts = root.split(path.sep);
  const at = parts.lastIndexOf('node_modules');
  if (at === -1) return { kind: 'checkout', path: root };
  const treeRoot = parts.slice(0, at).join(path.sep) || path.sep;
  const name = parts.slice(at + 1).join('/');
  const resolved = await recordedSource(treeRoot, name);
  if (resolved?.startsWith('file:')) {
    const source = path.resolve(treeRoot, resolved.slice('file:'.length));
    // A tarball deleted since is no source: the registry's version is the best guess left.
    if (await exists(source)) return { kind: 'file', path: source };
  }
  return { kind: 'registry' };
}

/**
 * The dependency spec for athanor in a new project at `projectRoot`: `file:<relative path>`
 * to a checkout or tarball, else `^version`.
 */
export function dependencySpec(source: InstallSource, version: string, projectRoot: string): string {
  if (source.kind === 'registry') return `^${version}`;
  const relative = path.relative(projectRoot, source.path).split(path.sep).join('/');
  return `file:${relative === '' ? '.' : relative}`;
}
