// withServiceEndpoints: patching the endpoints of some Services gives the same
// Services as resolving everything again, shares every other part, and refuses
// what it cannot patch (a Service that is new or gone).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { ValidatedObject } from '@crossway/model';
import { resolvePolicy, withServiceEndpoints } from '../src/index';
import { toValidated } from './support/scenarios';

const path = fileURLToPath(new URL('../../../examples/shop.yaml', import.meta.url));
const shop = parseAllDocuments(readFileSync(path, 'utf8')).map((doc, i) =>
  toValidated(doc.toJS(), `examples/shop.yaml document ${i}`),
);

function workload(name: string, spec: Record<string, unknown>): ValidatedObject {
  return toValidated(
    {
      apiVersion: 'crossway.dev/v1alpha1',
      kind: 'Workload',
      metadata: { name, namespace: 'shop' },
      spec,
    },
    name,
  );
}

describe('withServiceEndpoints', () => {
  it('equals a full resolution for the patched Services and shares the rest', () => {
    const before = resolvePolicy(shop);
    const after = [
      ...shop.filter((o) => !(o.kind === 'Workload' && o.metadata.name === 'catalog-1')),
      workload('catalog-1', {
        service: 'catalog',
        address: '10.1.1.1',
        ports: [{ name: 'http', port: 1 }],
      }),
      workload('catalog-0', {
        service: 'catalog',
        address: '10.1.1.0',
        ports: [
          { name: 'http', port: 2 },
          { name: 'nope', port: 3 },
        ],
      }),
    ];
    const patched = withServiceEndpoints(before, after, new Set(['shop/catalog']));
    const full = resolvePolicy(after);
    expect(patched?.services).toEqual(full.services);
    const catalog = patched?.services.find((s) => s.name === 'catalog');
    expect(catalog?.ports[0]?.endpoints.map((e) => `${e.workload} ${e.address}:${e.port}`)).toEqual(
      ['catalog-0 10.1.1.0:2', 'catalog-1 10.1.1.1:1'],
    );
    // Untouched parts are the very same objects.
    expect(patched?.routes).toBe(before.routes);
    expect(patched?.services.find((s) => s.name === 'frontend')).toBe(
      before.services.find((s) => s.name === 'frontend'),
    );
  });

  it('refuses a Service that is not in both the resolution and the objects', () => {
    const before = resolvePolicy(shop);
    expect(withServiceEndpoints(before, shop, new Set(['shop/unknown']))).toBeUndefined();
    const withoutCatalog = shop.filter(
      (o) => !(o.kind === 'Service' && o.metadata.name === 'catalog'),
    );
    expect(withServiceEndpoints(before, withoutCatalog, new Set(['shop/catalog']))).toBeUndefined();
  });
});
