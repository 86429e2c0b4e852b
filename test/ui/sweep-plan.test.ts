import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseTableState } from '../../ui/elements/runs-table/runs-table-query.ts';
import { MAX_COMPARED, sweepDestination } from '../../ui/state/sweep-plan.ts';

const ids = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);

test('a started sweep is watched on its run, its comparison, or the runs table of its own instances', () => {
  assert.is(sweepDestination(['r1'], 'exp', ['i1']), '/runs/r1');
  assert.is(sweepDestination(ids(3, 'r'), 'exp', ids(3, 'i')), '/compare?runs=r0000,r0001,r0002');
  // More than the comparison takes: the table, filtered to the sweep's instances (it showed the experiment's older runs too).
  const instances = ids(MAX_COMPARED + 2, 'i');
  const destination = sweepDestination(ids(MAX_COMPARED + 2, 'r'), 'my exp', instances);
  const [path, query] = destination.split('?');
  assert.is(path, '/experiments/by-name/my%20exp/runs');
  assert.equal(parseTableState(query!).filters, [`instance=${instances.join('|')}`]);
  // Past a URL's sensible length, the whole table, newest first.
  assert.is(sweepDestination(ids(200, 'r'), 'exp', ids(200, 'i')), '/experiments/by-name/exp/runs');
});

test.run();
