/**
 * `npm run bench -- scale`: issue 14's figures on Postgres. Seeds (in SQL, bench/scale-seed.ts)
 * 2,000 instances × 10 runs × 105 results (100 of them one `loss` series, 5 other metric
 * keys) and one run with a 1,000,000-point `loss` series, then measures over HTTP, against
 * a real workbench server:
 * - the runs table API, a page of 50 of the 20,000 runs sorted by `metrics.loss`
 *   (also descending, the next page, and filtered), p50/p95 over 50 requests each;
 * - the series endpoint, the 1,000,000 points downsampled to 1,000 (by step and by time).
 * Then the same pages in Chromium (bench/scale-browser.ts): dashboard and runs table first
 * rows, the source pane's requests, a comparison of 10 runs until its charts are drawn.
 * Sizes: ATHANOR_SCALE_INSTANCES, ATHANOR_SCALE_RUNS, ATHANOR_SCALE_SERIES.
 */
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHttpServer } from '../core/http/http-server.ts';
import { buildUi, createBuiltUi } from '../core/http/ui-assets.ts';
import { browserFigures } from './scale-browser.ts';
import { createWorkbench } from '../core/workbench.ts';
import { withBenchSchema } from './bench-postgres.ts';
import { seedScale, type ScaleSeed } from './scale-seed.ts';

export { seedScale, type ScaleOptions, type ScaleSeed } from './scale-seed.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const REQUESTS = 50;

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;
const round = (ms: number) => Math.round(ms * 10) / 10;

/** Times `count` sequential GETs of `path` (after 3 unmeasured ones), checking each answers 200. */
async function timeRequests(base: string, path: string, count = REQUESTS): Promise<{ p50: number; p95: number; body: any }> {
  let body: unknown;
  const get = async () => {
    const response = await fetch(base + path);
    const text = await response.text();
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    body = JSON.parse(text);
  };
  for (let i = 0; i < 3; i++) await get();
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await get();
    times.push(performance.now() - start);
  }
  return { p50: round(percentile(times, 0.5)), p95: round(percentile(times, 0.95)), body };
}

function printTable(seed: ScaleSeed, rows: [string, { p50: number; p95: number }, string][]): void {
  console.log(`\nscale: ${seed.instances} instances, ${seed.runs} runs, ${seed.results.toLocaleString('en')} results (seeded in ${seed.seconds.toFixed(1)} s), Postgres, over HTTP`);
  console.log(`${'figure'.padEnd(58)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}  target`);
  for (const [name, { p50, p95 }, target] of rows) console.log(`${name.padEnd(58)}${String(p50).padStart(9)}${String(p95).padStart(9)}  ${target}`);
  console.log('');
}

