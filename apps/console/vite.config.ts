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
    rollupOptions: {
      // libs/model's modules only define values: one the console does not use (every
      // kind's zod schema) is left out instead of being built at start. The console
      // uses the zod-free kind table and constants.
      treeshake: {
        moduleSideEffects: (id: string) => !id.includes('/libs/model/src/'),
      },
    },
  },
});
