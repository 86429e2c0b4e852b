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

  /** Reads nodes for hashing: the graph for the folder's modules, the disk for other files. */
  readonly reader: NodeReader = async (file) => {
    const known = this.graph.get(file);
    if (known) return known;
    const relative = path.relative(this.#root, file);
    const inside = !relative.startsWith('..') && !path.isAbsolute(relative);
    if (inside && isModulePath(relative)) return undefined;
    const node = await readNodeFromDisk(file);
    if (node && inside) this.graph.set(file, node); // a data file a module imports: its changes count from now on
    return node;
  };
}