export default function scaleBench(): Promise<Record<string, number>> {
  return withBenchSchema(async (url) => {
    await mkdir(join(ROOT, 'test-output'), { recursive: true });
    const dir = await mkdtemp(join(ROOT, 'test-output', 'bench-scale-'));
    await cp(join(ROOT, 'bench/fixtures/scale_bench.ts'), join(dir, 'scale_bench.ts'));
    // The UI as `athanor serve` serves it, built from the source as it is now.
    await buildUi(join(dir, 'ui-build'), 'error');
    const ui = await createBuiltUi(join(dir, 'ui-build', 'ui'), join(dir, 'ui-build', 'athanor-ui.js'));
    const workbench = await createWorkbench({ experimentsDir: dir, database: url, watch: false });
    const server = await startHttpServer({ workbench, port: 0, log: () => {}, ui: ui.handler });
    const base = `http://127.0.0.1:${server.port}`;
    try {
      const seed = await seedScale(workbench.database.db, {
        instances: Number(process.env.ATHANOR_SCALE_INSTANCES ?? 2_000),
        runsPerInstance: Number(process.env.ATHANOR_SCALE_RUNS ?? 10),
        bigSeries: Number(process.env.ATHANOR_SCALE_SERIES ?? 1_000_000),
      });
      const runsPath = (query: string) => `/api/experiments/${seed.experiment}/runs?limit=50&${query}`;
      const byLoss = await timeRequests(base, runsPath('sort=metrics.loss'));
      if (byLoss.body.items.length !== 50 || byLoss.body.total !== seed.runs) throw new Error(`the runs table answered ${byLoss.body.items.length} rows of ${byLoss.body.total}`);
      const byLossDesc = await timeRequests(base, runsPath('sort=metrics.loss:desc'));
      const nextPage = await timeRequests(base, runsPath(`sort=metrics.loss&cursor=${byLoss.body.next}`));
      const filtered = await timeRequests(base, runsPath('sort=metrics.accuracy:desc&filter=status%3Dcompleted&filter=metrics.loss%3C1&filter=config.model%3Dlarge'));
      const byConfig = await timeRequests(base, runsPath('sort=config.lr:desc'));
      const seriesPath = (x: string) => `/api/runs/${seed.bigRunId}/results/series?key=loss&points=1000&x=${x}`;
      const series = await timeRequests(base, seriesPath('step'));
      if (series.body.total !== seed.bigSeries || series.body.points.length > 1000) throw new Error(`the series answered ${series.body.points.length} of ${series.body.total}`);
      const seriesTime = await timeRequests(base, seriesPath('time'));
      const shortSeries = await timeRequests(base, `/api/runs/${byLoss.body.items[0].id}/results/series?key=loss&points=1000`);
      const browser = await browserFigures(base, seed, byLoss.body.items.slice(0, 10).map((row: { id: string }) => row.id));
      printTable(seed, [
        ['runs table, 50 of 20,000 runs by metrics.loss', byLoss, 'p95 ≤ 100 ms'],
        ['runs table, by metrics.loss:desc', byLossDesc, 'p95 ≤ 100 ms'],
        ['runs table, by metrics.loss, the next page (cursor)', nextPage, 'p95 ≤ 100 ms'],
        ['runs table, 3 filters (status, metric, config), by a metric', filtered, ''],
        ['runs table, by config.lr:desc', byConfig, ''],
        ['series, 1,000,000 points → 1,000 (by step)', series, '≤ 300 ms'],
        ['series, 1,000,000 points → 1,000 (by time)', seriesTime, '≤ 300 ms'],
        ['series, 100 points (all)', shortSeries, ''],
      ]);
      if (browser) {
        console.log(`${'in Chromium (median of 3 loads, from navigation start)'.padEnd(58)}${'ms'.padStart(9)}  target`);
        console.log(`${`dashboard, first rows (${browser.dashboardRowsInDom} rows in the page)`.padEnd(58)}${String(browser.dashboardFirstRowsMs).padStart(9)}  ≤ 500 ms`);
        console.log(`${`source pane, first instances (${browser.sourcePaneRequests} API requests)`.padEnd(58)}${String(browser.sourcePaneFirstInstancesMs).padStart(9)}  ≤ 500 ms, ≤ 5 requests`);
        console.log(`${'runs table of 20,000 by a metric, first rows'.padEnd(58)}${String(browser.runsTableFirstRowsMs).padStart(9)}  ≤ 500 ms`);
        console.log(`${`compare of 10 runs, ${browser.compareCharts} charts drawn`.padEnd(58)}${String(browser.compare10ChartsDrawnMs).padStart(9)}  ≤ 1000 ms\n`);
      }
      return {
        ...(browser ?? {}),
        seedSeconds: round(seed.seconds),
        runs: seed.runs,
        runsTableByMetricP50Ms: byLoss.p50,
        runsTableByMetricP95Ms: byLoss.p95,
        runsTableByMetricDescP95Ms: byLossDesc.p95,
        runsTableNextPageP95Ms: nextPage.p95,
        runsTableFilteredP95Ms: filtered.p95,
        runsTableByConfigP95Ms: byConfig.p95,
        series1MTo1000P50Ms: series.p50,
        series1MTo1000P95Ms: series.p95,
        series1MTo1000ByTimeP95Ms: seriesTime.p95,
        seriesPointsReturned: series.body.points.length,
      };
    } finally {
      await server.close();
      await workbench.close();
      await ui.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
}
