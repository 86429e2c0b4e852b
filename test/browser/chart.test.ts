import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { axe, requireChromium, withBrowserWorkbench } from '../helpers/browser.ts';
import { until } from '../helpers/until.ts';

const chromium = requireChromium('UI in Chromium: <athanor-chart>');
const test = suite('UI in Chromium: <athanor-chart>');

/** A loss falling geometrically from 15 to 1e-29 over `n` steps. */
const lossPoints = (n: number): [number, number][] => Array.from({ length: n }, (_, i) => [i, 15 * (1e-29 / 15) ** (i / (n - 1))]);

/** Replaces the app with one chart of `series` in an 800 px box; waits until it is drawn. */
async function showChart(page: Page, series: { label: string; points: [number, number][] }[], attributes: Record<string, string> = {}): Promise<void> {
  await page.goto('/');
  await page.locator('athanor-app').waitFor();
  await page.evaluate(
    ({ series, attributes }) => {
      const box = document.createElement('div');
      box.id = 'box';
      box.style.width = '800px';
      box.style.padding = '16px';
      const chart = document.createElement('athanor-chart') as any;
      for (const [name, value] of Object.entries(attributes)) chart.setAttribute(name, value);
      chart.series = series;
      box.append(chart);
      document.body.replaceChildren(box);
    },
    { series, attributes },
  );
  await until(() => page.evaluate(() => Boolean((document.querySelector('athanor-chart') as any)?.plot)), 'the chart to be drawn');
}

/** Facts about the drawn plot, read in the page. */
const plotFacts = (page: Page) =>
  page.evaluate(() => {
    const chart = (document.querySelector('athanor-chart') as any);
    const plot = chart.plot!;
    return {
      rows: plot.data[0].length,
      width: plot.width,
      distr: plot.scales.y!.distr,
      yMin: plot.scales.y!.min!,
      yMax: plot.scales.y!.max!,
      shown: plot.series.slice(1).map((s: any) => s.show),
      // Where 1e-15 is drawn, from the top of the plot (0) to its bottom (1).
      midDecade: plot.valToPos(1e-15, 'y') / plot.bbox.height * devicePixelRatio,
      note: chart.shadowRoot!.querySelector('.note')!.textContent!.trim(),
    };
  });

test('a loss from 15 to 1e-29 draws; the log toggle makes the y axis logarithmic and the legend shows values under the cursor', async () => {
  await withBrowserWorkbench(async ({ page, shot }) => {
    await showChart(page, [{ label: 'loss', points: lossPoints(300) }], { label: 'loss' });
    const linear = await plotFacts(page);
    assert.is(linear.rows, 300);
    assert.is(linear.distr, 1);
    // Linear: everything below 1 is squashed onto the bottom of the plot (the "L").
    assert.ok(linear.midDecade > 0.95, `1e-15 at ${linear.midDecade} of the height on a linear scale`);

    const toggle = page.getByRole('button', { name: 'Log scale' });
    assert.is(await toggle.getAttribute('aria-pressed'), 'false');
    await toggle.click();
    await until(async () => (await plotFacts(page)).distr === 3, 'the y scale to become logarithmic');
    const log = await plotFacts(page);
    assert.is(await toggle.getAttribute('aria-pressed'), 'true');
    assert.ok(log.yMin <= 1e-29 && log.yMax >= 15, `log range ${log.yMin}..${log.yMax}`);
    assert.ok(log.midDecade > 0.3 && log.midDecade < 0.7, `1e-15 at ${log.midDecade} of the height on a log scale`);
    // The axis labels name the decades as exponents (1e-29 would read 0 in a plain format).
    const labels = await page.evaluate(() => ((document.querySelector('athanor-chart') as any).plot!.axes[1] as any)._values as string[]);
    assert.ok(labels.some((l) => /^1e-2\d$/.test(l)), `y labels: ${labels.join(' ')}`);
    assert.ok(labels.includes('10') || labels.includes('1'), `y labels: ${labels.join(' ')}`);
    assert.is(log.note, '');

    // Hover: the legend shows the step and the loss under the cursor.
    const over = page.locator('athanor-chart .u-over');
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const legend = await until(async () => {
      const values = await page.locator('athanor-chart .u-legend .u-value').allTextContents();
      return values[0] !== '—' && values[0] !== '' ? values : undefined;
    }, 'the legend to show the values under the cursor');
    const step = Number(legend[0]);
    assert.ok(step > 100 && step < 200, `hovered step ${legend[0]}`);
    const expected = await page.evaluate((step) => {
      const plot = (document.querySelector('athanor-chart') as any).plot!;
      return plot.data[1][step];
    }, step);
    assert.is(Number(legend[1]).toPrecision(3), expected!.toPrecision(3), `legend ${legend.join(' | ')}`);
    await shot('chart-loss-log-light');
    assert.equal(await axe(page), []);
  });
});

