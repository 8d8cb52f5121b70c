// Golden files for the proxyless gRPC role: each testdata/proxyless/<case>.in.yaml
// against its <case>.proxyless.json. UPDATE_GOLDEN=1 rewrites them and deletes
// orphans; otherwise a mismatch fails with a diff.
import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  proxylessCaseNames,
  proxylessDir,
  readCase,
  renderProxylessGolden,
  runProxyless,
} from './support/proxyless-cases';

const update = process.env['UPDATE_GOLDEN'] === '1';
const cases = proxylessCaseNames();

describe('proxyless golden files', () => {
  it('has the cases the role needs', () => {
    expect(cases.length).toBeGreaterThanOrEqual(7);
  });

  for (const name of cases) {
    it(`case ${name} translates to its golden snapshot`, async () => {
      const c = readCase(name);
      const actual = await renderProxylessGolden(c, runProxyless(c));
      const path = `${proxylessDir}${name}.proxyless.json`;
      if (update) writeFileSync(path, actual);
      expect(existsSync(path), `${path} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
      expect(actual).toBe(readFileSync(path, 'utf8'));
    });
  }

  it('leaves no golden file without its input', () => {
    const orphans = readdirSync(proxylessDir)
      .filter((f) => f.endsWith('.proxyless.json'))
      .filter((f) => !cases.includes(f.slice(0, -'.proxyless.json'.length)));
    if (update) for (const f of orphans) unlinkSync(`${proxylessDir}${f}`);
    else expect(orphans).toEqual([]);
  });
});
