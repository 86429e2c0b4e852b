/**
 * "Did you mean …?" for a mistyped name: the known name closest to what was typed, when
 * one is close enough to be a likely typo. Browser-safe (the configuration validator, which
 * the UI shares, names the closest field).
 */

/**
 * Edits between `a` and `b`: insertions, deletions, substitutions, and swaps of two
 * neighbouring characters (optimal string alignment distance), ignoring case.
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  // Three rows of the dynamic-programming table: the swap looks two rows back.
  let before = new Array<number>(t.length + 1).fill(0);
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const current = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, before[j - 2]! + 1);
      current.push(best);
    }
    before = previous;
    previous = current;
  }
  return previous[t.length]!;
}

/** How many edits still look like a typo of a name this long: 1 for short names, about a third for long ones. */
const allowedEdits = (length: number) => Math.max(1, Math.ceil(length / 3));

/**
 * The name among `candidates` that `name` most likely meant: the nearest by
 * {@link editDistance} within a third of its length or so, else the only candidate that
 * contains it (an abbreviation, `iter` for `iterations`). Undefined when none is close, or
 * when `name` is itself a candidate.
 *
 * @example
 * closestName('iteratons', ['iterations', 'seed']) // 'iterations'
 * closestName('exprmnt', ['my_experiment', 'experiment']) // 'experiment'
 * closestName('zzz', ['iterations']) // undefined
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const names = [...new Set(candidates)];
  if (names.includes(name) || name === '') return undefined;
  let best: { name: string; distance: number } | undefined;
  for (const candidate of names) {
    const distance = editDistance(name, candidate);
    if (distance <= allowedEdits(Math.max(name.length, candidate.length)) && (!best || distance < best.distance)) {
      best = { name: candidate, distance };
    }
  }
  if (best) return best.name;
  if (name.length < 3) return undefined;
  const containing = names.filter((candidate) => candidate.toLowerCase().includes(name.toLowerCase()));
  return containing.length === 1 ? containing[0] : undefined;
}

/** `; did you mean "NAME"?` for the closest candidate, or '' when none is close. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const closest = closestName(name, candidates);
  return closest === undefined ? '' : `; did you mean "${closest}"?`;
}
