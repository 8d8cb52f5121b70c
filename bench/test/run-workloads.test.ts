// Workload sizes and dependency counts match issue 8, the seed set is valid, and a
// change to a Service is expected to reach exactly its dependents (plus the edges).
import { describe, expect, it } from 'vitest';
import { validateObject } from '@crossway/model';
import { dependencyCount, dependenciesOf } from '../src/synthetic-model';
import { planChange, CHANGE_KINDS } from '../src/run/changes';
import {
  affectedByService,
  allProxyIds,
  dependents,
  seedObjects,
  workload,
} from '../src/run/workloads';

describe('workloads', () => {
  it('has the sizes of issue 8', () => {
    expect(workload('S')).toMatchObject({ sidecars: 1000, edges: 10, unscoped: false });
    expect(workload('S').model).toMatchObject({ services: 1000, endpoints: 5 });
    expect(workload('M')).toMatchObject({ sidecars: 5000, edges: 10, unscoped: false });
    expect(workload('M').model.services).toBe(10_000);
    expect(workload('M-unscoped')).toMatchObject({ sidecars: 100, unscoped: true });
    expect(workload('M-unscoped').model.serviceDependencies).toBeUndefined();
    expect(allProxyIds(workload('quick'))).toHaveLength(202);
  });

  it('gives every Service 10-50 dependencies, not itself', () => {
    const model = workload('S').model;
    const counts = Array.from({ length: 1000 }, (_, i) => dependencyCount(i, model));
    expect(Math.min(...counts)).toBe(10);
    expect(Math.max(...counts)).toBe(50);
    for (let i = 0; i < 1000; i += 97) {
      const deps = dependenciesOf(i, model);
      expect(new Set(deps).size).toBe(deps.length);
      expect(deps).not.toContain(i);
    }
  });

  it('seeds a valid set: quick has 200 Services x (1 + 5 Workloads + 1 HTTPRoute)', () => {
    const objects = seedObjects(workload('quick'));
    expect(objects).toHaveLength(2 + 200 * 7 + 1);
    const invalid = objects.flatMap((o) => {
      const r = validateObject(o);
      return r.ok ? [] : [r.violations];
    });
    expect(invalid).toEqual([]);
    const withDeps = objects.find((o) => o['kind'] === 'Service') as {
      spec: { dependencies: unknown[] };
    };
    expect(withDeps.spec.dependencies.length).toBeGreaterThanOrEqual(10);
  });

  it('expects a Service change to reach its dependents, itself and the edges', () => {
    const w = workload('quick');
    const of = dependents(w);
    const set = affectedByService(w, 50);
    expect(set.size).toBe(of(50).length + 1 + 2);
    for (const i of of(50)) expect(dependenciesOf(i, w.model)).toContain(50);
    expect(dependents(workload('M-unscoped'))(3)).toHaveLength(100);
  });

  it('plans valid writes for every change kind', () => {
    const w = workload('quick');
    for (const kind of CHANGE_KINDS) {
      const change = planChange(w, kind, 1, 'T3st.Run');
      const objects = 'replace' in change.write ? [change.write.replace] : change.write.apply;
      for (const o of objects)
        expect(validateObject(o).ok, `${kind}: ${JSON.stringify(o)}`).toBe(true);
      expect(change.must.size).toBeGreaterThan(0);
      for (const id of change.must) expect(change.may.has(id)).toBe(true);
    }
  });
});
