// Which failed runs are retried: one rule (core/records.ts) for the supervisor, the pool and
// `athanor run`, which waits for a retry only when one is coming.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { shouldRetry } from '../../core/records.ts';

const rule = suite('the retry rule');
const failed = { status: 'failed' as const, startedAt: '2026-12-03T00:00:00.000Z', configuration: { lr: 0.1 }, attempt: 1, retries: 2 };

rule('a run that started and then failed is retried while attempts are left', () => {
  assert.ok(shouldRetry(failed));
  assert.ok(shouldRetry({ ...failed, attempt: 2 }));
  assert.not.ok(shouldRetry({ ...failed, attempt: 3 }), 'retries 2: attempt 3 is the last');
  assert.not.ok(shouldRetry({ ...failed, retries: 0 }));
});

rule('a run that failed before it started is not retried: it would fail the same way (athanor run used to wait 5 s for it)', () => {
  assert.not.ok(shouldRetry({ ...failed, startedAt: null }));
  assert.not.ok(shouldRetry({ ...failed, configuration: null }));
});

rule('only failed runs are retried: not cancelled, completed or unfinished ones', () => {
  for (const status of ['cancelled', 'completed', 'running', 'pending'] as const) assert.not.ok(shouldRetry({ ...failed, status }), status);
});

rule.run();
