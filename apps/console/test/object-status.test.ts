// The shared status and policy-attachment readers (src/object-status.ts,
// src/policy-targets.ts) that the overview, object pages and topology all use, so the
// three views agree: which conditions need attention, Accepted per object, and where
// a policy's targetRef attaches (same namespace; Mesh targets mesh-wide only from
// crossway-system).
import type { ApiObject } from '@crossway/client';
import { describe, expect, it } from 'vitest';
import { acceptance, conditionsOf, needsAttention, statusBlocks } from '../src/object-status';
import { meshScopeOf, targetRefOf, targetsObject } from '../src/policy-targets';
import { conditionGroups, policiesInForce } from '../src/views/objects/relations';
import { statusIssues } from '../src/views/overview/status';
import { buildTopology } from '../src/views/topology/graph';

// Typed loosely: the readers must cope with what any control plane writes.
const route = {
  apiVersion: 'crossway.dev/v1alpha1',
  kind: 'HTTPRoute',
  metadata: { name: 'storefront', namespace: 'shop' },
  spec: { parentRefs: [{ name: 'public', namespace: 'edge', sectionName: 'https' }] },
  status: {
    parents: [
      {
        parentRef: { name: 'public', namespace: 'edge', sectionName: 'https' },
        conditions: [
          { type: 'Accepted', status: 'True', reason: 'Accepted' },
          { type: 'ResolvedRefs', status: 'False', reason: 'BackendNotFound', message: 'no svc' },
          { type: 'Programmed', status: 'False', reason: 'Pending' },
        ],
      },
      // Junk the API could hand over: read as empty, not a crash.
      null,
    ],
  },
} as unknown as ApiObject;

function policy(kind: string, namespace: string, name: string, targetRef: unknown): ApiObject {
  return {
    apiVersion: 'crossway.dev/v1alpha1',
    kind,
    metadata: { name, namespace },
    spec: { targetRef },
  };
}

describe('status conditions', () => {
  it('reads each condition field by field: wrong types are left out, a missing status is Unknown', () => {
    expect(
      conditionsOf([
        { type: 'Accepted', status: 'True', reason: 'Accepted', observedGeneration: 2 },
        { type: 'ResolvedRefs', status: false, reason: 7, message: 'm', observedGeneration: '2' },
        { status: 'True' },
        'junk',
      ]),
    ).toEqual([
      { type: 'Accepted', status: 'True', reason: 'Accepted', observedGeneration: 2 },
      { type: 'ResolvedRefs', status: 'Unknown', message: 'm' },
    ]);
  });

  it('reads parents, ancestors and own conditions in that order, tolerating junk', () => {
    const blocks = statusBlocks(route);
    expect(blocks.map((b) => [b.source, b.conditions.length])).toEqual([
      ['parent', 3],
      ['parent', 0],
      ['own', 0],
    ]);
    expect(statusBlocks({ status: 'nonsense' }).map((b) => b.source)).toEqual(['own']);
  });

  it('flags ResolvedRefs=False but not a Pending Programmed, and names the parent', () => {
    const conditions = statusBlocks(route)[0]!.conditions;
    expect(conditions.map(needsAttention)).toEqual([false, true, false]);
    expect(statusIssues(route)).toEqual([
      {
        kind: 'HTTPRoute',
        namespace: 'shop',
        name: 'storefront',
        type: 'ResolvedRefs',
        reason: 'BackendNotFound',
        message: 'no svc',
        concerns: 'Gateway edge/public (https)',
      },
    ]);
    expect(conditionGroups(route)[0]!.title).toBe('Parent Gateway edge/public (https)');
  });

  it('says Accepted, Not accepted with the message, or unknown without conditions', () => {
    expect(acceptance(route)).toEqual({ accepted: true });
    const refused = {
      status: { conditions: [{ type: 'Accepted', status: 'False', reason: 'Invalid' }] },
    };
    expect(acceptance(refused)).toEqual({ accepted: false, message: 'Invalid' });
    expect(acceptance({})).toEqual({ accepted: undefined });
  });
});

describe('policy targets', () => {
  const onGateway = policy('RateLimitPolicy', 'edge', 'limit', {
    kind: 'Gateway',
    name: 'public',
    sectionName: 'https',
  });
  const elsewhere = policy('RateLimitPolicy', 'shop', 'limit', { kind: 'Gateway', name: 'public' });
  const meshWide = policy('TrafficPolicy', 'crossway-system', 'wide', {
    kind: 'Mesh',
    name: 'default',
  });
  const meshShop = policy('TrafficPolicy', 'shop', 'shop-wide', { kind: 'Mesh', name: 'default' });
  const meshPayments = policy('TrafficPolicy', 'payments', 'pay', {
    kind: 'Mesh',
    name: 'default',
  });

  it('attaches a targetRef only in the policy namespace', () => {
    expect(targetRefOf(onGateway)).toEqual({
      kind: 'Gateway',
      name: 'public',
      sectionName: 'https',
    });
    const gateway = { kind: 'Gateway', namespace: 'edge', name: 'public' };
    expect(targetsObject(onGateway, gateway)).toBe(true);
    expect(targetsObject(elsewhere, gateway)).toBe(false);
    expect(targetRefOf(policy('TrafficPolicy', 'shop', 'x', 'junk'))).toEqual({});
  });

  it('reaches mesh-wide from crossway-system, else its own namespace only', () => {
    expect(meshScopeOf(meshWide)).toBe('mesh-wide');
    expect(meshScopeOf(meshShop)).toBe('namespace');
    expect(meshScopeOf(onGateway)).toBeUndefined();
    const all = [onGateway, elsewhere, meshWide, meshShop, meshPayments];
    // The object page and the topology read the same attachments.
    expect(policiesInForce(route, all).map((p) => [p.policy.metadata.name, p.source])).toEqual([
      ['limit', 'inherited from Gateway edge/public'],
      ['wide', 'inherited from the Mesh (mesh-wide)'],
      ['shop-wide', 'inherited from the Mesh (namespace shop)'],
    ]);
    const gateway: ApiObject = {
      apiVersion: 'crossway.dev/v1alpha1',
      kind: 'Gateway',
      metadata: { name: 'public', namespace: 'edge' },
      spec: {},
    };
    const topology = buildTopology({
      gateways: [gateway],
      routes: [],
      services: [],
      workloads: [],
      policies: all,
    });
    expect(topology.nodes[0]!.policies).toEqual([
      { kind: 'RateLimitPolicy', namespace: 'edge', name: 'limit', sectionName: 'https' },
    ]);
    expect(topology.widePolicies.map((p) => [p.name, p.scope])).toEqual([
      ['wide', 'mesh-wide'],
      ['shop-wide', 'namespace'],
      ['pay', 'namespace'],
    ]);
    expect(topology.danglingPolicies.map((p) => p.target)).toEqual(['Gateway shop/public']);
  });
});
