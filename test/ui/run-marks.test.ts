import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { olderCodeReason, otherConfigReason } from '../../ui/elements/instance-view/run-marks.ts';

const schema = {
  type: 'object',
  properties: { epochs: { type: 'integer', default: 10 }, warmup: { type: 'integer', default: 3 } },
};

const marks = suite("a run's marks in its instance's list");

marks('a field the newer code added is the code\'s mark, not "other config"; a changed value is', () => {
  // Ran before `warmup` existed, with the instance's epochs: only its code is other.
  const old = { configuration: { epochs: 10 }, codeHash: 'aaaaaaa1' };
  const now = { configuration: { epochs: 10, warmup: 3 }, schema, codeHash: 'bbbbbbb2' };
  assert.is(otherConfigReason(old, now), undefined);
  assert.match(olderCodeReason(old, now)!, /^Ran an older version of the experiment's code \(aaaaaaa; now bbbbbbb\); since then warmup added \(3\)$/);
  // Its epochs differ too: that is the configuration's.
  assert.match(otherConfigReason({ ...old, configuration: { epochs: 5 } }, now)!, /epochs 5 → 10/);
  assert.not.match(otherConfigReason({ ...old, configuration: { epochs: 5 } }, now)!, /warmup/);
  // The same code: every difference is the configuration's.
  assert.match(otherConfigReason({ configuration: { epochs: 10 }, codeHash: 'bbbbbbb2' }, now)!, /warmup added/);
});

marks.run();
