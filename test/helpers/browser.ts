/**
 * Real-browser tests: Debian's Chromium (`/usr/bin/chromium`) driven by playwright-core,
 * against a real workbench serving the UI from source through Vite, as `athanor dev` does.
 *
 * - `requireChromium(name)`: the browser's path, or undefined when the suite must not run
 *   (skipped loudly; a failure under `ATHANOR_REQUIRE_ALL=1`).
 * - `withBrowserWorkbench(fn)`: one browser per test process, a fresh page and workbench
 *   (memory storage, a temporary experiments folder) per call; `shot(name)` saves a
 *   screenshot to test-output/screenshots/; `axe(page)` returns serious and critical
 *   accessibility violations. The UI is the built one users get (`athanor dev` from the
 *   package serves it), built once per `npm test` and shared by the test processes (one
 *   bundle per page instead of hundreds of modules through Vite: the browser suites take
 *   half the time); `ui: 'dev'` serves it from source through Vite, as when working on
 *   athanor's own UI (`ATHANOR_TEST_UI=dev` for every suite). `bfcache: true` uses a second
 *   browser with the back/forward cache on (Playwright turns it off by default).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { suite } from 'uvu';
import { createBuiltUi, createDevUi, type UiAssets } from '../../core/http/ui-assets.ts';
import { sharedBuiltUiDir } from './build-once.ts';
import { withServer, type ServerContext } from './http-workbench.ts';
import type { WorkbenchOptions } from '../../core/workbench.ts';
import type { HttpServerOptions } from '../../core/http/http-server.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CHROMIUM = process.env.ATHANOR_CHROMIUM ?? '/usr/bin/chromium';
/**
 * Debian's build of Chromium's headless shell (package chromium-headless-shell: the same Blink
 * without a browser window around each context), which Playwright itself runs for `headless: true`:
 * the browser suites' Chromium took a third less CPU (252 → 174 CPU-s, 147 → 107 s). Used when
 * installed and ATHANOR_CHROMIUM does not name another browser; the back/forward cache, which the
 * shell does not have, is tested in CHROMIUM.
 */
const SHELL = process.env.ATHANOR_CHROMIUM ? undefined : ['/usr/lib/chromium/chromium-headless-shell'].find((path) => existsSync(path));
export const SCREENSHOTS = join(ROOT, 'test-output', 'screenshots');

/** The Chromium path for suite `suiteName`, or undefined when it must not run. */
export function requireChromium(suiteName: string): string | undefined {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  if (process.env.ATHANOR_REQUIRE_ALL === '1') {
    const failing = suite(suiteName);
    failing('needs Chromium', () => {
      throw new Error(`${CHROMIUM} is missing but ATHANOR_REQUIRE_ALL=1: "${suiteName}" cannot be skipped (apt-get install -y chromium)`);
    });
    failing.run();
  } else {
    process.stderr.write(`\n  SKIPPED "${suiteName}": ${CHROMIUM} is missing (apt-get install -y chromium to run it)\n`);
  }
  return undefined;
}

let browser: Promise<Browser> | undefined;
let bfcacheBrowser: Promise<Browser> | undefined;
let ui: Promise<UiAssets> | undefined;
let builtUi: Promise<UiAssets> | undefined;

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
/**
 * Chromium's headless mode draws a whole browser window for every context, and each window
 * preloads its omnibox popups (WebUI pages, one renderer process more per context): ~2 CPU-s a
 * context here, a third of the browser suites' Chromium. No test types in an address bar.
 */
const UNUSED_FEATURES = ['WebUIOmniboxPopup', 'WebUIOmniboxAimPopup'];

/**
 * `--disable-features` with Playwright's own list and UNUSED_FEATURES: Chromium keeps only the
 * last `--disable-features` it is given, and Playwright does not merge ours into its list, so
 * it is read from a browser launched with Playwright's defaults (once per process, ~0.3 s).
 */
let disableFeatures: Promise<string> | undefined;
function disableFeaturesArg(): Promise<string> {
  disableFeatures ??= (async () => {
    const plain = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...ARGS, '--enable-automation'] }); // which the command line query needs
    try {
      const session = await plain.newBrowserCDPSession();
      const { arguments: argv } = (await session.send('Browser.getBrowserCommandLine')) as { arguments: string[] };
      const theirs = argv.filter((arg) => arg.startsWith('--disable-features=')).flatMap((arg) => arg.slice('--disable-features='.length).split(','));
      return `--disable-features=${[...new Set([...theirs, ...UNUSED_FEATURES])].filter(Boolean).join(',')}`;
    } finally {
      await plain.close();
    }
  })();
  return disableFeatures;
}

const launch = async (options: { bfcache: boolean }) =>
  chromium.launch({
    executablePath: (!options.bfcache && SHELL) || CHROMIUM,
    headless: true,
    // The shell draws no browser window, so there are no omnibox popups to turn off.
    args: [...ARGS, ...(!options.bfcache && SHELL ? [] : [await disableFeaturesArg()])],
    // Playwright turns the back/forward cache off; a browser a user runs has it on.
    ...(options.bfcache ? { ignoreDefaultArgs: ['--disable-back-forward-cache'] } : {}),
  });

