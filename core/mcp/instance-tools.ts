/**
 * Instances — named, validated configurations of an experiment — as tools: list, get,
 * create and update, through the same service calls as `/api/instances` (the same checks,
 * the same `{path, message}` list for an invalid configuration, nothing written then).
 */
import { z } from 'zod';
import { INSTANCE_SORTS, type Instance, type InstancePage } from '../records.ts';
import { configurationInput, instanceId } from './tool-inputs.ts';
import type { ToolKit } from './tool-kit.ts';
import type { RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';


/** The tools whose description carries the experiments' schemas (schema-notes.ts). */
export type SchemaNoted = { tool: RegisteredTool; base: string }[];

export function instanceTools(kit: ToolKit): SchemaNoted {
  const { experiments } = kit.workbench;
  kit.define('list_instances', {
    title: 'List instances',
    description:
      'Instances (named configurations of an experiment) with their run counts and latest run (status, headline metrics), ' +
      'latest activity first; a page of at most `limit` (default 50). When `next` is not null, call again with cursor=next for more.',
    input: {
      experiment: z.string().min(1).max(200).optional().describe('Only instances of this experiment'),
      q: z.string().min(1).max(200).optional().describe('Only names containing this (case aside)'),
      sort: z.enum(INSTANCE_SORTS).optional().describe('activity (default), name or created'),
      limit: z.number().int().min(1).max(500).optional(),
      cursor: z.string().min(1).max(1000).optional().describe('The `next` of the previous page'),
    },
  }, async ({ limit, cursor, ...filter }): Promise<InstancePage> => experiments.pageInstances({ ...filter, limit: limit ?? 50, cursor: cursor ?? null }));

  kit.define('get_instance', {
    title: 'Get an instance',
    description: 'One instance: its experiment, configuration (defaults applied), version, run counts and latest run.',
    input: { id: instanceId },
  }, async ({ id }) => experiments.describeInstance(id));

  const createBase =
    'Creates an instance: a named configuration of an experiment, validated against its JSON Schema and kept with its defaults ' +
    'applied. Names are unique per experiment. An invalid configuration is refused with every problem as {path, message}, and nothing is created. ' +
    'Start runs of it with start_run.';
  const create = kit.define('create_instance', {
    title: 'Create an instance',
    description: createBase,
    input: {
      experiment: z.string().min(1).max(200).describe('The experiment\'s name'),
      name: z.string().min(1).max(200).describe('A name for the instance, unique within its experiment'),
      description: z.string().max(10_000).optional(),
      configuration: configurationInput.optional().describe('Field values (fields left out take their defaults)'),
    },
    changes: { detail: (instance: Instance) => `created instance "${instance.name}" (${instance.id}) of ${instance.experiment}` },
  }, async (input) => experiments.createInstance(input));

  const updateBase =
    'Changes an instance\'s name, description or configuration (a whole new configuration, validated as on creation). Each change is kept ' +
    'as a new version; runs already made keep what they ran with.';
  const update = kit.define('update_instance', {
    title: 'Update an instance',
    description: updateBase,
    input: {
      id: instanceId,
      name: z.string().min(1).max(200).optional(),
      description: z.string().max(10_000).nullable().optional(),
      configuration: configurationInput.optional().describe('The whole new configuration (fields left out take their defaults)'),
    },
    changes: { detail: (instance: Instance) => `updated instance "${instance.name}" (${instance.id}) to version ${instance.version}` },
  }, async ({ id, ...changes }) => experiments.updateInstance(id, changes));
  return [{ tool: create, base: createBase }, { tool: update, base: updateBase }];
}
