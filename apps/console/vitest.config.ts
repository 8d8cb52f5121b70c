// Component tests (test/**/*.test.tsx) run in happy-dom against a real API in this
// process; end-to-end tests (e2e/**/*.test.ts) drive Chromium against the built console.
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { workspaceAliases } from '../../vitest.shared.ts';
import { consoleJsx } from './vite.config.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  resolve: { alias: workspaceAliases },
  oxc: { jsx: consoleJsx },
  test: {
    reporters: [
      'default',
      ['json', { outputFile: `${root}/tmp/test-results/${basename(process.cwd())}.json` }],
    ],
    projects: [
      {
        extends: true,
        test: {
          name: 'components',
          include: ['test/**/*.test.tsx', 'test/**/*.test.ts'],
          environment: 'happy-dom',
          environmentOptions: {
            // Tests move the page to their API's origin (test/support/render.tsx useApiOf).
            happyDOM: { url: 'http://127.0.0.1/ui/' },
          },
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
