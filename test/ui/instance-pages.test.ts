// The paged list model of instances: live events placed the way the server orders pages.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Instance } from '../../core/records.ts';
import { appendPage, isLoaded, mergeHead, placeInstance, removeInstance, type InstancePages } from '../../ui/state/instance-pages.ts';

const counts = { pending: 0, running: 0, completed: 0, failed: 0, cancelled: 0, total: 0 };
const instance = (name: string, extra: Partial<Instance> = {}): Instance => ({
  id: `id-${name}`,
  name,
  description: null,
  experiment: 'exp',
  configuration: {},
  version: 1,
  runCounts: counts,
  lastRunAt: null,
  latestRun: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...extra,
});
const names = (pages: InstancePages) => pages.items.map((i) => i.name);
const byName = { sort: 'name' as const };

test('a created instance goes where the sort puts it, counted; one past the loaded rows waits for its page (and the list re-reads its count)', () => {
  const pages: InstancePages = { items: [instance('a'), instance('c')], next: 'cursor', total: 10 };
  const placed = placeInstance(pages, instance('b'), byName, true);
  assert.equal(names(placed), ['a', 'b', 'c']);
  assert.is(placed.total, 11);
  assert.is(placeInstance(placed, instance('b'), byName, true).total, 11, 'its creation sent again counts it once');
  const later = placeInstance(pages, instance('z'), byName, true);
  assert.equal(names(later), ['a', 'c'], 'a later page brings it');
  // The stream may send again the creation of an instance the read counted on a page not
  // loaded: not counted here (it went up by one on every replay), the list re-reads its count.
  assert.is(later.total, 10);
  assert.is(isLoaded(placed, 'id-b') && !isLoaded(later, 'id-z'), true);
  const last = placeInstance({ ...pages, next: null }, instance('z'), byName, true);
  assert.equal(names(last), ['a', 'c', 'z'], 'everything is loaded: it goes last');
});

test('the search and the experiment filter decide what belongs; a renamed instance leaves a search it no longer matches', () => {
  const query = { sort: 'name' as const, q: 'BA', experiment: 'exp' };
  const pages: InstancePages = { items: [instance('base 1')], next: null, total: 1 };
  assert.equal(names(placeInstance(pages, instance('other'), query, true)), ['base 1']);
  assert.equal(names(placeInstance(pages, instance('base 2', { experiment: 'else' }), query, true)), ['base 1']);
  const renamed = placeInstance(pages, { ...instance('renamed'), id: 'id-base 1' }, query, false);
  assert.equal(names(renamed), []);
  assert.is(renamed.total, 0);
});

test('an update without a latest run keeps the one shown; removing and appending never repeat an instance', () => {
  const latestRun = { id: 'r', status: 'completed' as const, createdAt: '', startedAt: null, completedAt: null, metrics: { loss: 1 } };
  const pages: InstancePages = { items: [instance('a', { latestRun })], next: null, total: 1 };
  const { latestRun: _, ...bare } = instance('a', { description: 'edited' });
  const updated = placeInstance(pages, bare as Instance, byName, false);
  assert.equal(updated.items[0]!.latestRun, latestRun);
  assert.is(updated.items[0]!.description, 'edited');
  assert.is(removeInstance(pages, 'id-a').total, 0);
  assert.is(removeInstance(pages, 'id-unknown'), pages);
  const appended = appendPage({ items: [instance('a'), instance('b')], next: 'x', total: 3 }, { items: [instance('b'), instance('c')], next: null, total: 3 });
  assert.equal(names(appended), ['a', 'b', 'c']);
});

test("the head fetched again replaces its rows; the rest loaded stays after it, with its cursor", () => {
  const pages: InstancePages = { items: ['a', 'b', 'c', 'd'].map((n) => instance(n)), next: 'after-d', total: 9 };
  const merged = mergeHead(pages, { items: [instance('new'), instance('a')], next: 'after-a', total: 10 });
  assert.equal(names(merged), ['new', 'a', 'b', 'c', 'd']);
  assert.is(merged.next, 'after-d');
  assert.is(merged.total, 10);
  const whole = mergeHead(pages, { items: ['x', 'a', 'b', 'c', 'd'].map((n) => instance(n)), next: 'after-d2', total: 10 });
  assert.equal(names(whole), ['x', 'a', 'b', 'c', 'd']);
  assert.is(whole.next, 'after-d2');
});

test.run();
