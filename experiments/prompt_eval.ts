// Evaluates a (fake, deterministic) model over a prompt set: a result per trial and an
// accuracy at the end. Swap `answer` for a real model call; pass `ctx.signal` to it.
import { ConfigSchema, Definition, Runtime, type ConfigOf, type RunContext } from 'athanor';

const PROMPTS = [
  { prompt: 'What is 2 + 2?', expected: '4' },
  { prompt: 'What is the capital of France?', expected: 'Paris' },
  { prompt: 'What colour is the sky on a clear day?', expected: 'blue' },
  { prompt: 'How many legs does a spider have?', expected: '8' },
  { prompt: 'What is H2O commonly called?', expected: 'water' },
  { prompt: 'What is 10 / 4?', expected: '2.5' },
];

export function experiment() {
  return Definition.new()
    .name('prompt_eval')
    .description('Scores a model on a small prompt set')
    .configuration(
      ConfigSchema.new()
        .field('model', 'string', { options: ['tiny', 'small', 'large'], default: 'small', label: 'Model' })
        .field('trials', 'integer', { default: 6, min: 1, max: 60, description: 'Prompts to ask (cycling through the set)' })
        .field('latency_ms', 'integer', { default: 50, min: 0, max: 5000, step: 10, label: 'Simulated latency (ms)' }),
    );
}

/** A deterministic stand-in for a model: bigger models know more answers. */
function answer(model: string, index: number, expected: string): string {
  const knows = { tiny: 2, small: 4, large: 6 }[model] ?? 0;
  return index % PROMPTS.length < knows ? expected : "I don't know";
}

export async function run(ctx: RunContext<ConfigOf<typeof experiment>>) {
  const { model, trials, latency_ms } = Runtime.config(ctx);
  let correct = 0;
  for (let i = 0; i < trials; i++) {
    if (Runtime.cancelled(ctx)) throw new Runtime.Cancelled();
    const { prompt, expected } = PROMPTS[i % PROMPTS.length]!;
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, latency_ms));
    const output = answer(model, i, expected);
    const ok = output === expected;
    if (ok) correct++;
    Runtime.log(ctx, ok ? 'info' : 'warn', `trial ${i + 1}: ${ok ? 'correct' : 'wrong'}`, { prompt, output });
    Runtime.result(ctx, `trial_${i + 1}`, { prompt, expected, output, correct: ok, latency_ms: Date.now() - started });
    Runtime.progress(ctx, i + 1, trials, `${correct}/${i + 1} correct`);
  }
  Runtime.result(ctx, 'accuracy', correct / trials);
  Runtime.complete(ctx);
}
