/**
 * `npm run bench -- ui`: the run view's log in real Chromium (playwright-core driving
 * /usr/bin/chromium, as the browser tests do), over a workbench on Postgres serving the
 * built UI the way `athanor serve` does (`vite build` into a temporary folder, served by
 * createBuiltUi).
 *
 * - 1,000,000 log rows for one run, written straight through storage (insertLogRows: one
 *   COPY per 50,000 rows); then, on /runs/:id:
 * - first rows: navigation → the first log rows in the DOM (target ≤ 1000 ms), timed in
 *   the page (the view's `athanor:log-first-rows` mark, from navigation start) and from
 *   outside (goto → rows found);
 * - scrolling: programmatic scrolling each frame, steady (40 px a frame) and a fling
 *   (1,500 px a frame): frame times, frames over 25 ms, and frames whose viewport showed
 *   rows still loading; then jumps to the middle and the end: time until their rows show;
 * - bounds: the most rows ever in the DOM, pages held, and the JS heap (after GC) before
 *   and after scrolling through the whole million;
 * - live tail: a run logging 5,000 lines a second for 10 s while the page follows it:
 *   long tasks, frame times, and how far behind the newest line on screen was.
 *
 * Env: ATHANOR_BENCH_DATABASE_URL ?? ATHANOR_TEST_DATABASE_URL ?? postgres://postgres@127.0.0.1:5432/test,
 * ATHANOR_BENCH_UI_ROWS (default 1,000,000), ATHANOR_CHROMIUM.
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { startHttpServer } from '../core/http/http-server.ts';
import { createBuiltUi, PACKAGE_ROOT } from '../core/http/ui-assets.ts';
import { createWorkbench, type Workbench } from '../core/workbench.ts';
import { insertLogRows } from '../storage/bulk-insert.ts';
import type { LogLevel, NewRunLogRow } from '../storage/database-schema.ts';
import { sharedBrowser } from '../test/helpers/browser.ts';
import { withBenchSchema } from './bench-postgres.ts';
import { inPage, type FrameStats, type TailStats } from './fixtures/ui-page-probes.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ROWS = Number(process.env.ATHANOR_BENCH_UI_ROWS ?? 1_000_000);
const TAIL_RATE = 5000;
const TAIL_SECONDS = 10;

export default function uiBench(): Promise<Record<string, number | string>> {
  return withBenchSchema((url) => measure(url));
}

/**
 * `vite build` of the app into `dir` (not dist/: other work may be serving it). If the app
 * does not build (a view under construction), a page holding only `<athanor-run-view>` is
 * built instead, and the figures say so.
 */
async function buildInto(dir: string): Promise<string> {
  const { build } = await import('vite');
  try {
    await build({ configFile: join(PACKAGE_ROOT, 'vite.config.ts'), logLevel: 'silent', build: { outDir: dir, emptyOutDir: true } });
    return 'the app, built (vite build → createBuiltUi, as athanor serve)';
  } catch (error) {
    const page = join(dir, '..', 'run-page');
    await mkdir(page, { recursive: true });
    const view = relative(page, join(PACKAGE_ROOT, 'ui/elements/athanor-run-view.ts'));
    await writeFile(join(page, 'main.ts'), `import '${view}';\nconst el = document.createElement('athanor-run-view');\nel.setAttribute('run-id', location.pathname.split('/').pop() ?? '');\ndocument.body.append(el);\n`);
    await writeFile(join(page, 'index.html'), '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Run</title><script type="module" src="./main.ts"></script></head><body></body></html>');
    await build({ root: page, configFile: false, logLevel: 'warn', build: { outDir: dir, emptyOutDir: true, target: 'es2022' } });
    return `the run view alone, built (the app did not build: ${String((error as Error).message).split('\n')[0]})`;
  }
}

/** A finished run with `count` log rows, written straight through storage. */
async function seedRun(workbench: Workbench, count: number): Promise<string> {
  const instance = await workbench.experiments.createInstance({ experiment: 'ui_tail', name: `bench ${Date.now()}`, configuration: {} });
  const run = await workbench.experiments.createRun(instance.id);
  const { database } = workbench;
  const levels: LogLevel[] = ['info', 'info', 'info', 'debug', 'warn', 'error'];
  const start = Date.now() - count;
  const chunk = 50_000;
  for (let offset = 0; offset < count; offset += chunk) {
    const rows: NewRunLogRow[] = [];
    for (let seq = offset + 1; seq <= Math.min(count, offset + chunk); seq++) {
      rows.push({
        run_id: run.id,
        seq,
        level: levels[seq % levels.length]!,
        message: `iteration ${seq} of ${count}: loss=${(1 / seq).toFixed(6)} lr=0.001 ok`,
        metadata: seq % 10 === 0 ? JSON.stringify({ seq, epoch: Math.floor(seq / 1000), phase: seq % 20 ? 'train' : 'eval' }) : null,
        timestamp: new Date(start + seq),
      });
    }
    await insertLogRows(database, rows);
  }
  const now = new Date();
  await database.db
    .updateTable('runs')
    .set({ status: 'completed', log_count: count, started_at: new Date(start), completed_at: now })
    .where('id', '=', run.id)
    .execute();
  return run.id;
}

