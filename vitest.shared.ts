// One place that maps the workspace's import aliases for every project's tests,
// mirroring the "paths" in tsconfig.base.json.
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

export const workspaceAliases: Record<string, string> = {
  '@crossway/model': `${root}libs/model/src/index.ts`,
  '@crossway/store': `${root}libs/store/src/index.ts`,
  '@crossway/policy': `${root}libs/policy/src/index.ts`,
  '@crossway/xds': `${root}libs/xds/src/index.ts`,
  '@crossway/protos': `${root}protos/src/index.ts`,
  '@crossway/testing': `${root}libs/testing/src/index.ts`,
  '@crossway/auth': `${root}libs/auth/src/index.ts`,
  '@crossway/identity': `${root}libs/identity/src/index.ts`,
  '@crossway/controlplane': `${root}apps/controlplane/src/index.ts`,
  '@crossway/client': `${root}libs/client/src/index.ts`,
};

export function projectTestConfig(options: { testTimeout?: number } = {}) {
  return defineConfig({
    resolve: { alias: workspaceAliases },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: 'node',
      testTimeout: options.testTimeout ?? 10_000,
      hookTimeout: 30_000,
      // The JSON report feeds scripts/test-summary.mjs, which prints one closing line for all projects.
      reporters: [
        'default',
        ['json', { outputFile: `${root}tmp/test-results/${basename(process.cwd())}.json` }],
      ],
    },
  });
}
