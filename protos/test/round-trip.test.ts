import { describe, expect, it } from 'vitest';
import { RESOURCE_KINDS, RESOURCE_TYPES, roundTrip } from '../src/index.ts';
import { baseSnapshot } from './fixtures.ts';

describe('roundTrip', () => {
  const snapshot = baseSnapshot();
  const cases = RESOURCE_KINDS.flatMap((kind) =>
    snapshot[kind].map((r) => [kind, String(r.name ?? r.cluster_name), r] as const),
  );

  it.each(cases)('finds no difference in the %s resource %s', (kind, _name, object) => {
    expect(roundTrip(RESOURCE_TYPES[kind], object)).toEqual([]);
  });

  it('reports a lone surrogate that UTF-8 cannot carry', () => {
    const differences = roundTrip('envoy.config.cluster.v3.Cluster', { name: 'svc-\uD800' });
    expect(differences).toEqual([
      { path: 'name', message: expect.stringMatching(/^sent "svc-\\ud800", decoded /) },
    ]);
  });

  it('reports a well-known type whose JSON form does not survive', () => {
    const differences = roundTrip('envoy.config.core.v3.Metadata', {
      filter_metadata: { 'envoy.lb': { broken: '\uDFFF' } },
    });
    expect(differences.map((d) => d.path)).toEqual(['filter_metadata["envoy.lb"]']);
  });

  it('returns the problems of an object it cannot encode', () => {
    expect(roundTrip('envoy.config.cluster.v3.Cluster', { name: 'a', bogus: 1 })).toEqual([
      { path: 'bogus', message: expect.stringMatching(/^rejected: unknown field 'bogus'/) },
    ]);
  });
});
