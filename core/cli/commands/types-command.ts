/**
 * `athanor types [--out DIR]`: writes each experiment's configuration type as a `.d.ts`.
 *
 * Where: next to the experiment by default — `experiments/sub/my_exp.ts` gets
 * `experiments/sub/my_exp.config.d.ts` (discovery skips `.d.ts` files, so this never
 * triggers a reload) — or, with `--out DIR`, into that one folder as
 * `DIR/<experiment name>.config.d.ts`. Files whose content is unchanged are not rewritten.
 * Broken experiments are reported and skipped; the exit code is then 1 (2 when the
 * folder does not exist).
 *
 * @example
 * // experiments/my_experiment.ts
 * import type { MyExperimentConfig } from './my_experiment.config.js';
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { makeFolders } from '../../../storage/make-folders.ts';
import path from 'node:path';
import { createExperimentRegistry } from '../../../plugins/experiment-registry.ts';
import type { DefinitionData } from '../../experiment/index.ts';
import { generateConfigTypes } from '../../experiment/type-generator.ts';
import { InputError } from '../../errors.ts';

/** Options of {@link typesCommand}. */
export interface TypesCommandOptions {
  experimentsDir: string;
  /** One folder for every `.d.ts`; default: next to each experiment. */
  outDir?: string;
  out: (line: string) => void;
}

/** Runs `athanor types`; returns the exit code. */
export async function typesCommand(options: TypesCommandOptions): Promise<number> {
  const { out } = options;
  const root = path.resolve(options.experimentsDir);
  // Checked before any experiment loads: a file there made mkdir throw its stack at the user.
  if (options.outDir !== undefined && (await stat(options.outDir).catch(() => undefined))?.isFile()) {
    throw new InputError(`--out ${options.outDir} is a file, not a folder: give the folder the .d.ts files go in`);
  }
  const registry = createExperimentRegistry({ experimentsDir: root, watch: false, cache: true });
  try {
    await registry.start();
    let failed = 0;
    const entries = registry.list();
    for (const entry of entries) {
      const definition = registry.definition(entry.name);
      if (!definition || definition instanceof Error) {
        failed++;
        out(`✗ ${entry.name} (${entry.file}): ${definition?.message ?? 'not loaded'}`);
        continue;
      }
      const target = options.outDir
        ? path.join(path.resolve(options.outDir), `${entry.name}.config.d.ts`)
        : path.join(root, entry.file.replace(/\.[^./]+$/, '.config.d.ts'));
      const written = await writeTypes(target, definition);
      out(`${written ? 'wrote' : 'unchanged'} ${path.relative(process.cwd(), target) || target}`);
    }
    if (entries.length === 0) out(`no experiments in ${root}`);
    return failed > 0 ? 1 : 0;
  } finally {
    await registry.stop();
  }
}

/** Writes the `.d.ts` unless it already holds the same text; true when written. */
async function writeTypes(target: string, definition: DefinitionData): Promise<boolean> {
  const text = await generateConfigTypes(definition);
  const current = await readFile(target, 'utf8').catch(() => undefined);
  if (current === text) return false;
  await makeFolders(path.dirname(target));
  await writeFile(target, text);
  return true;
}
