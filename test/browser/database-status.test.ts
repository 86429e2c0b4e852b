// The header says "database unavailable" while Postgres is away, and stops saying it when it
// is back (issue 12, item 2): a workbench on real Postgres reached through a TCP proxy the
// test cuts, in real Chromium.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { requireChromium, withBrowserWorkbench } from '../helpers/browser.ts';
import { createScratchSchema, requirePostgresUrl } from '../helpers/databases.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';

const name = 'UI in Chromium: a database that goes away';
const chromium = requireChromium(name);
const url = requirePostgresUrl(name);
const database = suite(name);

database('the header shows "database unavailable" while Postgres is away, and clears when it is back', async () => {
  const schema = await createScratchSchema(url!);
  const target = new URL(url!);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const viaProxy = new URL(schema.url);
  viaProxy.host = `127.0.0.1:${proxy.port}`;
  try {
    await withBrowserWorkbench(
      async ({ page, shot }) => {
        await page.goto('/experiments');
        await page.locator('athanor-dashboard').getByText('No instances yet').waitFor({ timeout: 90_000 });
        const banner = page.locator('athanor-app header').getByText('database unavailable');
        assert.is(await banner.count(), 0);
        await proxy.stop();
        await banner.waitFor({ timeout: 10_000 });
        assert.match((await banner.getAttribute('title')) ?? '', /^since \d{4}-/);
        await shot('database-unavailable');
        await proxy.start();
        await banner.waitFor({ state: 'detached', timeout: 10_000 });
        // A page opened while it was away reads the status afresh: open one now, all is well.
        await page.reload();
        await page.locator('athanor-dashboard').getByText('No instances yet').waitFor({ timeout: 30_000 });
        assert.is(await banner.count(), 0);
      },
      { workbench: { database: viaProxy.toString() } },
    );
  } finally {
    await proxy.start().catch(() => {});
    await proxy.close();
    await schema.drop();
  }
});

if (chromium && url) database.run();
