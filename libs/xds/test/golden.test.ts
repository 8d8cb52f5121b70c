// Golden files: each testdata/edge/<case>.in.yaml against its <case>.edge.json.
// UPDATE_GOLDEN=1 rewrites them and deletes orphans; otherwise a mismatch fails
// with a diff.
import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  caseInput,
  caseNames,
  edgeDir,
  loadObjects,
  renderGolden,
  runEdge,
} from './support/edge-cases';

const update = process.env['UPDATE_GOLDEN'] === '1';
const cases = caseNames();

describe('edge golden files', () => {
  it('has cases to check', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  for (const name of cases) {
    it(`case ${name} translates to its golden snapshot`, async () => {
      const actual = await renderGolden(runEdge(loadObjects(caseInput(name))));
      const path = `${edgeDir}${name}.edge.json`;
      if (update) writeFileSync(path, actual);
      expect(existsSync(path), `${path} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
      expect(actual).toBe(readFileSync(path, 'utf8'));
    });
  }

  it('leaves no golden file without its input', () => {
    const orphans = readdirSync(edgeDir)
      .filter((f) => f.endsWith('.edge.json'))
      .filter((f) => !cases.includes(f.slice(0, -'.edge.json'.length)));
    if (update) for (const f of orphans) unlinkSync(`${edgeDir}${f}`);
    else expect(orphans).toEqual([]);
  });
});
