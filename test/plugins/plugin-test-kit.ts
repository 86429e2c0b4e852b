/**
 * Helpers for the plugin suites: temporary experiment folders inside the package (so
 * fixtures can `import … from 'athanor'`), experiment sources, and an event recorder
 * that awaits registry events.
 */
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExperimentEntry, ExperimentRegistry, RegistryEvent } from '../../plugins/experiment-registry.ts';

const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A temporary experiments folder under `test-output/` (git-ignored), removed by `remove()`. */
export interface TempFolder {
  readonly dir: string;
  path(relative: string): string;
  write(relative: string, text: string): Promise<void>;
  /** Writes to a temp file beside the target, then renames it over (how many editors save). */
  writeAtomic(relative: string, text: string): Promise<void>;
  move(from: string, to: string): Promise<void>;
  delete(relative: string): Promise<void>;
  remove(): Promise<void>;
}

export async function createTempFolder(label: string): Promise<TempFolder> {
  const base = path.join(PACKAGE_ROOT, 'test-output');
  await mkdir(base, { recursive: true });
  const dir = await mkdtemp(path.join(base, `tmp-${label}-`));
  const at = (relative: string) => path.join(dir, relative);
  const write = async (relative: string, text: string) => {
    await mkdir(path.dirname(at(relative)), { recursive: true });
    await writeFile(at(relative), text);
  };
  return {
    dir,
    path: at,
    write,
    async writeAtomic(relative, text) {
      const temp = at(`${relative}.tmp~`);
      await writeFile(temp, text);
      await rename(temp, at(relative));
    },
    async move(from, to) {
      await mkdir(path.dirname(at(to)), { recursive: true });
      await rename(at(from), at(to));
    },
    delete: (relative) => rm(at(relative), { force: true, recursive: true }),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Options of {@link experimentSource}. */
export interface SourceOptions {
  description?: string;
  /** Extra code before the exports (imports, top-level statements). */
  prelude?: string;
  /** The expression for the description (overrides `description`), e.g. a helper's value. */
  descriptionExpression?: string;
  /** Default of the `iterations` field. */
  iterations?: number;
  form?: 'named' | 'default';
}

/** A valid experiment module called `name`. */
export function experimentSource(name: string, options: SourceOptions = {}): string {
  const description = options.descriptionExpression ?? JSON.stringify(options.description ?? `about ${name}`);
  const definition = `Definition.new()
    .name(${JSON.stringify(name)})
    .description(${description})
    .configuration(ConfigSchema.new().field('iterations', 'integer', { default: ${options.iterations ?? 10}, min: 1, max: 100 }))`;
  const head = `import { ConfigSchema, Definition } from 'athanor';\n${options.prelude ?? ''}\n`;
  if (options.form === 'default') {
    return `${head}export default {\n  experiment() {\n    return ${definition};\n  },\n  async run() {},\n};\n`;
  }
  return `${head}export function experiment() {\n  return ${definition};\n}\n\nexport async function run(_ctx: unknown) {}\n`;
}

/** Records registry events and awaits the ones a test expects. */
export class EventRecorder {
  readonly events: RegistryEvent[] = [];
  readonly #waiters = new Set<() => void>();
  readonly #off: () => void;

  constructor(registry: ExperimentRegistry) {
    this.#off = registry.subscribe((event) => {
      this.events.push(event);
      for (const wake of this.#waiters) wake();
    });
  }

  /** Waits for an `experiment.changed` whose entry passes `match` (recorded after `since`). */
  changed(match: (entry: ExperimentEntry) => boolean, options: { timeoutMs?: number; since?: number } = {}): Promise<ExperimentEntry> {
    return this.next((event) => event.type === 'experiment.changed' && match(event.experiment), options).then(
      (event) => (event as Extract<RegistryEvent, { type: 'experiment.changed' }>).experiment,
    );
  }

  /** Waits for an `experiment.removed` of `name`. */
  removed(name: string, options: { timeoutMs?: number; since?: number } = {}): Promise<RegistryEvent> {
    return this.next((event) => event.type === 'experiment.removed' && event.name === name, options);
  }

  /** Waits for the first event (at or after index `since`, default now) passing `match`. */
  next(match: (event: RegistryEvent) => boolean, options: { timeoutMs?: number; since?: number } = {}): Promise<RegistryEvent> {
    const since = options.since ?? this.events.length;
    const timeoutMs = options.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.events.slice(since).find(match);
        if (!found) return false;
        clearTimeout(timer);
        this.#waiters.delete(wake);
        resolve(found);
        return true;
      };
      const wake = () => void check();
      const timer = setTimeout(() => {
        this.#waiters.delete(wake);
        const seen = this.events.slice(since).map(describe).join('; ') || 'none';
        reject(new Error(`no matching registry event within ${timeoutMs} ms; saw: ${seen}`));
      }, timeoutMs);
      this.#waiters.add(wake);
      check();
    });
  }

  /** The events since index `since`, as short strings. */
  since(since: number): string[] {
    return this.events.slice(since).map(describe);
  }

  stop(): void {
    this.#off();
  }
}

function describe(event: RegistryEvent): string {
  if (event.type === 'experiment.removed') return `removed ${event.name}`;
  const { name, error, description } = event.experiment;
  return `changed ${name}${error ? ` ${error.code}` : ''}${description ? ` "${description}"` : ''}`;
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
