/**
 * Compile-time tests of config type inference: `npm run typecheck` fails when they break.
 * (Not a uvu file: nothing here runs.)
 */
import { ConfigSchema, Definition, type ConfigOf } from '../../../core/index.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(_ok?: T): void {}

const schema = ConfigSchema.new()
  .field('iterations', 'integer', { default: 10, min: 1, max: 100 })
  .field('rate', 'float')
  .field('seed', 'integer', { required: true })
  .field('model', 'string', { options: ['small', 'large'], default: 'small' })
  .field('name', 'string')
  .field('verbose', 'boolean', { default: false })
  .list('prompts', ConfigSchema.new().field('text', 'string', { required: true }))
  .group('sampling', ConfigSchema.new().field('temperature', 'float', { default: 0.7 }));

export function experiment() {
  return Definition.new().name('typed').configuration(schema);
}

type Config = ConfigOf<typeof experiment>;
expectType<Equal<Config, {
  iterations: number;
  rate?: number;
  seed: number;
  model: 'small' | 'large';
  name?: string;
  verbose: boolean;
  prompts: { text: string }[];
  sampling: { temperature: number };
}>>();

// A default of the wrong type does not compile (never called: it would also throw).
export function wrongDefault() {
  // @ts-expect-error: 'ten' is not a number
  return ConfigSchema.new().field('n', 'integer', { default: 'ten' });
}

// A definition without configuration has an empty config.
expectType<Equal<ConfigOf<ReturnType<typeof Definition.new>>, {}>>();
