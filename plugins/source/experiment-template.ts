/**
 * The source of a new experiment: the seed's minimal example, with the chosen name. The
 * name is checked against the definition rules before it is written into code.
 */
import { Definition } from '../../core/experiment/index.ts';
import { SourceAccessError } from './source-access-error.ts';

/** Checks `name` with the definition rules (letters, digits, `_`, `.`, `-`); throws `ERR_BAD_NAME`. */
export function checkExperimentName(name: unknown): string {
  try {
    Definition.new().name(name as string);
    return name as string;
  } catch (error) {
    throw new SourceAccessError('ERR_BAD_NAME', (error as Error).message, { cause: error });
  }
}

/** A valid experiment name made from a file name: `sub/My Test.ts` → `My_Test`. */
export function nameFromFile(relative: string): string {
  const stem = relative.split('/').pop()!.replace(/\.[^.]+$/, '');
  const name = stem.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[.-]+/, '').slice(0, 128);
  return name === '' ? 'experiment' : name;
}

/**
 * The template's source for an experiment called `name` (already checked: its letters, digits
 * and `_ . -` need no escaping in quotes), in the language
 * of `file`: TypeScript for `.ts`/`.mts`, plain JavaScript (types in JSDoc) for `.js`/`.mjs`,
 * which could not load TypeScript's annotations.
 */
export function experimentTemplate(name: string, file = 'experiment.ts'): string {
  const js = /\.m?js$/.test(file);
  const imports = js ? 'ConfigSchema, Definition, Runtime' : 'ConfigSchema, Definition, Runtime, type RunContext';
  const runSignature = js
    ? "/** @param {import('athanor').RunContext} ctx */\nexport async function run(ctx) {"
    : 'export async function run(ctx: RunContext) {';
  return `import { ${imports} } from 'athanor';

export function experiment() {
  return Definition.new()
    .name('${name}')
    .description('A minimal experiment')
    .configuration(
      ConfigSchema.new().field('iterations', 'integer', {
        default: 10,
        min: 1,
        max: 100,
        label: 'Iterations',
        description: 'Number of iterations to run',
      }),
    );
}

${runSignature}
  const config = Runtime.config(ctx);
  const iterations = config['iterations'];
  for (let i = 1; i <= iterations; i++) {
    if (Runtime.cancelled(ctx)) throw new Runtime.Cancelled();
    Runtime.progress(ctx, i, iterations, \`iteration \${i}\`);
    Runtime.log(ctx, 'info', \`Running iteration \${i}\`);
    Runtime.result(ctx, \`iteration_\${i}\`, { iteration: i, value: Math.random() });
  }
  Runtime.complete(ctx);
}
`;
}
