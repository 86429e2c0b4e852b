// An experiment that fails partway, to show how a failure looks: the error, its stack,
// and the logs and results recorded before it.
import { ConfigSchema, Definition, Runtime, type ConfigOf, type RunContext } from 'athanor';

export function experiment() {
  return Definition.new()
    .name('always_fails')
    .description('Fails after a few steps')
    .configuration(ConfigSchema.new().field('fail_at', 'integer', { default: 3, min: 1, max: 100 }));
}

export async function run(ctx: RunContext<ConfigOf<typeof experiment>>) {
  const { fail_at } = Runtime.config(ctx);
  for (let step = 1; step < fail_at; step++) {
    Runtime.log(ctx, 'info', `step ${step} ok`);
    Runtime.result(ctx, `step_${step}`, { ok: true });
  }
  throw new Error(`step ${fail_at} failed: the data set is missing column "label"`);
}
