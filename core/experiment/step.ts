/**
 * Whether `value` lies on the grid `base + k·step`. Floats are compared with a relative
 * tolerance so that 0.3 counts as on the step 0.1.
 */
export function isOnStep(value: number, step: number, base: number): boolean {
  const k = (value - base) / step;
  return Math.abs(k - Math.round(k)) <= 1e-9 * Math.max(1, Math.abs(k));
}
