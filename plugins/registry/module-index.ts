/**
 * What the registry knows of the folder's files between loads: the import graph (with
 * each file's content hash) and, for each module, the text hints read when it was last
 * read. Also decides which changed paths matter: modules, and files modules import.
 */
import path from 'node:path';
import { ModuleGraph, moduleNode, readNodeFromDisk, type ModuleNode, type NodeReader } from '../graph/module-graph.ts';
import { isModulePath, mayExportExperiment, readsLikeExperiment } from '../discovery/experiment-files.ts';

/** Read from a module's text when it is read. */
export interface ModuleHints {
  /** It may export `experiment`/`run` (else it is a helper and never loaded). */
  mayExport: boolean;
  /** It declares an `experiment` or `run` export (listed if it fails to load). */
  readsLikeExperiment: boolean;
}

/** The graph and hints of one experiments folder. */
export class ModuleIndex {
  readonly graph = new ModuleGraph();
  readonly #root: string;
  readonly #hints = new Map<string, ModuleHints>();

  constructor(root: string) {
    this.#root = root;
  }

  /** True for a module of the folder (by its path). */
  isModule(file: string): boolean {
    return isModulePath(path.relative(this.#root, file));
  }

  /** True for paths whose changes matter: modules, and files a module imports (data, or outside the module rules). */
  tracks(file: string): boolean {
    return this.isModule(file) || this.graph.get(file) !== undefined || this.graph.isImported(file);
  }

  /** Records a file's new content; returns its node. */
  index(file: string, content: Buffer): ModuleNode {
    const node = moduleNode(file, content);
    this.graph.set(file, node);
    if (this.isModule(file)) {
      const text = content.toString('utf8');
      this.#hints.set(file, { mayExport: mayExportExperiment(text), readsLikeExperiment: readsLikeExperiment(text) });
    }
    return node;
  }

  forget(file: string): void {
    this.graph.delete(file);
    this.#hints.delete(file);
  }

  hints(file: string): ModuleHints | undefined {
    return this.#hints.get(file);
  }

  /** Modules known under `folder` (it was removed or renamed away). */
  knownUnder(folder: string): string[] {
    const prefix = folder + path.sep;
    return [...this.#hints.keys()].filter((file) => file.startsWith(prefix));
  }

  /**
   * The files outside the folder that its modules import, directly or through one another (a
   * project's `../src/` helpers), that exist: read and kept in the graph, so that a watcher
   * told of them makes their edits reload their importers as a helper's inside does.
   */
  async outsideImports(): Promise<string[]> {
    const found: string[] = [];
    const seen = new Set<string>();
    const queue = [...this.graph.importedPaths()].filter((file) => !this.#inside(file));
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      let node = this.graph.get(file);
      if (!node) {
        node = await readNodeFromDisk(file);
        if (!node) continue; // one candidate of an import (x.js for x.ts), or gone
        this.graph.set(file, node);
      }
      found.push(file);
      for (const candidate of node.imports.flat()) if (!this.#inside(candidate) && !seen.has(candidate)) queue.push(candidate);
    }
    return found;
  }

  #inside(file: string): boolean {
    const relative = path.relative(this.#root, file);
    return !relative.startsWith('..') && !path.isAbsolute(relative);
  }

  /** Reads nodes for hashing: the graph for the folder's modules, the disk for other files. */
  readonly reader: NodeReader = async (file) => {
    const known = this.graph.get(file);
    if (known) return known;
    const inside = this.#inside(file);
    if (inside && isModulePath(path.relative(this.#root, file))) return undefined;
    const node = await readNodeFromDisk(file);
    if (node && inside) this.graph.set(file, node); // a data file a module imports: its changes count from now on
    return node;
  };
}
