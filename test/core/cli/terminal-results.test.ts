import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatResultsTable, MAX_ROWS } from '../../../core/cli/terminal-results.ts';

const table = suite('the results table at the end of athanor run');

table('numbers first, keys in natural order, values as one line each', () => {
  const lines = formatResultsTable({ sample: 'a cat\non a mat', step_10: { i: 10 }, loss: 0.25, 'accuracy@2': 0.5, step_2: { i: 2 }, done: true, epochs: 10 });
  assert.equal(lines, [
    'results:',
    '  accuracy@2  0.5',
    '  epochs      10',
    '  loss        0.25',
    '  done        true',
    '  sample      a cat\\non a mat',
    '  step_2      {"i":2}',
    '  step_10     {"i":10}',
  ]);
});

table('a text of only spaces, or none, is quoted: a blank reads as no value', () => {
  assert.equal(formatResultsTable({ empty: '', space: ' ', word: 'cat' }), ['results:', '  empty  ""', '  space  " "', '  word   cat']);
});

table('no results, no table', () => {
  assert.equal(formatResultsTable({}), []);
});

table('long keys and values are cut to the width, marked with …', () => {
  const [, line] = formatResultsTable({ ['k'.repeat(50)]: 'v'.repeat(500) }, { columns: 80 });
  assert.is(line, `  ${'k'.repeat(31)}…  ${'v'.repeat(42)}…`);
  assert.ok([...line!].length < 80, 'a line fits the terminal');
});

table(`past ${MAX_ROWS} rows it says how many it left out`, () => {
  const results = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`metric_${i + 1}`, i + 1]));
  const lines = formatResultsTable(results);
  assert.is(lines.length, 1 + MAX_ROWS);
  assert.is(lines[MAX_ROWS - 1], '  metric_19  19');
  assert.is(lines[MAX_ROWS], '  … 11 more (--json prints them all)');
});

table('what the experiment wrote cannot act on the terminal', () => {
  const lines = formatResultsTable({ 'key\x1b[2K': 'clip \x1b]52;c;eA==\x07', big: { text: '\x9b31m' } });
  // eslint-disable-next-line no-control-regex -- looking for control characters is the point
  assert.not.ok(lines.some((line) => /[\x00-\x08\x0b-\x1f\x7f-\x9f]/.test(line)), JSON.stringify(lines));
  assert.ok(lines.includes('  key\\x1b[2K  clip \\x1b]52;c;eA==\\x07'), JSON.stringify(lines));
});

table.run();
