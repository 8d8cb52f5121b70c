// Builds the console into dist/apps/console; the API serves it under /ui.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { workspaceAliases } from '../../vitest.shared.ts';

export const consoleJsx = { runtime: 'automatic', importSource: 'preact' } as const;

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/ui/',
  resolve: { alias: workspaceAliases },
  oxc: { jsx: consoleJsx },
  build: {
    outDir: fileURLToPath(new URL('../../dist/apps/console', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    reportCompressedSize: false,
  },
});
