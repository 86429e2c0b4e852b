/**
 * The registry's state: one record per module file, and the public entries derived from
 * them — which file owns which experiment name — with the events that tell subscribers
 * what changed since the last commit.
 *
 * Names: an experiment is listed under its definition's name. When two files declare the
 * same name, the file that held it keeps it (at start, the first by path) and the other is
 * listed with `ERR_DUPLICATE_NAME` under a name made from its file name (`copy`, `copy~2`),
 * so the author can still open and fix it. A broken experiment keeps the name it last
 * loaded with, so its instances stay attached to it; a file that never loaded is listed
 * under its file name.
 */
import path from 'node:path';
import type { DefinitionData } from '../../core/experiment/index.ts';
import type { ExperimentEntry, ExperimentError, RegistryEvent } from './registry-types.ts';

/** What the registry knows of one module file. */
export interface FileRecord {
  /** Absolute path. */
  readonly file: string;
  /** Relative to the experiments folder, forward slashes. */
  readonly rel: string;
  kind: 'pending' | 'helper' | 'experiment' | 'error';
  /** Listed as an experiment (a helper, or a broken helper, is not). */
  listed: boolean;
  /** The last definition that loaded (kept while broken). */
  definition?: DefinitionData;
  error?: ExperimentError;
  /** Code hash of the version last loaded. */
  codeHash: string | null;
}

/** Records and their public entries. */
export class ExperimentTable {
  readonly #records = new Map<string, FileRecord>();
  readonly #touched = new Set<string>();
  /** Listed files deleted or unlisted since the last commit (cheap removal checks). */
  readonly #leaving = new Set<string>();
  #holders = new Map<string, string>(); // name → file
  #byFile = new Map<string, ExperimentEntry>();
  #byName = new Map<string, ExperimentEntry>();

  record(file: string): FileRecord | undefined {
    return this.#records.get(file);
  }

  records(): IterableIterator<FileRecord> {
    return this.#records.values();
  }

  /** Adds or updates a record; it counts as reloaded at the next commit. */
  put(record: FileRecord): void {
    this.#records.set(record.file, record);
    this.#touched.add(record.file);
    if (!record.listed && this.#byFile.has(record.file)) this.#leaving.add(record.file);
  }

  delete(file: string): void {
    if (!this.#records.delete(file)) return;
    this.#touched.add(file);
    if (this.#byFile.has(file)) this.#leaving.add(file);
  }

  /** True when records changed since the last commit. */
  get dirty(): boolean {
    return this.#touched.size > 0;
  }

  list(): ExperimentEntry[] {
    return [...this.#byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  get(name: string): ExperimentEntry | undefined {
    return this.#byName.get(name);
  }

  /** The public entry of a file, if it is listed. */
  entryOf(file: string): ExperimentEntry | undefined {
    return this.#byFile.get(file);
  }

  /** True when the next commit would remove a listed name: a file gone or no longer listed, its name claimed by no other file. */
  hasPendingRemoval(): boolean {
    const gone: string[] = [];
    for (const file of this.#leaving) {
      const entry = this.#byFile.get(file);
      const record = this.#records.get(file);
      if (entry && !record?.listed) gone.push(entry.name);
    }
    if (gone.length === 0) return false;
    const claimed = new Set<string>();
    for (const record of this.#records.values()) if (record.listed && record.definition) claimed.add(record.definition.name);
    return gone.some((name) => !claimed.has(name));
  }

  /** Recomputes the public entries and returns the events since the last commit (removals first). */
  commit(): RegistryEvent[] {
    const holders = this.#assignNames();
    const taken = new Set(holders.keys());
    const byFile = new Map<string, ExperimentEntry>();
    const listed = [...this.#records.values()].filter((r) => r.listed).sort((a, b) => (a.rel < b.rel ? -1 : 1));
    for (const record of listed) {
      const claim = claimOf(record);
      const holder = claim !== undefined ? holders.get(claim) : undefined;
      let name = claim;
      let error = record.kind === 'error' ? record.error : undefined;
      if (claim === undefined || holder !== record.file) {
        name = this.#fallbackName(record, taken);
        if (claim !== undefined && record.kind === 'experiment') error = duplicateError(record, claim, this.#records.get(holder!)!);
      }
      byFile.set(record.file, toEntry(record, name!, error));
    }
    const events = this.#diff(byFile);
    this.#holders = holders;
    this.#byFile = byFile;
    this.#byName = new Map([...byFile.values()].map((entry) => [entry.name, entry]));
    this.#touched.clear();
    this.#leaving.clear();
    return events;
  }

  #assignNames(): Map<string, string> {
    const claims = new Map<string, FileRecord[]>();
    for (const record of this.#records.values()) {
      const claim = record.listed ? claimOf(record) : undefined;
      if (claim === undefined) continue;
      const list = claims.get(claim);
      if (list) list.push(record);
      else claims.set(claim, [record]);
    }
    const holders = new Map<string, string>();
    for (const [name, records] of claims) {
      const previous = this.#holders.get(name);
      const keeper =
        records.find((r) => r.file === previous) ??
        records.sort((a, b) => rank(a) - rank(b) || (a.rel < b.rel ? -1 : 1))[0]!;
      holders.set(name, keeper.file);
    }
    return holders;
  }

  #fallbackName(record: FileRecord, taken: Set<string>): string {
    const previous = this.#byFile.get(record.file)?.name;
    const stem = path.posix.basename(record.rel).replace(/\.[^.]+$/, '');
    const candidates = previous !== undefined && previous !== claimOf(record) ? [previous, stem] : [stem];
    let name = candidates.find((c) => !taken.has(c));
    for (let n = 2; name === undefined; n++) if (!taken.has(`${stem}~${n}`)) name = `${stem}~${n}`;
    taken.add(name);
    return name;
  }

  #diff(next: Map<string, ExperimentEntry>): RegistryEvent[] {
    const events: RegistryEvent[] = [];
    const nextNames = new Set([...next.values()].map((entry) => entry.name));
    for (const entry of this.#byFile.values()) {
      if (!nextNames.has(entry.name)) events.push({ type: 'experiment.removed', name: entry.name, file: entry.file });
    }
    for (const [file, entry] of next) {
      const previous = this.#byFile.get(file);
      if (!previous || this.#touched.has(file) || !sameEntry(previous, entry)) {
        events.push({ type: 'experiment.changed', experiment: entry });
      }
    }
    return events;
  }
}

/** The name a record asks for: its definition's, or (broken) the one it last loaded with. */
function claimOf(record: FileRecord): string | undefined {
  return record.definition?.name;
}

function rank(record: FileRecord): number {
  return record.kind === 'experiment' ? 0 : 1;
}

function duplicateError(record: FileRecord, name: string, holder: FileRecord): ExperimentError {
  return {
    code: 'ERR_DUPLICATE_NAME',
    file: record.rel,
    message: `the experiment name "${name}" is already declared by ${holder.rel}: rename one of them (Definition.new().name('…'))`,
  };
}

function toEntry(record: FileRecord, name: string, error: ExperimentError | undefined): ExperimentEntry {
  return {
    name,
    description: record.definition?.description ?? null,
    file: record.rel,
    schema: record.definition?.schema ?? null,
    codeHash: record.codeHash,
    ...(error ? { error } : {}),
  };
}

function sameEntry(a: ExperimentEntry, b: ExperimentEntry): boolean {
  return (
    a.name === b.name &&
    a.file === b.file &&
    a.codeHash === b.codeHash &&
    a.description === b.description &&
    a.schema === b.schema &&
    JSON.stringify(a.error) === JSON.stringify(b.error)
  );
}
