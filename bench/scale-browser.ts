/**
 * The browser half of `npm run bench -- scale`: the seeded workbench's pages in Chromium
 * (Debian's, driven by playwright-core), the built UI as `athanor serve` serves it. Each
 * figure is the time from the page's navigation start to what a user waits for, the median
 * of a few loads:
 * - dashboard: the first instance rows (and how many rows the page holds);
 * - source pane: the experiment's first instances, and how many API requests it took;
 * - runs table: the first rows of the 20,000 runs sorted by a metric;
 * - compare: 10 runs' comparison with its charts drawn (a canvas per series key).
 */
import { existsSync } from 'node:fs';
import { chromium, type Page } from 'playwright-core';
import type { ScaleSeed } from './scale-seed.ts';

const CHROMIUM = process.env.ATHANOR_CHROMIUM ?? '/usr/bin/chromium';
const LOADS = 3;

export interface BrowserFigures {
  dashboardFirstRowsMs: number;
  dashboardRowsInDom: number;
  sourcePaneFirstInstancesMs: number;
  sourcePaneRequests: number;
  runsTableFirstRowsMs: number;
  compare10ChartsDrawnMs: number;
  compareCharts: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Loads `path` `LOADS` times (after one unmeasured load); the median ms from navigation start to `ready`. */
async function timeLoads(page: Page, url: string, ready: (page: Page) => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i <= LOADS; i++) {
    await page.goto('about:blank');
    await page.goto(url, { waitUntil: 'commit' });
    await ready(page);
    const ms = await page.evaluate(() => performance.now());
    if (i > 0) times.push(Math.round(ms));
  }
  return median(times);
}

export async function browserFigures(base: string, seed: ScaleSeed, compareRunIds: string[]): Promise<BrowserFigures | undefined> {
  if (!existsSync(CHROMIUM)) {
    console.log(`scale: ${CHROMIUM} is missing, so the browser figures are left out (apt-get install -y chromium)`);
    return undefined;
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(60_000);
    const dashboardRows = (p: Page) => p.locator('athanor-dashboard [role="row"][data-id]');
    const dashboardFirstRowsMs = await timeLoads(page, `${base}/experiments`, (p) => dashboardRows(p).first().waitFor());
    const dashboardRowsInDom = await dashboardRows(page).count();

    const sourceRows = (p: Page) => p.locator('athanor-experiment-instances li.instance');
    const sourcePaneFirstInstancesMs = await timeLoads(page, `${base}/source/${seed.experiment}`, (p) => sourceRows(p).first().waitFor());
    const requested: string[] = [];
    const count = (request: { url(): string }) => {
      const { pathname, search } = new URL(request.url());
      if (pathname.startsWith('/api/')) requested.push(pathname + search);
    };
    page.on('request', count);
    await page.goto(`${base}/source/${seed.experiment}`);
    await sourceRows(page).first().waitFor();
    await page.waitForTimeout(1000); // whatever it asks for next
    page.off('request', count);
    const sourcePaneRequests = requested.length;
    console.log(`source pane's API requests: ${requested.join(' ')}`);

    const runsTableFirstRowsMs = await timeLoads(page, `${base}/experiments/by-name/${seed.experiment}/runs?sort=metrics.loss`, (p) =>
      p.locator('athanor-runs-table .tr.run').first().waitFor(),
    );

    const charts = (p: Page) => p.locator('athanor-compare athanor-chart');
    const compare10ChartsDrawnMs = await timeLoads(page, `${base}/compare?runs=${compareRunIds.join(',')}`, async (p) => {
      await charts(p).first().waitFor();
      const total = await charts(p).count();
      for (let i = 0; i < total; i++) await charts(p).nth(i).locator('canvas').first().waitFor();
    });
    const compareCharts = await charts(page).count();
    return { dashboardFirstRowsMs, dashboardRowsInDom, sourcePaneFirstInstancesMs, sourcePaneRequests, runsTableFirstRowsMs, compare10ChartsDrawnMs, compareCharts };
  } finally {
    await browser.close();
  }
}