const ratio = (figure: number, target: number) => +(figure / target).toFixed(2);

async function heapAfterGc(page: Page): Promise<number> {
  const session = await page.context().newCDPSession(page);
  await session.send('HeapProfiler.collectGarbage');
  const { usedSize } = (await session.send('Runtime.getHeapUsage')) as { usedSize: number };
  await session.detach();
  return +(usedSize / 1024 / 1024).toFixed(1);
}

async function measure(postgresUrl: string): Promise<Record<string, number | string>> {
  await mkdir(join(ROOT, 'test-output'), { recursive: true });
  const dir = await mkdtemp(join(ROOT, 'test-output', 'bench-ui-'));
  const figures: Record<string, number | string> = { rows: ROWS };
  await cp(join(ROOT, 'bench/fixtures/ui_tail.ts'), join(dir, 'experiments', 'ui_tail.ts'), { recursive: true });
  let t = performance.now();
  figures.ui_served = await buildInto(join(dir, 'ui'));
  figures.ui_build_s = +((performance.now() - t) / 1000).toFixed(1);
  const workbench = await createWorkbench({ experimentsDir: join(dir, 'experiments'), database: postgresUrl, watch: false });
  const server = await startHttpServer({ workbench, port: 0, log: () => {}, ui: createBuiltUi(join(dir, 'ui')).handler });
  const base = `http://127.0.0.1:${server.port}`;
  const browser = await sharedBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    t = performance.now();
    const runId = await seedRun(workbench, ROWS);
    figures.seed_s = +((performance.now() - t) / 1000).toFixed(1);

    // The machine's own frame rate now (a static page): the reference for the frame figures.
    const idlePage = await context.newPage();
    await idlePage.setContent('<p>idle</p>');
    const idle = await inPage.run<FrameStats>(idlePage, inPage.idleFrames, 2000);
    await idlePage.close();
    figures.idle_frame_p95_ms = idle.p95;
    figures.idle_frames_over_25ms = idle.slow;
    figures.idle_frames = idle.frames;

    const page = await context.newPage();
    // Warm the HTTP cache and the database once, as a reader who has the app open would.
    await page.goto(`${base}/experiments`);
    await workbench.experiments.readLogs(runId, { limit: 1000 });

    const outside = performance.now();
    await page.goto(`${base}/runs/${runId}`);
    await inPage.run(page, inPage.firstRowsShown);
    figures.first_rows_outside_ms = Math.round(performance.now() - outside);
    figures.first_rows_ms = Math.round(await inPage.run<number>(page, inPage.firstRowsMark));
    const breakdown = await inPage.run<Record<string, number>>(page, inPage.loadBreakdown);
    for (const [what, ms] of Object.entries(breakdown)) figures[`first_load_${what}_ms`] = ms;
    figures.heap_after_open_mb = await heapAfterGc(page);

    const steady: FrameStats = await inPage.run<FrameStats>(page, inPage.scrollFrames, { pxPerFrame: 40, ms: 3000 });
    const fling: FrameStats = await inPage.run<FrameStats>(page, inPage.scrollFrames, { pxPerFrame: 1500, ms: 3000 });
    figures.steady_frame_p95_ms = steady.p95;
    figures.steady_frames_over_25ms = steady.slow;
    figures.steady_frames = steady.frames;
    figures.steady_blank_frames = steady.blank;
    figures.fling_frame_p95_ms = fling.p95;
    figures.fling_frames_over_25ms = fling.slow;
    figures.fling_frames = fling.frames;
    figures.fling_blank_frames = fling.blank;
    figures.jump_middle_ms = Math.round(await inPage.run<number>(page, inPage.jumpTo, 0.5));
    figures.jump_end_ms = Math.round(await inPage.run<number>(page, inPage.jumpTo, 1));
    figures.jump_start_ms = Math.round(await inPage.run<number>(page, inPage.jumpTo, 0));
    // Read the whole million: 100 jumps, each waiting for its rows.
    const sweep = await inPage.run<{ p50: number; max: number; maxRows: number; pagesHeld: number }>(page, inPage.sweep, 100);
    figures.sweep_jump_p50_ms = sweep.p50;
    figures.sweep_jump_max_ms = sweep.max;
    figures.max_dom_rows = Math.max(steady.maxRows, fling.maxRows, sweep.maxRows);
    figures.pages_held = sweep.pagesHeld;
    figures.heap_after_sweep_mb = await heapAfterGc(page);

    try {
      await measureTail(workbench, page, base, figures);
    } catch (error) {
      figures.tail_error = String((error as Error).message).split('\n')[0]!;
    }
    await page.close();
  } finally {
    await context.close();
    await browser.close();
    await server.close();
    await workbench.close();
    await rm(dir, { recursive: true, force: true });
  }
  printTable(figures);
  return figures;
}

