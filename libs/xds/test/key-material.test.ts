// Secrets reach the edge config by name only: no certificate or key text from any
// Secret object appears in any golden case's output.
import { describe, expect, it } from 'vitest';
import { caseInput, caseNames, loadObjects, runEdge } from './support/edge-cases';

describe('key material', () => {
  for (const name of caseNames()) {
    it(`case ${name} names Secrets without their contents`, () => {
      const objects = loadObjects(caseInput(name));
      const output = JSON.stringify(runEdge(objects));
      const secretTexts = objects.flatMap((o) =>
        o.kind === 'Secret'
          ? Object.values(o.spec.data).flatMap((v) => (v === undefined ? [] : [v.trim()]))
          : [],
      );
      for (const text of secretTexts) expect(output.includes(text)).toBe(false);
      expect(output).not.toMatch(/-----BEGIN/);
    });
  }
});
