import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Locator } from 'playwright-core';
import { axe, requireChromium, withBrowserWorkbench, type BrowserContextInfo } from '../helpers/browser.ts';
import { until } from '../helpers/until.ts';

const chromium = requireChromium('UI in Chromium: the run view charts a series');
const test = suite('UI in Chromium: the run view charts a series');

/** An experiment whose loss falls geometrically from 15 to 1e-29 over `steps` results, `delay_ms` apart. */
const LOSS_CURVE = String.raw`
import { ConfigSchema, Definition, Runtime, type ConfigOf, type RunContext } from 'athanor';

export function experiment() {
  return Definition.new()
    .name('loss_curve')
    .configuration(ConfigSchema.new()
      .field('steps', 'integer', { default: 300, min: 2 })
      .field('delay_ms', 'integer', { default: 0, min: 0 }));
}

export async function run(ctx: RunContext<ConfigOf<typeof experiment>>) {
  const { steps, delay_ms } = Runtime.config(ctx);
  for (let i = 0; i < steps; i++) {
    if (Runtime.cancelled(ctx)) throw new Runtime.Cancelled();
    Runtime.result(ctx, 'loss', 15 * (1e-29 / 15) ** (i / (steps - 1)));
    if (delay_ms > 0) await new Promise((resolve) => setTimeout(resolve, delay_ms));
  }
}
`;

/** The live run's steps: more than it reaches before it is cancelled. */
const STEPS = 3000;

/** Adds loss_curve to the workbench and starts a run of it; returns the run's id. */
async function startLossRun({ workbench, api }: BrowserContextInfo, configuration: { steps: number; delay_ms: number }): Promise<string> {
  await writeFile(join(workbench.experimentsDir, 'loss_curve.ts'), LOSS_CURVE);
  const entry = await until(() => workbench.registry.get('loss_curve'), 'loss_curve to load', 30_000);
  assert.is(entry.error, undefined, entry.error?.message);
  const instance = await api('POST', '/api/instances', { experiment: 'loss_curve', name: `loss ${Date.now()}`, configuration });
  assert.is(instance.status, 201, JSON.stringify(instance.body));
  const run = await api('POST', `/api/instances/${instance.body.id}/runs`, {});
  assert.is(run.status, 201, JSON.stringify(run.body));
  return run.body.id;
}

/** The drawn chart's facts: points, y scale distribution, x scale kind. */
const facts = (chart: Locator) =>
  chart.evaluate((el: any) => ({
    points: el.pointCount as number,
    drawn: (el.plot?.data[0].length ?? 0) as number,
    distr: el.plot?.scales.y.distr as number | undefined,
    time: Boolean(el.plot?.scales.x.time),
  }));

test('a live run draws its loss as it runs; once it has stopped the chart has what the server has, log scale and hover values', async () => {
  await withBrowserWorkbench(async (context) => {
    const { page, api, shot } = context;
    // The app's modules loaded first (Vite serves them from source), and a run long enough
    // to outlast a loaded machine's page load: it is cancelled once the chart has grown.
    await page.goto('/');
    await page.locator('athanor-app').waitFor();
    const runId = await startLossRun(context, { steps: STEPS, delay_ms: 20 });
    await page.goto(`/runs/${runId}`);
    const chart = page.locator('athanor-results-panel figure[data-key="loss"] athanor-chart');
    await chart.waitFor({ timeout: 30_000 });
    // Drawn while the run runs, and growing.
    const first = await until(async () => {
      const f = await facts(chart);
      return f.drawn > 0 ? f : undefined;
    }, 'the chart to draw while the run runs', 30_000);
    await until(async () => (await facts(chart)).drawn > first.drawn + 20, 'the chart to grow while the run runs', 30_000);
    assert.ok(await page.locator('athanor-run-view athanor-status-badge[status="running"]').count(), 'still running');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('athanor-run-view athanor-status-badge[status="cancelled"]').waitFor({ timeout: 60_000 });
    const stored = (await api('GET', `/api/runs/${runId}/results/series?key=loss&points=1000`)).body;
    await until(async () => (await facts(chart)).points === stored.points.length, `the ${stored.points.length} points the server has once the run has stopped`);
    const lastStep = stored.total - 1;

    await chart.getByRole('button', { name: 'Log scale' }).click();
    await until(async () => (await facts(chart)).distr === 3, 'a logarithmic y axis');
    const box = (await chart.locator('.u-over').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2);
    const values = await until(async () => {
      const v = await chart.locator('.u-legend .u-value').allTextContents();
      return v[0] && v[0] !== '—' ? v : undefined;
    }, 'hover values in the legend');
    const step = Number(values[0]);
    assert.ok(Math.abs(step - 0.75 * lastStep) <= 0.1 * lastStep, `step ${values[0]} at 3/4 of 0..${lastStep}`);
    const expected = 15 * (1e-29 / 15) ** (step / (STEPS - 1));
    // The legend's text is already rounded: within 0.5 % (rounding it again to 3 digits made 1.585
    // read 1.59 against 1.58, a flake); a neighbouring step's value is 2.3 % away.
    assert.ok(Math.abs(Number(values[1]) / expected - 1) <= 0.005, `value ${values[1]} at step ${step}, expected ${expected.toPrecision(4)}`);
    await shot('run-view-chart-log-light');
    assert.equal(await axe(page), []);

    // Time on the x axis: the legend shows when the value was recorded.
    await page.locator('athanor-results-panel figure[data-key="loss"]').getByRole('button', { name: 'Time', exact: true }).click();
    await until(async () => (await facts(chart)).time, 'a time axis');
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    const atTime = await until(async () => {
      const v = await chart.locator('.u-legend .u-value').allTextContents();
      return v[0] && v[0] !== '—' ? v[0] : undefined;
    }, 'a time in the legend');
    assert.match(atTime, /\d{1,2}:\d{2}:\d{2}/);
    assert.is((await facts(chart)).distr, 3, 'the log scale stays');
  }, { workbench: { watch: true } });
});

test('in the dark, the run view chart is drawn in the dark theme', async () => {
  await withBrowserWorkbench(
    async (context) => {
      const { page, shot } = context;
      const runId = await startLossRun(context, { steps: 200, delay_ms: 0 });
      await page.goto(`/runs/${runId}`);
      await page.locator('athanor-run-view athanor-status-badge[status="completed"]').waitFor({ timeout: 60_000 });
      const chart = page.locator('athanor-results-panel figure[data-key="loss"] athanor-chart');
      await until(async () => (await facts(chart)).points === 200, 'the 200 steps');
      await chart.getByRole('button', { name: 'Log scale' }).click();
      await until(async () => (await facts(chart)).distr === 3, 'a logarithmic y axis');
      const stroke = await chart.evaluate((el: any) => el.plot.series[1].stroke(el.plot, 1));
      assert.is(stroke, '#7c95ff');
      await shot('run-view-chart-log-dark');
      assert.equal(await axe(page), []);
    },
    { colorScheme: 'dark', workbench: { watch: true } },
  );
});

if (chromium) test.run();
