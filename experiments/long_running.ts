// A long experiment that honours cancellation, with progress messages along the way.
import { ConfigSchema, Definition, Runtime, type ConfigOf, type RunContext } from 'athanor';

export function experiment() {
  return Definition.new()
    .name('long_running')
    .description('Works through many steps slowly; cancel it from the run view')
    .configuration(
      ConfigSchema.new()
        .field('steps', 'integer', { default: 600, min: 1, max: 100000 })
        .field('step_ms', 'integer', { default: 100, min: 0, max: 10000 }),
    );
}

export async function run(ctx: RunContext<ConfigOf<typeof experiment>>) {
  const { steps, step_ms } = Runtime.config(ctx);
  let loss = 1;
  for (let step = 1; step <= steps; step++) {
    if (Runtime.cancelled(ctx)) {
      Runtime.log(ctx, 'warn', `cancelled at step ${step}`);
      throw new Runtime.Cancelled();
    }
    await new Promise((resolve) => setTimeout(resolve, step_ms));
    loss *= 0.99;
    Runtime.progress(ctx, step, steps, `step ${step} of ${steps}: loss ${loss.toFixed(4)}`);
    if (step % 10 === 0) Runtime.result(ctx, 'loss', loss);
    Runtime.log(ctx, 'debug', `step ${step}`, { loss });
  }
  Runtime.complete(ctx);
}
