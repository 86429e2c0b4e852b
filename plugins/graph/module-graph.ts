/**
 * The local import graph of the experiments folder: which module imports which, to reload
 * the importers of a changed helper and to compute each experiment's code hash.
 *
 * Edges are kept by *candidate* path (`./x.js` may be `x.js` or `x.ts`), so an import of a
 * file that does not exist yet still links the importer to it: adding the file reloads it.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { importCandidates, scanLocalImports } from './import-scanner.ts';
import { toPosix } from '../discovery/experiment-files.ts';

/** One module as the graph knows it. */
export interface ModuleNode {
  /** sha256 (hex) of the file's bytes. */
  readonly hash: string;
  /** Per local import, the files it may resolve to (most likely first). */
  readonly imports: readonly (readonly string[])[];
}

/** Reads a module's node (from memory or disk); undefined when the file does not exist. */
export type NodeReader = (file: string) => Promise<ModuleNode | undefined>;

const CODE = /\.(m|c)?(t|j)sx?$/;

/** Hashes a file's text and scans its local imports (non-code files, like JSON, import nothing). */
export function moduleNode(file: string, content: string | Buffer): ModuleNode {
  const hash = createHash('sha256').update(content).digest('hex');
  if (!CODE.test(file)) return { hash, imports: [] };
  const text = typeof content === 'string' ? content : content.toString('utf8');
  return { hash, imports: scanLocalImports(text).map((s) => importCandidates(file, s)) };
}

/** Reads a module's node from disk (undefined if it is missing or a folder). */
export const readNodeFromDisk: NodeReader = async (file) => {
  try {
    return moduleNode(file, await readFile(file));
  } catch {
    return undefined;
  }
};

/** The import graph, kept up to date by the registry as files change. */
export class ModuleGraph {
  readonly #nodes = new Map<string, ModuleNode>();
  /** candidate path → modules importing it */
  readonly #importers = new Map<string, Set<string>>();

  get(file: string): ModuleNode | undefined {
    return this.#nodes.get(file);
  }

  /** Adds or replaces a module. */
  set(file: string, node: ModuleNode): void {
    this.delete(file);
    this.#nodes.set(file, node);
    for (const candidate of node.imports.flat()) {
      let set = this.#importers.get(candidate);
      if (!set) this.#importers.set(candidate, (set = new Set()));
      set.add(file);
    }
  }

  delete(file: string): void {
    const node = this.#nodes.get(file);
    if (!node) return;
    this.#nodes.delete(file);
    for (const candidate of node.imports.flat()) {
      const set = this.#importers.get(candidate);
      set?.delete(file);
      if (set?.size === 0) this.#importers.delete(candidate);
    }
  }

  /** Every path some module imports (or may import: each candidate of an import). */
  importedPaths(): IterableIterator<string> {
    return this.#importers.keys();
  }

  /** True when some module imports (or may import) this file. */
  isImported(file: string): boolean {
    return this.#importers.has(file);
  }

  /** Every module that imports one of `files`, directly or through others (the files themselves excluded unless in a cycle). */
  importersOf(files: Iterable<string>): Set<string> {
    const found = new Set<string>();
    const queue = [...files];
    while (queue.length > 0) {
      for (const importer of this.#importers.get(queue.pop()!) ?? []) {
        if (!found.has(importer)) {
          found.add(importer);
          queue.push(importer);
        }
      }
    }
    return found;
  }
}

/**
 * A module and every local module it imports, transitively: file → content hash. Undefined
 * when the module itself does not exist.
 */
export async function codeMembers(file: string, read: NodeReader): Promise<Map<string, string> | undefined> {
  const seen = new Map<string, string>();
  const queue = [file];
  while (queue.length > 0) {
    const current = queue.pop()!;
    const node = await read(current);
    if (!node) {
      if (current === file) return undefined;
      continue;
    }
    seen.set(current, node.hash);
    for (const candidates of node.imports) {
      const target = await firstExisting(candidates, read);
      if (target && !seen.has(target) && !queue.includes(target)) queue.push(target);
    }
  }
  return seen;
}

/** The code hash of a set of members: sha256 over each one's path (relative to `root`) and content hash. */
export function hashMembers(members: ReadonlyMap<string, string>, root: string): string {
  const hash = createHash('sha256');
  for (const [member, memberHash] of [...members].sort(([a], [b]) => (a < b ? -1 : 1))) {
    hash.update(`${toPosix(path.relative(root, member))}\0${memberHash}\n`);
  }
  return hash.digest('hex');
}

/**
 * The code hash of a module: sha256 over the path and content hash of the module and every
 * local module it imports, transitively. Paths are relative to `root`, so moving the
 * folder keeps the hashes.
 */
export async function computeCodeHash(file: string, root: string, read: NodeReader): Promise<string | undefined> {
  const members = await codeMembers(file, read);
  return members && hashMembers(members, root);
}

async function firstExisting(candidates: readonly string[], read: NodeReader): Promise<string | undefined> {
  for (const candidate of candidates) if (await read(candidate)) return candidate;
  return undefined;
}
