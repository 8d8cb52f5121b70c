// Chromium for the console's end-to-end tests: Debian's /usr/bin/chromium driven by
// playwright-core (no bundled browser download), the built console it needs, and the
// screenshot directory CI keeps as an artifact.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const CONSOLE_DIR = join(ROOT, 'dist/apps/console');
export const SCREENSHOT_DIR = join(ROOT, 'tmp/console-screenshots');
export const CHROMIUM = process.env['CROSSWAY_CHROMIUM'] ?? '/usr/bin/chromium';
/** Where the console keeps the token (src/session.tsx TOKEN_KEY). */
export const TOKEN_KEY = 'crossway.token';

/** Fails with the command to run when the console was not built (the nx test target builds it). */
export function requireBuiltConsole(): void {
  if (!existsSync(join(CONSOLE_DIR, 'index.html')))
    throw new Error(
      `the console is not built (no ${join(CONSOLE_DIR, 'index.html')}): run "npm run build" ` +
        `or "npx vite build --config apps/console/vite.config.ts" first`,
    );
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (as .ci/run does)`);
}

/** Bytes of the built JavaScript and CSS (source maps excluded), reported with the timings. */
export function bundleBytes(): { js: number; css: number } {
  const assets = join(CONSOLE_DIR, 'assets');
  const total = { js: 0, css: 0 };
  for (const name of readdirSync(assets)) {
    const size = statSync(join(assets, name)).size;
    if (name.endsWith('.js')) total.js += size;
    if (name.endsWith('.css')) total.css += size;
  }
  return total;
}

export async function launchChromium(): Promise<Browser> {
  // Chromium refuses to run as root with its sandbox (CI containers run as root).
  const root = process.getuid?.() === 0;
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: root ? ['--no-sandbox'] : [],
  });
}

/** Problems a page reported that no scenario expects: uncaught errors and CSP refusals. */
export interface PageProblems {
  list: string[];
}

/**
 * A fresh browser context (its own sessionStorage) on the API's origin. With `token`
 * the console finds it in sessionStorage on every load, as after a sign-in in this tab.
 */
export async function openContext(
  browser: Browser,
  baseURL: string,
  problems: PageProblems,
  token?: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1366, height: 900 } });
  if (token !== undefined)
    await context.addInitScript(([key, value]) => window.sessionStorage.setItem(key, value), [
      TOKEN_KEY,
      token,
    ] as const);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => problems.list.push(`${page.url()}: ${error.message}`));
  page.on('console', (message) => {
    // 4xx answers are logged by Chromium as errors too; scenarios provoke some (422).
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text()))
      problems.list.push(`${page.url()}: ${message.text()}`);
  });
  return { context, page };
}

/** Saves a full-page screenshot as tmp/console-screenshots/<name>.png. */
export async function screenshot(page: Page, name: string, saved: Set<string>): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  saved.add(name);
}
