// Locality failover: EDS priorities relative to the edge's own locality, from the
// locality-failover golden case built for a locality.
import { resolvePolicy } from '@crossway/policy';
import { describe, expect, it } from 'vitest';
import { buildEdgeIr, translateEdge } from '../src/index';
import { caseInput, loadObjects } from './support/edge-cases';

function priorities(locality?: { region?: string; zone?: string }): Record<string, number> {
  const resolved = resolvePolicy(loadObjects(caseInput('locality-failover')));
  const ir = buildEdgeIr(resolved, 'edge/web', locality ? { locality } : {});
  if (!ir) throw new Error('gateway did not resolve');
  const [cla] = translateEdge(ir).endpoints;
  const groups = (cla?.['endpoints'] ?? []) as { locality: { zone?: string }; priority?: number }[];
  return Object.fromEntries(groups.map((g) => [g.locality.zone ?? '', g.priority ?? 0]));
}

describe('locality failover', () => {
  it('puts every locality at priority 0 when the edge locality is unknown', () => {
    expect(priorities()).toEqual({
      'eu-west-1a': 0,
      'us-east-1a': 0,
      'us-east-1b': 0,
      'us-west-2a': 0,
    });
  });

  it('prefers the zone, then the region, then the failover regions in order', () => {
    expect(priorities({ region: 'us-east', zone: 'us-east-1b' })).toEqual({
      'us-east-1b': 0,
      'us-east-1a': 1,
      'eu-west-1a': 2,
      'us-west-2a': 3,
    });
  });

  it('numbers priorities without gaps when a level is empty', () => {
    // us-west has one zone and no failover list: its zone, then everything else.
    expect(priorities({ region: 'us-west', zone: 'us-west-2a' })).toEqual({
      'us-west-2a': 0,
      'eu-west-1a': 1,
      'us-east-1a': 1,
      'us-east-1b': 1,
    });
  });
});
