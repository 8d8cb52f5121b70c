// Console benchmark (`npm run bench:console [-- --objects N] [--samples N]`): the built
// console in Debian's Chromium (playwright-core) against the real API on the demo data,
// then with N extra Workloads (default 10,000). Measures the first view (navigation to
// the Overview's counts shown), the object list of N Workloads (first rows, all pages
// loaded, rows in the DOM) and scrolling it (long tasks, frame gaps), and the bundle's
// size. Writes tmp/bench/console.json and prints a table.
// The DOM lib: the page.evaluate() callbacks below run in the browser.
/// <reference lib="dom" />
/* eslint-disable @nx/enforce-module-boundaries -- the bench runs the console's real test stack */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startConsoleStack, type ConsoleStack } from '../../apps/console/test/support/stack';
/* eslint-enable @nx/enforce-module-boundaries */

const log = pino({ name: 'bench-console' });
const root = fileURLToPath(new URL('../..', import.meta.url));
const { values } = parseArgs({
  options: {
    objects: { type: 'string', default: '10000' },
    samples: { type: 'string', default: '5' },
  },
});
const objects = Number(values.objects);
const samples = Number(values.samples);

const percentile = (xs: number[], p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

function bundle(): { files: number; jsBytes: number; jsGzipBytes: number; cssBytes: number } {
  const dir = join(root, 'dist/apps/console/assets');
  let jsBytes = 0;
  let jsGzipBytes = 0;
  let cssBytes = 0;
  const files = readdirSync(dir).filter((f) => !f.endsWith('.map'));
  for (const file of files) {
    const path = join(dir, file);
    if (file.endsWith('.js')) {
      jsBytes += statSync(path).size;
      jsGzipBytes += gzipSync(readFileSync(path)).length;
    } else if (file.endsWith('.css')) cssBytes += statSync(path).size;
  }
  return { files: files.length, jsBytes, jsGzipBytes, cssBytes };
}

async function signedInPage(browser: Browser, token: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript((t) => sessionStorage.setItem('crossway.token', t), token);
  return context.newPage();
}

/** Navigation start to the Overview's heading and first count shown (ms). */
async function firstView(browser: Browser, stack: ConsoleStack): Promise<number> {
  const page = await signedInPage(browser, stack.tokens.admin);
  const started = Date.now();
  await page.goto(`${stack.url}/ui/`);
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
  await page
    .getByRole('link', { name: /Service/ })
    .first()
    .waitFor();
  const elapsed = Date.now() - started;
  waterfall = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const api = resources.filter((r) => r.name.includes('/api/v1/'));
    const script = resources.find((r) => r.name.endsWith('.js'));
    return {
      documentMs: Math.round(nav.responseEnd),
      scriptLoadedMs: Math.round(script?.responseEnd ?? 0),
      domContentLoadedMs: Math.round(nav.domContentLoadedEventEnd),
      firstApiCallMs: Math.round(Math.min(...api.map((r) => r.startTime))),
      lastApiAnswerMs: Math.round(Math.max(...api.map((r) => r.responseEnd))),
      apiCalls: api.length,
      slowestApiCallMs: Math.round(Math.max(...api.map((r) => r.duration))),
    };
  });
  await page.context().close();
  return elapsed;
}

/** Where the last first-view sample spent its time (ms from navigation start). */
let waterfall: Record<string, number> = {};

