import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runAthanor } from '../../helpers/workbench-process.ts';
import { parseSetOptions } from '../../../core/cli/set-options.ts';
import { refuseSetsOnExisting } from '../../../core/cli/run-input.ts';
import { ConfigSchema, validateConfig } from '../../../core/experiment/index.ts';
import { InputError } from '../../../core/errors.ts';
import { tempProject, type TempProject } from '../../helpers/temp-project.ts';


/** One field of each kind; the run records its configuration as the result `config`. */
const SET_FIXTURE = `
import { ConfigSchema, Definition, Runtime, type RunContext } from 'athanor';

export function experiment() {
  return Definition.new()
    .name('set_fixture')
    .configuration(
      ConfigSchema.new()
        .field('iterations', 'integer', { default: 1, min: -5, max: 100 })
        .field('rate', 'float', { default: 0.1 })
        .field('flag', 'boolean', { default: false })
        .field('name', 'string', { default: 'x' })
        .list('prompts', ConfigSchema.new().field('text', 'string', { required: true }))
        .group('sampling', ConfigSchema.new().field('temperature', 'float', { default: 1 }).field('top_k', 'integer', { default: 40 })),
    );
}

export async function run(ctx: RunContext) {
  Runtime.result(ctx, 'config', Runtime.config(ctx));
}
`;

const schema = ConfigSchema.new()
  .field('iterations', 'integer', { default: 1 })
  .field('rate', 'float', { default: 0.1 })
  .field('flag', 'boolean', { default: false })
  .field('name', 'string', { default: 'x' })
  .list('prompts', ConfigSchema.new().field('text', 'string', { required: true }))
  .group('sampling', ConfigSchema.new().field('temperature', 'float', { default: 1 }))
  .toJSONSchema();

const parser = suite('--set values: JSON as parsed, bare scalars converted strictly for their field');

parser('bare scalars become their field type; dotted keys reach into groups', () => {
  const config = parseSetOptions(['iterations=-5', 'rate=0.5', 'flag=true', 'name=hello', 'sampling.temperature=1e-3'], schema);
  assert.equal(config, { iterations: -5, rate: 0.5, flag: true, name: 'hello', sampling: { temperature: 0.001 } });
  assert.equal(parseSetOptions(['iterations=+7', 'rate=.5', 'flag=false'], schema), { iterations: 7, rate: 0.5, flag: false });
});

parser('loose spellings stay text, for the validator to refuse in its own words', () => {
  const config = parseSetOptions(['iterations=0x10', 'rate=0x1p3', 'flag=yes', 'sampling.temperature=Infinity'], schema);
  assert.equal(config, { iterations: '0x10', rate: '0x1p3', flag: 'yes', sampling: { temperature: 'Infinity' } });
  for (const text of ['1e1', '5.0', ' 5', '', '1_000', '0b101']) {
    assert.is(parseSetOptions([`iterations=${text}`], schema).iterations, text, text);
  }
  const result = validateConfig(schema, config);
  assert.equal(result.ok ? [] : result.errors.map((e) => e.message), [
    'config.iterations: "0x10" is not an integer',
    'config.rate: "0x1p3" is not a number',
    'config.flag: "yes" is not true or false',
    'config.sampling.temperature: "Infinity" is not a number',
  ]);
});

parser('a number with a fraction for an integer field is refused as the number it is, not as text', () => {
  const config = parseSetOptions(['iterations=5.5'], schema);
  assert.equal(config, { iterations: 5.5 });
  const result = validateConfig(schema, config);
  assert.equal(result.ok ? [] : result.errors.map((e) => e.message), ['config.iterations: 5.5 is not an integer']);
});

parser('JSON lists, objects and quoted strings are used as parsed, never converted', () => {
  assert.equal(parseSetOptions(['prompts=[{"text":5}]', 'name="5"', 'iterations="5"'], schema), {
    prompts: [{ text: 5 }],
    name: '5',
    iterations: '5',
  });
  assert.equal(parseSetOptions(['sampling={"temperature":0.5}'], schema), { sampling: { temperature: 0.5 } });
});

parser('a text field may start with a bracket; other fields must then be valid JSON', () => {
  assert.equal(parseSetOptions(['name=[draft] first try'], schema), { name: '[draft] first try' });
  assert.throws(() => parseSetOptions(['prompts=[oops'], schema), (error: unknown) => error instanceof InputError && /looks like JSON but does not parse/.test(error.message));
});

