import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FollowState, MAX_SCROLL_PX, atBottom, rowWindow, scrollTopFor, spacerHeight, topRowAt } from '../../ui/state/log-scroll.ts';

const geometry = { rowHeight: 20, rowCount: 1000, viewport: 400 };

const scroll = suite('log list geometry');

scroll('renders the rows in view plus an overscan, placed where they belong', () => {
  const w = rowWindow({ ...geometry, overscan: 5 }, 2010);
  assert.is(w.firstVisible, 100);
  assert.is(w.lastVisible, 120);
  assert.is(w.first, 95);
  assert.is(w.last, 125);
  assert.is(w.offset, 95 * 20);
});

scroll('a million rows: the spacer is capped, the first and last rows are still reached', () => {
  const g = { rowHeight: 20, rowCount: 1_000_000, viewport: 400 };
  assert.is(spacerHeight(g), MAX_SCROLL_PX);
  assert.is(topRowAt(g, 0), 0);
  const end = rowWindow(g, MAX_SCROLL_PX - 400);
  assert.is(end.lastVisible, 999_999);
  assert.is(end.last, 999_999);
  // the last rendered row ends at the spacer's bottom
  assert.ok(Math.abs(end.offset + (end.last - end.first + 1) * 20 - MAX_SCROLL_PX) < 1e-6);
  const middle = scrollTopFor(g, 500_000);
  assert.ok(Math.abs(topRowAt(g, middle) - 500_000) < 1e-6);
});

scroll('at the bottom within a row', () => {
  assert.ok(atBottom({ scrollTop: 585, scrollHeight: 1000, clientHeight: 400 }, 20));
  assert.not.ok(atBottom({ scrollTop: 500, scrollHeight: 1000, clientHeight: 400 }, 20));
});

const follow = suite('auto-scroll');

follow('pauses when the reader scrolls up, resumes at the bottom', () => {
  const state = new FollowState(true);
  state.scrolling(1000);
  state.scrolled(1000, true); // our own scroll
  assert.ok(state.following);
  state.scrolled(700, false); // the reader scrolls up
  assert.not.ok(state.following);
  state.scrolled(800, false); // down, not at the bottom yet
  assert.not.ok(state.following);
  state.scrolled(1400, true);
  assert.ok(state.following);
});

follow('our own scroll to a grown bottom does not pause; "jump to latest" resumes', () => {
  const state = new FollowState(true);
  state.scrolled(1000, true);
  state.scrolling(600); // list shrank (filter): we scroll to its bottom
  state.scrolled(600, false);
  assert.ok(state.following);
  state.pause();
  assert.not.ok(state.following);
  state.resume();
  assert.ok(state.following);
});

scroll.run();
follow.run();