/** The test process's one browser (closed when the process exits); `bfcache`: a second one with the back/forward cache on. */
export function sharedBrowser(options: { bfcache?: boolean } = {}): Promise<Browser> {
  if (options.bfcache) return (bfcacheBrowser ??= launch({ bfcache: true }));
  return (browser ??= launch({ bfcache: false }));
}

/** The UI from source through Vite, shared by every test in the process. */
function sharedUi(): Promise<UiAssets> {
  ui ??= createDevUi();
  return ui;
}

/** The built UI (build-once.ts), served as the package serves it. */
function sharedBuiltUi(): Promise<UiAssets> {
  builtUi ??= sharedBuiltUiDir().then((dir) => createBuiltUi(join(dir, 'ui'), join(dir, 'athanor-ui.js')));
  return builtUi;
}

/** Closes the shared browsers and Vite: the browser suites' process does once its files have run (run-suites.ts --browser). */
export async function closeBrowserSuites(): Promise<void> {
  const [b, c, u, d] = [browser, bfcacheBrowser, ui, builtUi];
  browser = bfcacheBrowser = ui = builtUi = undefined;
  await Promise.all([b?.then((x) => x.close()), c?.then((x) => x.close()), u?.then((x) => x.close()), d?.then((x) => x.close())]);
}

export interface BrowserContextInfo extends ServerContext {
  page: Page;
  context: BrowserContext;
  /** Saves a full-page screenshot as test-output/screenshots/NAME.png. */
  shot(name: string, target?: Page): Promise<void>;
  /** Opens another tab in the same browser context (same cookies). */
  newPage(): Promise<Page>;
}

/** Runs `fn` with a fresh workbench and page; always closes both. */
export async function withBrowserWorkbench<T>(
  fn: (context: BrowserContextInfo) => Promise<T>,
  options: {
    workbench?: Partial<WorkbenchOptions>;
    server?: Partial<Omit<HttpServerOptions, 'workbench' | 'ui'>>;
    colorScheme?: 'light' | 'dark';
    /**
     * The page's prefers-reduced-motion (default `reduce`: a running run's spinning badge drew
     * frames all the while it showed, ~0.1 CPU-s a second; a test of the motion itself asks for it).
     */
    reducedMotion?: 'reduce' | 'no-preference';
    /** `dev`: the UI from source through Vite (default `built`: as users get it). */
    ui?: 'dev' | 'built';
    /** A browser with the back/forward cache on. */
    bfcache?: boolean;
    /** More experiment files to serve (paths from the package's root, e.g. `test/fixtures/compare/sweep_fixture.ts`). */
    fixtures?: readonly string[];
  } = {},
): Promise<T> {
  const [b, assets] = await Promise.all([sharedBrowser({ bfcache: options.bfcache }), (options.ui ?? process.env.ATHANOR_TEST_UI ?? 'built') === 'built' ? sharedBuiltUi() : sharedUi()]);
  await mkdir(SCREENSHOTS, { recursive: true });
  return withServer(
    async (server) => {
      const context = await b.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: options.colorScheme ?? 'light', reducedMotion: options.reducedMotion ?? 'reduce', baseURL: server.base });
      const page = await context.newPage();
      // Uncaught errors and CSP refusals fail the test: the app must run under its own CSP.
      const errors: string[] = [];
      const watch = (p: Page) => {
        p.on('pageerror', (error) => errors.push(String(error)));
        p.on('console', (message) => {
          if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) errors.push(message.text());
        });
      };
      context.on('page', watch);
      watch(page);
      try {
        const result = await fn({
          ...server,
          page,
          context,
          newPage: () => context.newPage(),
          shot: async (name, target = page) => void (await target.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })),
        });
        if (errors.length) throw new Error(`the page threw: ${errors.join('\n')}`);
        return result;
      } finally {
        await context.close();
      }
    },
    // Not watched unless a test asks (`workbench: { watch: true }`, as `athanor dev` is: a test that
    // adds or edits experiment files on disk): a watched folder keeps a loader process ready for the
    // first edit (~1 CPU-s a workbench), which most tests never make.
    { workbench: { watch: false, ...options.workbench }, server: { ...options.server, ui: assets.handler }, ...(options.fixtures ? { fixtures: options.fixtures } : {}) },
  );
}

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function axe(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, which the page's CSP (rightly) does not allow
  // an inline script to do.
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(await axeSource);
  const violations = await page.evaluate(async () => {
    const page = globalThis as any;
    const result = await page.axe.run(page.document, { resultTypes: ['violations'] });
    return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n: any) => JSON.stringify(n.target)) }));
  });
  return (violations as AxeViolation[]).filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
