// Sidecar golden files: each testdata/sidecar/<case>.in.yaml (first line
// "# sidecar: ns/name [workload]") against its <case>.sidecar.json, plus the demo.
// UPDATE_GOLDEN=1 rewrites them and deletes orphans; otherwise a mismatch fails.
import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadObjects } from './support/edge-cases';
import {
  renderSidecarGolden,
  runSidecar,
  sidecarCaseInput,
  sidecarCaseNames,
  sidecarCaseTarget,
  sidecarDir,
} from './support/sidecar-cases';

const update = process.env['UPDATE_GOLDEN'] === '1';
const cases = sidecarCaseNames();

describe('sidecar golden files', () => {
  it('has the cases the sidecar role needs', () => {
    expect(cases).toEqual(
      expect.arrayContaining([
        'strict-mtls',
        'permissive-mtls',
        'disabled-mtls',
        'scoped-dependencies',
        'consumer-routes',
        'explicit-outbound-ports',
        'external-service',
        'tcp-port-authz',
        'shop',
      ]),
    );
  });

  for (const name of cases) {
    it(`case ${name} translates to its golden snapshot`, async () => {
      const objects = loadObjects(sidecarCaseInput(name));
      const actual = await renderSidecarGolden(runSidecar(objects, sidecarCaseTarget(name)));
      const path = `${sidecarDir}${name}.sidecar.json`;
      if (update) writeFileSync(path, actual);
      expect(existsSync(path), `${path} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
      expect(actual).toBe(readFileSync(path, 'utf8'));
    });
  }

  it('leaves no golden file without its input', () => {
    const orphans = readdirSync(sidecarDir)
      .filter((f) => f.endsWith('.sidecar.json'))
      .filter((f) => !cases.includes(f.slice(0, -'.sidecar.json'.length)));
    if (update) for (const f of orphans) unlinkSync(`${sidecarDir}${f}`);
    else expect(orphans).toEqual([]);
  });
});
