import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { closestName, didYouMean, editDistance } from '../../../core/experiment/closest-name.ts';

const closest = suite('closestName: did you mean …?');

closest('counts insertions, deletions, substitutions and swaps of neighbours, ignoring case', () => {
  assert.is(editDistance('kitten', 'sitting'), 3);
  assert.is(editDistance('iteratoins', 'iterations'), 1);
  assert.is(editDistance('Seed', 'seed'), 0);
  assert.is(editDistance('', 'abc'), 3);
});

closest('names the likely typo, the nearest first', () => {
  assert.is(closestName('iteratons', ['iterations', 'seed']), 'iterations');
  assert.is(closestName('exprmnt', ['experiment', 'kernel_fixture']), 'experiment');
  assert.is(closestName('my_experimnet', ['my_experiment', 'my_experiments_2']), 'my_experiment');
  assert.is(closestName('Iterations', ['iterations']), 'iterations');
});

closest('an abbreviation names the one name that contains it', () => {
  assert.is(closestName('kernel', ['kernel_fixture', 'my_experiment']), 'kernel_fixture');
  assert.is(closestName('exp', ['experiment_a', 'experiment_b']), undefined);
});

closest('names nothing when nothing is close, or the name is known', () => {
  assert.is(closestName('colour', ['iterations']), undefined);
  assert.is(closestName('zzz', ['iterations', 'seed']), undefined);
  assert.is(closestName('seed', ['seed', 'speed']), undefined);
  assert.is(closestName('anything', []), undefined);
  assert.is(didYouMean('colour', ['iterations']), '');
  assert.is(didYouMean('iteratons', ['iterations']), '; did you mean "iterations"?');
});

closest.run();
