/**
 * `Definition`: what an experiment's `experiment()` returns: its name, description and
 * configuration schema (the original Athanor's `Definition`). Immutable like the schema
 * builder; `resolve()` checks it is complete.
 *
 * @example
 * export const experiment = () =>
 *   Definition.new().name('my_experiment').description('…').configuration(schema);
 */
import { ConfigSchema, type JSONSchema } from './config-schema.ts';
import { DefinitionError } from './definition-error.ts';

const EXPERIMENT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** A definition as plain data (it crosses processes and HTTP): name, description, JSON Schema, retries. */
export interface DefinitionData {
  readonly name: string;
  readonly description: string | null;
  /** The configuration's JSON Schema. */
  readonly schema: JSONSchema;
  /** Times a failed run is run again (`.retries(n)`, 0 to {@link MAX_RETRIES}); absent means 0. */
  readonly retries?: number;
}

/** The most retries a definition may ask for. */
export const MAX_RETRIES = 10;

/** A complete, checked definition, with the schema builder it came from. */
export interface ExperimentDefinition<C extends object = object> extends DefinitionData {
  readonly configSchema: ConfigSchema<C>;
}

interface DefinitionState {
  name?: string;
  description?: string;
  schema: ConfigSchema<any>;
  retries?: number;
}

/** An experiment definition under construction; `C` is the static type of its config. */
export class Definition<C extends object = {}> {
  readonly #state: Readonly<DefinitionState>;

  private constructor(state: DefinitionState) {
    this.#state = Object.freeze(state);
  }

  /** An empty definition: give it at least a name. */
  static new(): Definition<{}> {
    return new Definition({ schema: ConfigSchema.new() });
  }

  /** The experiment's unique name: letters, digits, `_`, `.` and `-`. Required. */
  name(name: string): Definition<C> {
    if (typeof name !== 'string' || !EXPERIMENT_NAME.test(name)) {
      throw new DefinitionError(
        `experiment name ${JSON.stringify(name)} is invalid: use 1 to 128 letters, digits, "_", "." or "-"`,
      );
    }
    return new Definition({ ...this.#state, name });
  }

  /** A description shown in the workbench. */
  description(description: string): Definition<C> {
    if (typeof description !== 'string') {
      throw new DefinitionError(`experiment description must be a string, got ${JSON.stringify(description)}`);
    }
    return new Definition({ ...this.#state, description });
  }

  /**
   * Runs a failed run again, up to `n` times (0 to 10; default 0: never). Each retry is a
   * new run of the same instance with the same configuration and code, recording its
   * attempt and the run it retries. A run that had started and then failed (its worker
   * stopped, its process crashed, `run()` threw or called `Runtime.fail`) is retried; a
   * cancelled run, or one that could not start, is not.
   */
  retries(n: number): Definition<C> {
    if (!Number.isInteger(n) || n < 0 || n > MAX_RETRIES) {
      throw new DefinitionError(`retries must be a whole number from 0 to ${MAX_RETRIES}, got ${typeof n === 'number' ? n : JSON.stringify(n)}`);
    }
    return new Definition({ ...this.#state, retries: n });
  }

  /** The configuration schema of every instance of this experiment. */
  configuration<S extends object>(schema: ConfigSchema<S>): Definition<S> {
    if (!(schema instanceof ConfigSchema)) {
      throw new DefinitionError('configuration expects a ConfigSchema (ConfigSchema.new()…)');
    }
    return new Definition<S>({ ...this.#state, schema });
  }

  /** Checks the definition is complete and returns its plain, frozen form. */
  resolve(): ExperimentDefinition<C> {
    const { name, description, schema, retries } = this.#state;
    if (name === undefined) {
      throw new DefinitionError("experiment definition has no name: add .name('my_experiment')");
    }
    return Object.freeze({
      name,
      description: description ?? null,
      configSchema: schema as ConfigSchema<C>,
      schema: schema.toJSONSchema(),
      retries: retries ?? 0,
    });
  }
}

/** The static config type of a definition, or of a function returning one. */
export type ConfigOf<D> = D extends () => infer R ? ConfigOf<R> : D extends Definition<infer C> ? C : never;
