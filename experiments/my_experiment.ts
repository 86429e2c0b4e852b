// The seed's minimal example, ported line by line.
import { ConfigSchema, Definition, Runtime, type RunContext } from 'athanor';

export function experiment() {
  return Definition.new()
    .name('my_experiment')
    .description('A minimal experiment example')
    .configuration(configSchema());
}

export async function run(ctx: RunContext) {
  const config = Runtime.config(ctx);
  const iterations = config['iterations'];
  for (let i = 1; i <= iterations; i++) {
    Runtime.progress(ctx, i, iterations);
    Runtime.log(ctx, 'info', `Running iteration ${i}`);
    const result = doWork(i);
    Runtime.result(ctx, `iteration_${i}`, result);
  }
  Runtime.complete(ctx);
}

function configSchema() {
  return ConfigSchema.new().field('iterations', 'integer', {
    default: 10,
    min: 1,
    max: 100,
    label: 'Iterations',
    description: 'Number of iterations to run',
  });
}

function doWork(iteration: number) {
  // Your experiment logic here
  return { iteration, value: Math.random() };
}
