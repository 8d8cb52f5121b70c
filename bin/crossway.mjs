#!/usr/bin/env node
// Launcher for `npx crossway ...` in the repository: runs the TypeScript CLI entry
// (apps/cli/src/main.ts) with tsx and the workspace's path aliases. The standalone,
// installable form is the esbuild bundle dist/apps/cli/crossway.mjs (nx build cli).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const tsxCli = require.resolve('tsx/cli');
const result = spawnSync(
  process.execPath,
  [
    tsxCli,
    '--tsconfig',
    join(root, 'tsconfig.base.json'),
    join(root, 'apps/cli/src/main.ts'),
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
