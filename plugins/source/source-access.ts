/**
 * Source access for the in-browser editor: read and write an experiment's source by its
 * name, and create a new experiment from the template. Writes are atomic and stay inside
 * the experiments folder; a refused request writes nothing. A saved file that then fails
 * to load stays saved (it is the author's file): the returned entry carries the error.
 *
 * @example
 * const { source } = await access.readSource('my_experiment');
 * const { experiment } = await access.writeSource('my_experiment', source.replace('10', '20'));
 * if (experiment?.error) console.log(experiment.error.message);
 */
import path from 'node:path';
import type { ExperimentEntry } from '../registry/registry-types.ts';
import { checkModulePath, resolveInside } from './safe-path.ts';
import { SourceAccessError } from './source-access-error.ts';
import { checkSource, createSourceFile, readSourceFile, writeSourceAtomic } from './source-files.ts';
import { checkExperimentName, experimentTemplate, nameFromFile } from './experiment-template.ts';

/**
 * A text without its final line breaks: `base` is compared so, as a shell's `$(cat file)`
 * (the way a script sends a file's text) drops them (the `\n`s: of a CRLF file's last `\r\n`
 * it keeps the `\r`); no one's edit is in a final newline.
 */
function withoutFinalBreaks(text: string): string {
  return text.replace(/[\r\n]+$/, '');
}

/** What source access needs from the registry. */
export interface SourceAccessHost {
  /** The experiments folder (absolute). */
  readonly root: string;
  /** Largest source accepted, in bytes. */
  readonly maxBytes: number;
  lookup(name: string): ExperimentEntry | undefined;
  /** Reloads `file` (absolute) now and returns its entry once committed. */
  reload(file: string): Promise<ExperimentEntry | undefined>;
}

/** The source operations of the registry. */
export interface SourceAccess {
  readSource(name: string): Promise<{ file: string; source: string }>;
  /**
   * Writes `source` over the experiment's file. With `base` (the text the writer started from),
   * a file that no longer holds it (changed on disk meanwhile) is refused with ERR_CONFLICT.
   */
  writeSource(name: string, source: string, options?: { base?: string }): Promise<{ file: string; experiment?: ExperimentEntry }>;
  createExperiment(fileName: string, options?: { name?: string; source?: string }): Promise<{ file: string; experiment?: ExperimentEntry }>;
}

/** Source access over a registry. */
export function createSourceAccess(host: SourceAccessHost): SourceAccess {
  const entryFor = (name: unknown): ExperimentEntry => {
    checkNameShape(name);
    const entry = host.lookup(name);
    if (!entry) throw new SourceAccessError('ERR_NOT_FOUND', `no experiment named ${JSON.stringify(name)} in ${host.root}`);
    return entry;
  };
  const result = (file: string, experiment: ExperimentEntry | undefined) => (experiment ? { file, experiment } : { file });

  return {
    async readSource(name) {
      const entry = entryFor(name);
      const file = await resolveInside(host.root, entry.file);
      return { file: entry.file, source: await readSourceFile(file, entry.file, host.maxBytes) };
    },
    async writeSource(name, source, options = {}) {
      const entry = entryFor(name);
      checkSource(source, entry.file, host.maxBytes);
      const real = await resolveInside(host.root, entry.file);
      if (options.base !== undefined) {
        const now = await readSourceFile(real, entry.file, host.maxBytes).catch(() => undefined);
        if (now === undefined || withoutFinalBreaks(now) !== withoutFinalBreaks(options.base)) {
          throw new SourceAccessError('ERR_CONFLICT', `${entry.file} changed on disk since it was read (base is not its text now): read it again, or save without base to replace it`);
        }
      }
      await writeSourceAtomic(real, source);
      return result(entry.file, await host.reload(path.join(host.root, entry.file)));
    },
    async createExperiment(fileName, options = {}) {
      const relative = checkModulePath(withExtension(fileName));
      const name = checkExperimentName(options.name ?? nameFromFile(relative));
      const taken = host.lookup(name);
      if (taken) throw new SourceAccessError('ERR_EXISTS', `an experiment named "${name}" already exists (${taken.file}): choose another name`);
      // Given source is written as the file's first content: loading the template first would
      // leave its definition as the "last good" one of a source that does not load.
      if (options.source !== undefined) checkSource(options.source, relative, host.maxBytes);
      const file = await resolveInside(host.root, relative, { createFolders: true });
      await createSourceFile(file, options.source ?? experimentTemplate(name, relative), relative);
      return result(relative, await host.reload(path.join(host.root, relative)));
    },
  };
}

/** Names are not paths: refuse what looks like one before looking it up. */
function checkNameShape(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name === '') {
    throw new SourceAccessError('ERR_BAD_PATH', `experiment name ${JSON.stringify(name)} must be a non-empty string`);
  }
  if (name.includes('\0')) throw new SourceAccessError('ERR_BAD_PATH', `experiment name ${JSON.stringify(name)} contains a NUL byte`);
  if (/[\\/]/.test(name) || name === '.' || name === '..') {
    throw new SourceAccessError('ERR_BAD_PATH', `experiment name ${JSON.stringify(name)} looks like a path: give the experiment's name, not a file`);
  }
}

/** `my_experiment` → `my_experiment.ts`; a name with an extension is kept as is. */
function withExtension(fileName: unknown): unknown {
  if (typeof fileName !== 'string' || fileName.includes('\0')) return fileName;
  return path.extname(fileName) === '' ? `${fileName}.ts` : fileName;
}
