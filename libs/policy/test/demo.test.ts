// The demo set in examples/shop.yaml (loaded by `npm start`) resolves with every
// reference in place, in any input order.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { resolvePolicy } from '../src/index';
import { toValidated } from './support/scenarios';

const path = fileURLToPath(new URL('../../../examples/shop.yaml', import.meta.url));
const objects = parseAllDocuments(readFileSync(path, 'utf8')).map((doc, i) =>
  toValidated(doc.toJS(), `examples/shop.yaml document ${i}`),
);

describe('demo shop', () => {
  it('gives every object a status with no False condition', () => {
    const { statuses } = resolvePolicy(objects);
    expect(statuses).toHaveLength(objects.length);
    const falses = statuses.flatMap((s) =>
      [
        ...(s.status.conditions ?? []),
        ...(s.status.parents ?? []).flatMap((p) => p.conditions),
        ...(s.status.ancestors ?? []).flatMap((a) => a.conditions),
      ]
        .filter((c) => c.status === 'False')
        .map((c) => `${s.kind} ${s.namespace}/${s.name}: ${c.type} ${c.reason} ${c.message}`),
    );
    expect(falses).toEqual([]);
  });

  it('resolves to the same bytes in reverse order', () => {
    expect(JSON.stringify(resolvePolicy([...objects].reverse()))).toBe(
      JSON.stringify(resolvePolicy(objects)),
    );
  });
});
