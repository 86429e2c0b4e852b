/**
 * Experiments as an agent sees them: their list with JSON Schemas, one schema, a
 * configuration checked as an instance's would be, and their source — read, written
 * (the source pane's path: confined to the experiments folder, saved atomically, reloaded,
 * the load error located by file and line) and created from the template.
 */
import { z } from 'zod';
import type { ExperimentEntry } from '../../plugins/experiment-registry.ts';
import { InputError, NotFoundError } from '../errors.ts';
import { validateConfig } from '../experiment/index.ts';
import type { SchemaNoted } from './instance-tools.ts';
import { configurationInput } from './tool-inputs.ts';
import type { ToolKit } from './tool-kit.ts';

/** The experiment by name, or an error naming it (and what there is). */
export function experimentEntry(kit: ToolKit, name: string): ExperimentEntry {
  const entry = kit.workbench.registry.get(name);
  if (!entry) {
    const known = kit.workbench.registry.list().map((e) => e.name);
    throw new NotFoundError(`unknown experiment "${name}"; known: ${known.length ? known.join(', ') : 'none (the folder has no experiment)'}`);
  }
  return entry;
}

/** What a write or creation answers: whether the file loads now, and where it breaks when it does not. */
export function reloadReport(written: { file: string; experiment?: ExperimentEntry }) {
  const entry = written.experiment;
  if (!entry) return { file: written.file, loaded: false, note: 'the file is saved but exports no experiment (experiment() and run())' };
  if (entry.error) {
    const { message, code, file, line, column } = entry.error;
    return { file: written.file, loaded: false, experiment: entry.name, error: { code, message, file, line: line ?? null, column: column ?? null } };
  }
  return { file: written.file, loaded: true, experiment: entry.name, description: entry.description, schema: entry.schema, codeHash: entry.codeHash };
}

const experimentName = z.string().min(1).max(200).describe('The experiment\'s name (as list_experiments gives it), not its file');

export function experimentTools(kit: ToolKit): SchemaNoted {
  const { registry } = kit.workbench;
  kit.define('list_experiments', {
    title: 'List experiments',
    description:
      'Every experiment in the experiments folder: name, description, file, the JSON Schema of its configuration, and its load error ' +
      '(with file and line) when its file does not load. Instances are created from these.',
    input: {},
  }, async () => registry.list());

  kit.define('get_config_schema', {
    title: 'Get an experiment\'s configuration schema',
    description: 'The JSON Schema an experiment\'s configuration is validated with (fields, types, defaults, min/max/step, options).',
    input: { experiment: experimentName },
  }, async ({ experiment }) => {
    const entry = experimentEntry(kit, experiment);
    if (!entry.schema) throw new InputError(`experiment "${entry.name}" has no schema until its file loads: ${entry.error?.message ?? 'not loaded'}`);
    return { experiment: entry.name, schema: entry.schema, ...(entry.error ? { error: entry.error } : {}) };
  });

  const validateBase =
    'Checks a configuration against the experiment\'s JSON Schema exactly as create_instance would, without creating anything: ' +
    '{valid: true, configuration} with defaults applied, or {valid: false, errors: [{path, message}]} naming every problem.';
  const validate = kit.define('validate_configuration', {
    title: 'Validate a configuration',
    description: validateBase,
    input: {
      experiment: experimentName,
      configuration: configurationInput.describe('Field values; fields left out take their defaults'),
    },
  }, async ({ experiment, configuration }) => {
    const entry = experimentEntry(kit, experiment);
    if (!entry.schema || entry.error) throw new InputError(`experiment "${entry.name}" cannot be used until its file loads: ${entry.error?.message ?? 'not loaded'}`);
    const result = validateConfig(entry.schema, configuration);
    return result.ok ? { valid: true, configuration: result.value } : { valid: false, errors: result.errors };
  });

  kit.define('read_experiment_source', {
    title: 'Read an experiment\'s source',
    description: 'The source of an experiment\'s file (TypeScript or JavaScript), with its path relative to the experiments folder.',
    input: { experiment: experimentName },
    keepStrings: true,
  }, async ({ experiment }) => registry.readSource(experiment));

  kit.define('write_experiment_source', {
    title: 'Write an experiment\'s source',
    description:
      'Replaces the source of an experiment\'s file (inside the experiments folder only), then reloads it and answers with the result: ' +
      '{loaded: true, schema} or {loaded: false, error: {code, message, file, line, column}}. A file that does not load stays saved ' +
      '(fix it with another write); runs of the experiment need it to load. Existing runs keep the code they ran.',
    input: {
      experiment: experimentName,
      source: z.string().max(1024 * 1024).describe('The whole new content of the file (at most 1 MiB)'),
    },
    changes: { detail: (report: ReturnType<typeof reloadReport>) => `${report.file} saved; ${report.loaded ? 'loads' : `does not load${'error' in report && report.error ? `: ${report.error.message.split('\n')[0]}` : ''}`}` },
  }, async ({ experiment, source }) => reloadReport(await registry.writeSource(experiment, source)));

  kit.define('create_experiment', {
    title: 'Create an experiment',
    description:
      'Creates a new experiment file in the experiments folder from the template (the minimal example: an `iterations` field, a loop ' +
      'that logs and records results) and loads it. Give `source` to write your own code in place of the template at once ' +
      '(its definition names the experiment). Answers as write_experiment_source does. Refuses paths outside the folder and existing files or names.',
    input: {
      file: z.string().min(1).max(500).describe('A path relative to the experiments folder, e.g. "my_study.ts" or "nlp/prompt_eval.ts" (.ts added when missing)'),
      name: z.string().min(1).max(128).optional().describe('The experiment\'s name in the template (default: made from the file name)'),
      source: z.string().max(1024 * 1024).optional().describe('Source to write in place of the template'),
    },
    changes: { detail: (report: ReturnType<typeof reloadReport>) => `created ${report.file}${report.loaded ? ` (experiment "${'experiment' in report ? report.experiment : ''}")` : ', does not load'}` },
  }, async ({ file, name, source }) => {
    return reloadReport(await registry.createExperiment(file, { ...(name ? { name } : {}), ...(source !== undefined ? { source } : {}) }));
  });
  return [{ tool: validate, base: validateBase }];
}
