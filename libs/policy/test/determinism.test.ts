// Properties every scenario must keep: the same objects in any order give a
// deep-equal and byte-equal result; every object gets exactly one status whose
// conditions carry its generation; no status carries key material.
import { describe, expect, it } from 'vitest';
import type { ValidatedObject } from '@crossway/model';
import { resolvePolicy } from '../src/index';
import { scenarioFiles } from './support/scenarios';

/** Deterministic permutations: reversed, rotated, odd-even interleaved, and a seeded shuffle. */
function permutations(objects: readonly ValidatedObject[]): ValidatedObject[][] {
  const reversed = [...objects].reverse();
  const half = Math.floor(objects.length / 2);
  const rotated = [...objects.slice(half), ...objects.slice(0, half)];
  const interleaved = [
    ...objects.filter((_, i) => i % 2 === 1),
    ...objects.filter((_, i) => i % 2 === 0),
  ];
  const shuffled = [...objects];
  let seed = 7;
  for (let i = shuffled.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const j = seed % (i + 1);
    const a = shuffled[i];
    const b = shuffled[j];
    if (a !== undefined && b !== undefined) {
      shuffled[i] = b;
      shuffled[j] = a;
    }
  }
  return [reversed, rotated, interleaved, shuffled];
}

const all = scenarioFiles().flatMap(({ file, cases }) =>
  cases.map((c) => ({ label: `${file}: ${c.name}`, objects: c.objects })),
);

describe('determinism', () => {
  it.each(all)('$label resolves the same whatever the input order', ({ objects }) => {
    const reference = resolvePolicy(objects);
    const bytes = JSON.stringify(reference);
    for (const permutation of permutations(objects)) {
      const again = resolvePolicy(permutation);
      expect(again).toEqual(reference);
      expect(JSON.stringify(again)).toBe(bytes);
    }
  });

  it('resolving does not change its input', () => {
    for (const { objects } of all) {
      const before = JSON.stringify(objects);
      resolvePolicy(objects);
      expect(JSON.stringify(objects)).toBe(before);
    }
  });
});

describe('status invariants', () => {
  it.each(all)(
    '$label gives every object one status stamped with its generation',
    ({ objects }) => {
      const { statuses } = resolvePolicy(objects);
      expect(statuses).toHaveLength(objects.length);
      for (const object of objects) {
        const namespace = object.kind === 'Mesh' ? undefined : object.metadata.namespace;
        const entry = statuses.find(
          (s) =>
            s.kind === object.kind && s.name === object.metadata.name && s.namespace === namespace,
        );
        expect(entry, `${object.kind} ${namespace}/${object.metadata.name}`).toBeDefined();
        const conditions = [
          ...(entry?.status.conditions ?? []),
          ...(entry?.status.parents ?? []).flatMap((p) => p.conditions),
          ...(entry?.status.ancestors ?? []).flatMap((a) => a.conditions),
        ];
        expect(conditions.length).toBeGreaterThan(0);
        for (const c of conditions) {
          expect(c.observedGeneration).toBe(object.metadata.generation);
          expect(c.lastTransitionTime).toBeUndefined();
        }
      }
    },
  );

  it('no resolved output carries private key material', () => {
    for (const { objects } of all) {
      const out = JSON.stringify(resolvePolicy(objects));
      expect(out).not.toContain('PRIVATE KEY');
      expect(out).not.toContain('BEGIN CERTIFICATE');
    }
  });
});
