// The real executable: `bin/crossway.mjs` (what `npx crossway` runs) as a subprocess,
// against a real API server on loopback.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, service, startApi, writeTree, type Api } from './support/harness';

const launcher = fileURLToPath(new URL('../../../bin/crossway.mjs', import.meta.url));

function runBin(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [launcher, ...args],
      { env: { ...process.env, ...env }, timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error ? ((error as { code?: number }).code ?? 1) : 0;
        resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
      },
    );
  });
}

let api: Api;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => api.close());

describe('bin/crossway.mjs', () => {
  it('applies a file and gets it back; exit codes reach the shell', async () => {
    const env = {
      CROSSWAY_SERVER: api.url,
      CROSSWAY_TOKEN: ADMIN_TOKEN,
      CROSSWAY_CONFIG: '/nonexistent',
    };
    const dir = writeTree({ 's.yaml': service('from-bin') });
    const applied = await runBin(['apply', '-f', dir], env);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('service/default/from-bin created');
    const got = await runBin(['get', 'svc'], env);
    expect(got.stdout).toMatch(/from-bin/);
    expect((await runBin(['get', 'svc', 'missing'], env)).code).toBe(3);
    expect((await runBin(['frobnicate'], env)).code).toBe(2);
  });
});
