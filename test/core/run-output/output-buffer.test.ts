/** The run output buffer with two flushes in flight: when the second starts, draining, failures. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { OutputBuffer } from '../../../core/run-output/output-buffer.ts';
import type { EncodedLogEntry } from '../../../core/experiments-service.ts';

const test = suite('run output buffer');

const entry: EncodedLogEntry = { level: 'info', message: 'x', metadata: null, timestamp: new Date() };
const entries = (count: number) => Array<EncodedLogEntry>(count).fill(entry);
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A store whose flushes stay under way until released, in order. */
function heldStore() {
  const flushes: { size: number; release: () => void; fail: (error: Error) => void }[] = [];
  let underWay = 0;
  let mostUnderWay = 0;
  const store = (logs: EncodedLogEntry[]) =>
    new Promise<void>((resolve, reject) => {
      underWay++;
      mostUnderWay = Math.max(mostUnderWay, underWay);
      const settle = () => underWay--;
      flushes.push({ size: logs.length, release: () => (settle(), resolve()), fail: (error) => (settle(), reject(error)) });
    });
  return { store, flushes, mostUnderWay: () => mostUnderWay };
}

test('a second flush starts only for a full batch, never a third, and drain waits for every one', async () => {
  const held = heldStore();
  const buffer = new OutputBuffer({ store: held.store, pause() {}, resume() {}, onError: (error) => assert.unreachable(String(error)), batchSize: 100, maxInFlight: 2, highWater: 10_000 });
  buffer.add(entries(10), []);
  assert.equal(held.flushes.map((f) => f.size), [10], 'an idle buffer flushes at once');
  buffer.add(entries(50), []);
  assert.equal(held.flushes.map((f) => f.size), [10], 'half a batch waits for the flush under way');
  buffer.add(entries(100), []);
  assert.equal(held.flushes.map((f) => f.size), [10, 100], 'a full batch starts a second flush');
  buffer.add(entries(400), []);
  assert.is(held.flushes.length, 2, 'never a third');
  let drained = false;
  const draining = buffer.drain().then(() => (drained = true));
  for (let i = 0; i < held.flushes.length; i++) {
    held.flushes[i]!.release();
    await tick();
  }
  await draining;
  assert.ok(drained);
  assert.is(held.flushes.reduce((sum, f) => sum + f.size, 0), 560);
  assert.ok(held.flushes.slice(2).every((f) => f.size <= 100));
  assert.is(held.mostUnderWay(), 2);
  assert.is(buffer.size, 0);
});

test('with one flush in flight (the default) the next starts when it ends', async () => {
  const held = heldStore();
  const buffer = new OutputBuffer({ store: held.store, pause() {}, resume() {}, onError: (error) => assert.unreachable(String(error)), batchSize: 100 });
  buffer.add(entries(10), []);
  buffer.add(entries(300), []);
  assert.is(held.flushes.length, 1);
  held.flushes[0]!.release();
  await tick();
  assert.equal(held.flushes.map((f) => f.size), [10, 100]);
  const draining = buffer.drain();
  for (let i = 1; i < held.flushes.length; i++) {
    held.flushes[i]!.release();
    await tick();
  }
  await draining;
  assert.is(held.mostUnderWay(), 1);
});

test('a failed flush is reported once, though the flush after it fails with it, and the buffer stops taking entries', async () => {
  const held = heldStore();
  const errors: string[] = [];
  const buffer = new OutputBuffer({ store: held.store, pause() {}, resume() {}, onError: (error) => errors.push((error as Error).message), batchSize: 100, maxInFlight: 2, highWater: 10_000 });
  buffer.add(entries(100), []);
  buffer.add(entries(100), []);
  assert.is(held.flushes.length, 2);
  held.flushes[0]!.fail(new Error('disk full'));
  held.flushes[1]!.fail(new Error('the batch before failed'));
  await buffer.drain();
  assert.equal(errors, ['disk full']);
  buffer.add(entries(5), []);
  assert.is(buffer.size, 0);
  assert.is(held.flushes.length, 2);
});

test.run();
