// Every sidecar case emits only valid Envoy resources (they convert, pass PGV) in
// a consistent snapshot, the same bytes whatever the input order, and shares the
// upstream clusters and endpoints of one resolved policy between sidecars.
import { resolvePolicy } from '@crossway/policy';
import { checkedFromObject, validateMessage } from '@crossway/protos';
import { describe, expect, it } from 'vitest';
import {
  buildSidecarIr,
  ENVOY_TYPES,
  RESOURCE_KIND_ORDER,
  sidecarUpstreams,
  translateSidecar,
} from '../src/index';
import { loadObjects } from './support/edge-cases';
import {
  renderSidecarGolden,
  runSidecar,
  sidecarCaseInput,
  sidecarCaseNames,
  sidecarCaseTarget,
} from './support/sidecar-cases';

/** Deterministic reorderings: reversed, odd-then-even, rotated. */
function reorderings<T>(list: readonly T[]): T[][] {
  const half = Math.floor(list.length / 2);
  return [
    [...list].reverse(),
    [...list.filter((_, i) => i % 2 === 1), ...list.filter((_, i) => i % 2 === 0)],
    [...list.slice(half), ...list.slice(0, half)],
  ];
}

describe('sidecar resources', () => {
  for (const name of sidecarCaseNames()) {
    const objects = () => loadObjects(sidecarCaseInput(name));
    const target = () => sidecarCaseTarget(name);

    it(`case ${name} emits only resources that convert and pass PGV`, () => {
      const { resources } = runSidecar(objects(), target());
      const failures: string[] = [];
      for (const kind of RESOURCE_KIND_ORDER)
        for (const resource of resources[kind]) {
          const checked = checkedFromObject(ENVOY_TYPES[kind], resource);
          if (!checked.ok) failures.push(`${kind}: ${JSON.stringify(checked.problems)}`);
          for (const v of validateMessage(ENVOY_TYPES[kind], resource))
            failures.push(`${kind} ${v.path}: ${v.rule} ${v.message}`);
        }
      expect(failures).toEqual([]);
    });

    it(`case ${name} gives a consistent snapshot`, () => {
      expect(runSidecar(objects(), target()).snapshot.problems).toEqual([]);
    });

    it(`case ${name} gives the same bytes whatever the input order`, async () => {
      const expected = await renderSidecarGolden(runSidecar(objects(), target()));
      for (const order of reorderings(objects()))
        expect(await renderSidecarGolden(runSidecar(order, target()))).toBe(expected);
    });
  }
});

describe('sharing between sidecars', () => {
  it('two sidecars of one resolved policy get the very same cluster and endpoint objects', () => {
    const resolved = resolvePolicy(loadObjects(sidecarCaseInput('shop')));
    const frontend = buildSidecarIr(resolved, { service: 'shop/frontend' });
    const checkout = buildSidecarIr(resolved, { service: 'shop/checkout' });
    if (!frontend || !checkout) throw new Error('sidecars did not resolve');
    const a = translateSidecar(frontend);
    const b = translateSidecar(checkout);
    const payments = 'outbound|9090||payments.payments';
    const pick = (list: readonly Record<string, unknown>[], key: string) =>
      list.find((r) => r[key] === payments);
    expect(pick(a.clusters, 'name')).toBeDefined();
    expect(pick(a.clusters, 'name')).toBe(pick(b.clusters, 'name'));
    expect(pick(a.endpoints, 'cluster_name')).toBe(pick(b.endpoints, 'cluster_name'));
  });

  it('the upstreams are built once per resolved policy, not per proxy', () => {
    const resolved = resolvePolicy(loadObjects(sidecarCaseInput('shop')));
    const first = sidecarUpstreams(resolved);
    buildSidecarIr(resolved, { service: 'shop/frontend' });
    buildSidecarIr(resolved, { service: 'shop/checkout' });
    expect(sidecarUpstreams(resolved)).toBe(first);
    expect(sidecarUpstreams(resolvePolicy(loadObjects(sidecarCaseInput('shop'))))).not.toBe(first);
  });
});