async function objectList(browser: Browser, stack: ConsoleStack) {
  const page = await signedInPage(browser, stack.tokens.admin);
  const started = Date.now();
  await page.goto(`${stack.url}/ui/objects/workloads`);
  await page
    .getByRole('link', { name: /bulk-0000\d/ })
    .first()
    .waitFor({ timeout: 60_000 });
  const firstRowsMs = Date.now() - started;
  await page
    .getByText(new RegExp(`${objects + 4}|${(objects + 4).toLocaleString('en')}`))
    .first()
    .waitFor({ timeout: 120_000 });
  const allLoadedMs = Date.now() - started;
  const domRows = await page.locator('a[href^="/ui/objects/workloads/"]').count();
  // Scroll the list to the end in 40 steps and record long tasks and frame gaps.
  const scroll = await page.evaluate(async () => {
    const list = document.querySelector('.virtual-list');
    if (!list) return { found: false, longTasks: 0, longestTaskMs: 0, worstFrameMs: 0 };
    const tasks: number[] = [];
    const observer = new PerformanceObserver((entries) => {
      for (const entry of entries.getEntries()) tasks.push(entry.duration);
    });
    observer.observe({ type: 'longtask', buffered: false });
    let worstFrameMs = 0;
    let last = performance.now();
    for (let i = 1; i <= 40; i++) {
      list.scrollTop = (list.scrollHeight * i) / 40;
      list.dispatchEvent(new Event('scroll'));
      await new Promise((r) => requestAnimationFrame(() => r(undefined)));
      const now = performance.now();
      worstFrameMs = Math.max(worstFrameMs, now - last);
      last = now;
    }
    observer.disconnect();
    return {
      found: true,
      longTasks: tasks.length,
      longestTaskMs: Math.round(Math.max(0, ...tasks)),
      worstFrameMs: Math.round(worstFrameMs),
    };
  });
  const lastVisible = await page
    .getByRole('link', { name: /bulk-\d+/ })
    .last()
    .textContent();
  await page.context().close();
  return { firstRowsMs, allLoadedMs, domRows, scroll, lastVisible };
}

async function addWorkloads(stack: ConsoleStack, count: number): Promise<void> {
  const client = stack.client();
  await client.apply([
    {
      apiVersion: 'crossway.dev/v1alpha1',
      kind: 'Service',
      metadata: { name: 'bulk', namespace: 'bulk' },
      spec: { ports: [{ name: 'http', port: 80, protocol: 'http' }] },
    },
  ]);
  for (let start = 0; start < count; start += 1000) {
    const batch = [];
    for (let i = start; i < Math.min(count, start + 1000); i++) {
      batch.push({
        apiVersion: 'crossway.dev/v1alpha1',
        kind: 'Workload',
        metadata: { name: `bulk-${String(i).padStart(5, '0')}`, namespace: 'bulk' },
        spec: {
          service: 'bulk',
          address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
          ports: [{ name: 'http', port: 8080 }],
        },
      });
    }
    await client.apply(batch);
    log.info({ written: Math.min(count, start + 1000), of: count }, 'writing Workloads');
  }
}

async function main(): Promise<void> {
  const build = spawnSync('node', [join(root, 'scripts/ensure-console.mjs')], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('console build failed');
  const browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
  const stack = await startConsoleStack();
  try {
    log.info({ samples }, 'first view on the demo data');
    await firstView(browser, stack); // warm-up: the first launch compiles and caches
    const demo: number[] = [];
    for (let i = 0; i < samples; i++) demo.push(await firstView(browser, stack));
    const demoWaterfall = waterfall;
    log.info({ objects }, 'adding Workloads');
    await addWorkloads(stack, objects);
    const large: number[] = [];
    for (let i = 0; i < samples; i++) large.push(await firstView(browser, stack));
    log.info('object list of all Workloads');
    const list = await objectList(browser, stack);
    const result = {
      at: new Date().toISOString(),
      objects,
      samples,
      bundle: bundle(),
      firstViewDemoMs: { p50: percentile(demo, 50), max: Math.max(...demo), all: demo },
      firstViewDemoWaterfall: demoWaterfall,
      firstViewLargeMs: { p50: percentile(large, 50), max: Math.max(...large), all: large },
      objectList: list,
    };
    mkdirSync(join(root, 'tmp/bench'), { recursive: true });
    writeFileSync(join(root, 'tmp/bench/console.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.table({
      'first view, demo (ms)': { p50: result.firstViewDemoMs.p50, max: result.firstViewDemoMs.max },
      [`first view, +${objects} (ms)`]: {
        p50: result.firstViewLargeMs.p50,
        max: result.firstViewLargeMs.max,
      },
      [`list of ${objects} Workloads: first rows / all loaded (ms)`]: {
        p50: list.firstRowsMs,
        max: list.allLoadedMs,
      },
    });
    console.log(
      JSON.stringify(
        { bundle: result.bundle, firstViewDemoWaterfall: demoWaterfall, objectList: list },
        null,
        2,
      ),
    );
    console.log('written to tmp/bench/console.json');
  } finally {
    await browser.close();
    await stack.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
