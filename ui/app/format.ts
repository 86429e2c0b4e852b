/** How times, durations and values read in every view. */

/** `2026-11-24 14:03:07` in the reader's time zone (an ISO string, or ms since the epoch); '—' for none. */
export function formatTime(iso: string | number | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return `${formatDate(date)} ${formatClockSeconds(date)}`;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** `2026-11-24`, the date part of {@link formatTime}. */
export const formatDate = (date: Date): string => `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())}`;

/** `14:03:07`, the time part of {@link formatTime}. */
export const formatClockSeconds = (date: Date): string => `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`;

/** `14:03:07.125`, for log lines. */
export function formatClock(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** `850 ms`, `12.4 s`, `3 m 05 s`, `2 h 04 m`; '—' when it has not started. */
export function formatDuration(startedAt: string | null | undefined, endedAt: string | null | undefined, now = Date.now()): string {
  if (!startedAt) return '—';
  const ms = Math.max(0, (endedAt ? Date.parse(endedAt) : now) - Date.parse(startedAt));
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} m`;
}

/** A short id for display: the first 8 characters of a UUID. */
export const shortId = (id: string): string => id.slice(0, 8);

/** A code version for display: the first 7 characters of its hash, as git shows a commit; `—` for none. Every page cuts it the same. */
export const shortHash = (hash: string | null | undefined): string => (hash ? hash.slice(0, 7) : '—');

/** A one-line preview of a JSON value, at most `max` characters. */
export function previewValue(value: unknown, max = 80): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Milliseconds as a short estimate: `~40 s`, `~3 min`, `~2 h`. */
function roughly(ms: number): string {
  if (ms < 60_000) return `~${Math.max(1, Math.round(ms / 1000))} s`;
  if (ms < 3_600_000) return `~${Math.round(ms / 60_000)} min`;
  return `~${(ms / 3_600_000).toFixed(ms < 36_000_000 ? 1 : 0)} h`;
}

/**
 * `3/4 (75%)`, and while it runs `· ~12 s left`, from the rate so far (elapsed × what is
 * left ÷ what is done): the original showed the count and percentage; the estimate is ours.
 * The experiment's message is shown beside it by the view.
 */
export function formatProgress(progress: { current: number; total: number }, startedAt: string | null, now = Date.now()): string {
  const { current, total } = progress;
  if (!(total > 0)) return `${current}`;
  const percent = Math.floor((Math.min(current, total) / total) * 100);
  const text = `${current}/${total} (${percent}%)`;
  const elapsed = startedAt ? now - Date.parse(startedAt) : NaN;
  // No estimate before there is a rate to go by (a second in, a step done) or once done.
  if (!(elapsed >= 1000) || current <= 0 || current >= total) return text;
  return `${text} · ${roughly((elapsed * (total - current)) / current)} left`;
}

/** `812 B`, `3.4 kB`, `1.2 MB` (powers of 1000, as file sizes read). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/**
 * How long ago, for lists: `just now`, `5 min ago`, `3 h ago`, `2 d ago`, then the date
 * (`2026-11-24`). The exact time goes in a `title` (see {@link formatTime}).
 */
export function formatAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const ms = now - Date.parse(iso);
  if (ms < 45_000) return 'just now';
  if (ms < 3_600_000) return `${Math.max(1, Math.round(ms / 60_000))} min ago`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)} h ago`;
  if (ms < 7 * 86_400_000) return `${Math.round(ms / 86_400_000)} d ago`;
  return formatTime(iso).slice(0, 10);
}

/**
 * A metric as a cell or a table shows it: integers whole (`12,000`), others to 4
 * significant digits (`0.1235`), very large or small ones as `1.23e-7`. A value that 4
 * digits would round to an integer gets the digits it needs to differ, and one more
 * (`0.99999928` reads `0.9999993`, never `1`): a near-perfect score is not a perfect one.
 */
export function formatMetric(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const size = Math.abs(value);
  if (Number.isInteger(value) && size < 1e15) return value.toLocaleString('en-US');
  if (size !== 0 && (size < 1e-3 || size >= 1e9)) return value.toExponential(2);
  return String(Number(value.toPrecision(distinctDigits(value))));
}

/** 4, or past it where 4 digits would round a value under 1,000 to an integer. */
function distinctDigits(value: number): number {
  // From 1,000 on, 4 digits are all whole ones: an integer is the expected reading.
  if (Math.abs(value) >= 1e3) return 4;
  for (let digits = 4; digits < 16; digits++) {
    if (!Number.isInteger(Number(value.toPrecision(digits)))) return digits === 4 ? 4 : digits + 1;
  }
  return 16;
}

/** What a code snapshot's note says was left out ("not kept: big.ts (1.2 MiB…)" → "big.ts (1.2 MiB…)"), for a sentence that says "not kept" itself. */
export function omittedCode(note: string): string {
  return note.replace(/^not kept: /, '');
}
