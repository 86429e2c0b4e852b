/**
 * Shared by the runs table and compare suites: the compare fixture (runs that differ in
 * configuration, metrics, logs and code) in a browser workbench, and runs of it.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { SCREENSHOTS, type BrowserContextInfo } from '../helpers/browser.ts';
import { until } from '../helpers/until.ts';

export const EXPERIMENT = 'compare_fixture';
const FIXTURE = fileURLToPath(new URL('../fixtures/compare/compare_fixture.ts', import.meta.url));
/** Where every screenshot of these suites also goes, to look at. */
export const SHOTS_DIR = process.env.ATHANOR_COMPARE_SHOTS ?? '/tmp/shots';

/** Copies the fixture into the workbench's experiments folder and waits for it to load. */
export async function addCompareFixture({ workbench }: BrowserContextInfo): Promise<void> {
  await copyFile(FIXTURE, join(workbench.experimentsDir, `${EXPERIMENT}.ts`));
  const entry = await until(() => workbench.registry.get(EXPERIMENT), `${EXPERIMENT} to load`, 30_000);
  assert.is(entry.error, undefined, entry.error?.message);
}

export interface FixtureRun {
  id: string;
  instanceId: string;
  status: string;
}

/** Creates an instance named `name` and starts a run; `wait`: until it ends. */
export async function startFixtureRun(
  { api, workbench }: BrowserContextInfo,
  name: string,
  configuration: Record<string, unknown>,
  options: { wait?: boolean } = { wait: true },
): Promise<FixtureRun> {
  const instance = await api('POST', '/api/instances', { experiment: EXPERIMENT, name, configuration });
  assert.is(instance.status, 201, JSON.stringify(instance.body));
  const started = await api('POST', `/api/instances/${instance.body.id}/runs`, {});
  assert.is(started.status, 201, JSON.stringify(started.body));
  if (options.wait === false) return { id: started.body.id, instanceId: instance.body.id, status: started.body.status };
  const run = await workbench.experiments.waitForRun(started.body.id);
  return { id: run.id, instanceId: instance.body.id, status: run.status };
}

/** Edits the fixture on disk (one more error log line when it fails) and waits for the reload. */
export async function editFixture({ workbench }: BrowserContextInfo): Promise<void> {
  const file = join(workbench.experimentsDir, `${EXPERIMENT}.ts`);
  const before = workbench.registry.get(EXPERIMENT)?.codeHash;
  const source = await readFile(file, 'utf8');
  await writeFile(file, source.replace("Runtime.log(ctx, 'warn', `top_k", "Runtime.log(ctx, 'info', 'edited since');\n  Runtime.log(ctx, 'warn', `top_k"));
  await until(() => workbench.registry.get(EXPERIMENT)?.codeHash !== before, `${EXPERIMENT} to reload`, 20_000);
}

/** How far the page scrolls sideways (0: nothing is wider than the window). */
export const sideways = (page: Page) => page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);

/** The page's URL query, decoded. */
export const queryOf = (page: Page) => new URL(page.url()).searchParams;

/** Saves a screenshot to test-output/screenshots/ and a copy in SHOTS_DIR. */
export async function snap({ shot }: BrowserContextInfo, name: string, page?: Page): Promise<void> {
  await shot(name, page);
  await mkdir(SHOTS_DIR, { recursive: true });
  await copyFile(join(SCREENSHOTS, `${name}.png`), join(SHOTS_DIR, `${name}.png`));
}