async function measureTail(workbench: Workbench, page: Page, base: string, figures: Record<string, number | string>): Promise<void> {
  const instance = await workbench.experiments.createInstance({ experiment: 'ui_tail', name: `tail ${Date.now()}`, configuration: { rate: TAIL_RATE, seconds: TAIL_SECONDS } });
  const run = await workbench.experiments.startRun((await workbench.experiments.createRun(instance.id)).id);
  await page.goto(`${base}/runs/${run.id}`);
  await inPage.run(page, inPage.firstRowsShown);
  const tail = await inPage.run<TailStats>(page, inPage.watchTail, { ms: TAIL_SECONDS * 1000 - 1000 });
  const done = await Promise.race([
    workbench.experiments.waitForRun(run.id),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the tail run did not end within 60 s')), 60_000)),
  ]);
  const catchUp = await inPage.run<number>(page, inPage.untilSeq, done.logCount);
  figures.tail_lines = done.logCount;
  figures.tail_status = done.status;
  figures.tail_frames = tail.frames;
  figures.tail_fps = tail.fps;
  figures.tail_frame_p95_ms = tail.p95;
  figures.tail_frames_over_25ms = tail.slow;
  figures.tail_long_tasks = tail.longTasks;
  figures.tail_long_task_max_ms = tail.longTaskMax;
  figures.tail_lag_p50_ms = tail.lagP50;
  figures.tail_lag_p95_ms = tail.lagP95;
  figures.tail_max_dom_rows = tail.maxRows;
  figures.tail_catch_up_ms = Math.round(catchUp);
}

function printTable(f: Record<string, number | string>): void {
  const n = (key: string) => Number(f[key]);
  console.log(`\nui benchmark: a run's log in Chromium — ${Number(f.rows).toLocaleString()} rows on Postgres; the UI ${f.ui_served}`);
  console.table({
    'first rows (in page)': { figure: `${f.first_rows_ms} ms`, reference: `goto → rows ${f.first_rows_outside_ms} ms`, target: '≤ 1000 ms', ratio: ratio(n('first_rows_ms'), 1000) },
    '  of which arrived at': { figure: `logs ${f.first_load_logs_ms} ms`, reference: `html ${f.first_load_html_ms}, script ${f.first_load_script_ms}, run ${f.first_load_run_ms} ms`, target: '', ratio: '' },
    'idle page p95 frame (reference)': { figure: `${f.idle_frame_p95_ms} ms`, reference: `${f.idle_frames_over_25ms}/${f.idle_frames} over 25 ms`, target: '', ratio: '' },
    'steady scroll p95 frame': { figure: `${f.steady_frame_p95_ms} ms`, reference: `${f.steady_frames_over_25ms}/${f.steady_frames} over 25 ms, ${f.steady_blank_frames} blank`, target: '≤ 16.7 ms, or the idle page\'s', ratio: ratio(n('steady_frame_p95_ms'), Math.max(16.7, n('idle_frame_p95_ms'))) },
    'fling scroll p95 frame': { figure: `${f.fling_frame_p95_ms} ms`, reference: `${f.fling_frames_over_25ms}/${f.fling_frames} over 25 ms, ${f.fling_blank_frames} blank`, target: '≤ 16.7 ms, or the idle page\'s', ratio: ratio(n('fling_frame_p95_ms'), Math.max(16.7, n('idle_frame_p95_ms'))) },
    'jump to middle → rows': { figure: `${f.jump_middle_ms} ms`, reference: `end ${f.jump_end_ms} ms, start ${f.jump_start_ms} ms`, target: '≤ 1000 ms', ratio: ratio(n('jump_middle_ms'), 1000) },
    '100 jumps over the million': { figure: `p50 ${f.sweep_jump_p50_ms} ms`, reference: `max ${f.sweep_jump_max_ms} ms`, target: '≤ 1000 ms', ratio: ratio(n('sweep_jump_max_ms'), 1000) },
    'rows in the DOM (max)': { figure: f.max_dom_rows, reference: `${f.pages_held} pages of 1,000 held`, target: '≤ 100', ratio: ratio(n('max_dom_rows'), 100) },
    'JS heap after GC': { figure: `${f.heap_after_sweep_mb} MB after the sweep`, reference: `${f.heap_after_open_mb} MB after opening`, target: 'flat', ratio: ratio(n('heap_after_sweep_mb'), n('heap_after_open_mb')) },
    'live tail: frame rate': { figure: `${f.tail_fps} fps`, reference: `p95 frame ${f.tail_frame_p95_ms} ms, ${f.tail_frames_over_25ms}/${f.tail_frames} over 25 ms`, target: '≥ 50 fps', ratio: ratio(n('tail_fps'), 50) },
    'live tail: long tasks': { figure: f.tail_long_tasks, reference: `longest ${f.tail_long_task_max_ms} ms`, target: 'none over 100 ms', ratio: '' },
    'live tail: lag behind newest': { figure: `p50 ${f.tail_lag_p50_ms} ms`, reference: `p95 ${f.tail_lag_p95_ms} ms; all ${f.tail_lines} lines shown ${f.tail_catch_up_ms} ms after the end`, target: '≤ 1000 ms', ratio: ratio(n('tail_lag_p95_ms'), 1000) },
  });
}