test('in the dark, the chart uses the dark theme colours', async () => {
  await withBrowserWorkbench(
    async ({ page, shot }) => {
      await showChart(page, [
        { label: 'loss', points: lossPoints(200) },
        { label: 'val_loss', points: lossPoints(50).map(([x, y]) => [x * 4, y * 3]) },
      ], { label: 'losses', log: '' });
      const strokes = await page.evaluate(() => {
        const plot = (document.querySelector('athanor-chart') as any).plot;
        return plot.series.slice(1).map((s: any, i: number) => s.stroke(plot, i + 1));
      });
      assert.equal(strokes, ['#7c95ff', '#ff922b']);
      const over = page.locator('athanor-chart .u-over');
      const box = (await over.boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.3, box.y + 20);
      await shot('chart-losses-log-dark');
      assert.equal(await axe(page), []);
    },
    { colorScheme: 'dark' },
  );
});

test('on a log scale a series with values ≤ 0 is left off and named; with nothing left, the scale stays linear', async () => {
  await withBrowserWorkbench(async ({ page }) => {
    await showChart(page, [
      { label: 'loss', points: lossPoints(20) },
      { label: 'reward', points: [[0, -1], [5, 0], [10, 2]] },
    ], { log: '' });
    const mixed = await plotFacts(page);
    assert.is(mixed.distr, 3);
    assert.equal(mixed.shown, [true, false]);
    assert.match(mixed.note, /not possible for reward \(lowest -1\)/);

    await showChart(page, [{ label: 'reward', points: [[0, -1], [1, 0], [2, 2]] }], { log: '' });
    const none = await plotFacts(page);
    assert.is(none.distr, 1);
    assert.equal(none.shown, [true]);
    assert.match(none.note, /Log scale is not possible: values ≤ 0 in reward/);
  });
});

test('append adds live points once per frame without re-creating the plot; the chart follows its box', async () => {
  await withBrowserWorkbench(async ({ page }) => {
    await showChart(page, [{ label: 'loss', points: lossPoints(100) }, { label: 'acc', points: [[0, 0.1], [50, 0.5]] }]);
    const result = await page.evaluate(async () => {
      const chart = (document.querySelector('athanor-chart') as any);
      const plot = chart.plot!;
      let setData = 0;
      const original = plot.setData.bind(plot);
      plot.setData = (...args: any[]) => (setData++, original(...args));
      for (let i = 0; i < 50; i++) chart.append(0, [[100 + i, 1e-30 / (i + 1)]]);
      chart.appendPoints(1, [[149, 0.9]]);
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      await chart.updateComplete;
      return { same: chart.plot === plot, setData, rows: plot.data[0].length, last: plot.data[1].at(-1), acc: plot.data[2].at(-1), count: chart.pointCount };
    });
    assert.equal(result, { same: true, setData: 1, rows: 150, last: 1e-30 / 50, acc: 0.9, count: 153 });
    // A node given to append is still put in the element (its DOM method).
    assert.ok(await page.evaluate(() => {
      const chart = (document.querySelector('athanor-chart') as any);
      chart.append(document.createElement('span'));
      return chart.querySelector('span') !== null;
    }));
    await page.evaluate(() => void (document.getElementById('box')!.style.width = '500px'));
    await until(async () => {
      const width = (await plotFacts(page)).width;
      return width === 500 ? width : undefined;
    }, 'the plot to shrink with its box');
  });
});

if (chromium) test.run();