parser('__proto__, prototype and constructor are refused as key segments, naming the key and the rule', () => {
  for (const raw of ['__proto__.polluted=yes', '__proto__=yes', 'sampling.__proto__.polluted=yes', 'constructor.prototype.polluted=yes', 'sampling.prototype=1']) {
    assert.throws(
      () => parseSetOptions([raw], schema),
      (error: unknown) => error instanceof InputError && error.message.startsWith(`--set ${raw}: `) && /"(__proto__|prototype|constructor)" cannot be a key/.test(error.message),
      raw,
    );
  }
  assert.is(({} as Record<string, unknown>)['polluted'], undefined);
});

parser('--set on an instance that exists is refused, saying how to change it (the workbench edits instances, in versions)', () => {
  refuseSetsOnExisting('Long run', []);
  assert.throws(
    () => refuseSetsOnExisting('Long run', ['epochs=2']),
    (error: Error) => error instanceof InputError && /instance "Long run", which exists: edit it in the workbench \(each save is a new version\).*new --instance name/.test(error.message),
  );
});

parser.run();

const cli = suite('athanor run --set: validated as the HTTP API validates');
let project: TempProject;
let experimentsDir: string;

cli.before(async () => {
  project = await tempProject();
  experimentsDir = project.experimentsDir;
  await writeFile(join(experimentsDir, 'set_fixture.ts'), SET_FIXTURE);
});
cli.after(async () => {
  await project.remove();
});

const athanor = (args: string[]) => runAthanor([...args, '--experiments', experimentsDir, '--db', 'memory']);

cli('a number in a JSON list item for a text field is refused as the API refuses it: exit 2', async () => {
  const result = await athanor(['run', 'set_fixture', '--set', 'prompts=[{"text":5}]', '--set', 'flag=true', '--json']);
  assert.is(result.code, 2, result.stdout + result.stderr);
  assert.is(result.stderr, 'athanor: invalid configuration:\n  config.prompts[0].text: 5 is not a string\n');
  // --json: stdout holds the one JSON object, the error.
  assert.equal(JSON.parse(result.stdout), { error: 'invalid configuration: config.prompts[0].text: 5 is not a string' });
  const boolean = await athanor(['run', 'set_fixture', '--set', 'prompts=[{"text":true}]']);
  assert.is(boolean.code, 2);
  assert.match(boolean.stderr, 'config.prompts[0].text: true is not a string');
});

cli('a field given twice is bad input (the last would win silently): exit 2 naming both', async () => {
  const result = await athanor(['run', 'set_fixture', '--set', 'iterations=3', '--set', 'iterations=4']);
  assert.equal([result.code, result.stderr], [2, 'athanor: --set iterations is given twice (iterations=3 and iterations=4): give each field once\n']);
});

cli('a hexadecimal integer is bad input: exit 2 naming the field, the rule and the value', async () => {
  const result = await athanor(['run', 'set_fixture', '--set', 'iterations=0x10']);
  assert.is(result.code, 2, result.stdout + result.stderr);
  assert.match(result.stderr, 'config.iterations: "0x10" is not an integer');
});

cli('--set __proto__.polluted=yes is bad input: exit 2 naming the key and the rule, no stack, nothing run', async () => {
  for (const raw of ['__proto__.polluted=yes', 'constructor.prototype.polluted=yes', '__proto__=yes']) {
    const result = await athanor(['run', 'set_fixture', '--set', raw]);
    assert.is(result.code, 2, result.stdout + result.stderr);
    const key = /^[a-z_]+/.exec(raw)![0];
    assert.is(
      result.stderr,
      `athanor: --set ${raw}: "${key}" cannot be a key: __proto__, prototype and constructor would reach into JavaScript's objects, not a field\n`,
    );
    assert.is(result.stdout, '');
  }
});

cli('bare integers, floats, booleans, text and dotted group keys still convert', async () => {
  const result = await athanor([
    'run', 'set_fixture', '--json',
    '--set', 'iterations=5', '--set', 'rate=0.5', '--set', 'flag=true', '--set', 'name=hello',
    '--set', 'sampling.temperature=0.25', '--set', 'sampling.top_k=10', '--set', 'prompts=[{"text":"hi"}]',
  ]);
  assert.is(result.code, 0, result.stderr);
  assert.equal(JSON.parse(result.stdout).results.config, {
    iterations: 5,
    rate: 0.5,
    flag: true,
    name: 'hello',
    prompts: [{ text: 'hi' }],
    sampling: { temperature: 0.25, top_k: 10 },
  });
});

cli.run();
