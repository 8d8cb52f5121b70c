// Translation depends on the objects, never on their order: shuffled inputs give
// byte-identical snapshots.
import type { ValidatedObject } from '@crossway/model';
import { describe, expect, it } from 'vitest';
import { caseInput, caseNames, loadObjects, renderGolden, runEdge } from './support/edge-cases';

function orders(objects: readonly ValidatedObject[]): ValidatedObject[][] {
  const evens = objects.filter((_, i) => i % 2 === 0);
  const odds = objects.filter((_, i) => i % 2 === 1);
  const middle = Math.floor(objects.length / 2);
  return [
    [...objects].reverse(),
    [...odds, ...evens],
    [...objects.slice(middle), ...objects.slice(0, middle)],
    [...evens.reverse(), ...odds],
  ];
}

describe('determinism', () => {
  for (const name of caseNames()) {
    it(`case ${name} translates the same in any input order`, async () => {
      const objects = loadObjects(caseInput(name));
      const expected = await renderGolden(runEdge(objects));
      for (const order of orders(objects)) {
        // The golden Gateway is the first in the file: keep it first in every order.
        const gateway = objects.find((o) => o.kind === 'Gateway');
        const rest = order.filter((o) => o !== gateway);
        expect(await renderGolden(runEdge(gateway ? [gateway, ...rest] : rest))).toBe(expected);
      }
    });
  }
});
