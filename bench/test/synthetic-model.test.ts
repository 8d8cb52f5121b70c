// The benchmark's synthetic policy set is valid and resolves as intended, so the
// figures measure real translation work (a route per Service at the edge, a
// scoped sidecar), not rejected input.
import { validateObject } from '@crossway/model';
import { reachableServices, resolvePolicy } from '@crossway/policy';
import { buildEdgeIr } from '@crossway/xds';
import { describe, expect, it } from 'vitest';
import { syntheticModel } from '../src/synthetic-model';

describe('synthetic model', () => {
  const options = { services: 30, endpoints: 2, namespaces: 4, dependencies: 5 };
  const raw = syntheticModel(options);

  it('is valid, object by object', () => {
    const invalid = raw.flatMap((o) => {
      const result = validateObject(o);
      return result.ok ? [] : [result.violations];
    });
    expect(invalid).toEqual([]);
    expect(raw).toHaveLength(1 + 1 + 30 * (1 + 2 + 1) + 2);
  });

  it('gives the edge a virtual host per Service and the caller a scoped dependency set', () => {
    const objects = raw.map((o) => {
      const result = validateObject(o);
      if (!result.ok) throw new Error('invalid');
      return result.value;
    });
    const resolved = resolvePolicy(objects);
    const ir = buildEdgeIr(resolved, 'edge/public');
    const hosts = ir?.listeners[0]?.hostSets[0]?.virtualHosts.map((v) => v.name) ?? [];
    expect(hosts).toHaveLength(30);
    expect(hosts).toContain('svc-7.example.com');
    expect(ir?.backends).toHaveLength(30);
    expect(reachableServices(resolved, { namespace: 'bench', name: 'client' })).toHaveLength(5);
  });
});
