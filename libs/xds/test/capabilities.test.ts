// Role capability tables and UnsupportedForRole: which objects a role cannot
// fully enforce, and how that lands on their status for the right parent.
import { resolvePolicy } from '@crossway/policy';
import { describe, expect, it } from 'vitest';
import {
  FEATURES,
  mergeUnsupportedForRole,
  ROLE_CAPABILITIES,
  unsupportedForRole,
} from '../src/index';
import { loadObjects } from './support/edge-cases';
import { proxylessDir } from './support/proxyless-cases';

const load = (name: string) => loadObjects(`${proxylessDir}${name}.in.yaml`);

describe('role capability tables', () => {
  it('mark what grpc-js-xds NACKs as rejected for proxyless', () => {
    const table = ROLE_CAPABILITIES.proxyless;
    for (const feature of [
      'route.filters.RequestRedirect',
      'TrafficPolicy.loadBalancer.LeastRequest',
      'AuthenticationPolicy',
      'RateLimitPolicy',
    ] as const)
      expect(table[feature].support, feature).toBe('rejected');
  });

  it('let Envoy roles enforce every feature', () => {
    for (const role of ['edge', 'sidecar'] as const)
      for (const feature of FEATURES)
        expect(ROLE_CAPABILITIES[role][feature].support, `${role} ${feature}`).toBe('supported');
  });
});

describe('unsupportedForRole', () => {
  const objects = load('unsupported-filters');
  const resolved = resolvePolicy(objects);

  it('finds each field proxyless cannot enforce, with its exact path and parent', () => {
    const findings = unsupportedForRole(resolved, 'proxyless', { sources: objects });
    expect(findings.map((f) => `${f.name} ${f.path} ${f.support}`)).toEqual([
      'api-mixed spec.rules[0].filters[0] rejected',
      'api-mixed spec.rules[1].filters[0] ignored',
      'api-mixed spec.rules[1].filters[1] ignored',
      'api-mixed spec.rules[1].filters[2] ignored',
      'api-mixed spec.rules[2].matches[0].queryParams ignored',
      'api-mixed spec.rules[2].matches[1].method ignored',
    ]);
    expect(findings[0]?.parentRef).toEqual({
      kind: 'Service',
      name: 'api',
      namespace: 'shop',
      port: 9090,
    });
  });

  it('counts mirrors after the other filters when the stored objects are not given', () => {
    const paths = unsupportedForRole(resolved, 'proxyless').map((f) => `${f.feature} ${f.path}`);
    expect(paths).toContain('route.filters.RequestMirror spec.rules[1].filters[2]');
    expect(paths).toContain('route.filters.RequestHeaderModifier spec.rules[1].filters[0]');
  });

  it('finds nothing for a sidecar, which enforces all of it', () => {
    expect(unsupportedForRole(resolved, 'sidecar', { sources: objects })).toEqual([]);
  });

  it('leaves out Services outside the scope', () => {
    expect(unsupportedForRole(resolved, 'proxyless', { services: ['shop/frontend'] })).toEqual([]);
  });

  it('reports TrafficPolicy fields on a Service in scope', () => {
    const traffic = resolvePolicy(load('client-timeouts-retries'));
    const findings = unsupportedForRole(traffic, 'proxyless', { services: ['shop/api'] });
    expect(
      findings.filter((f) => f.kind === 'TrafficPolicy').map((f) => `${f.path} ${f.support}`),
    ).toEqual([
      'spec.connectionLimits.maxConnections ignored',
      'spec.loadBalancer.type rejected',
      'spec.outlierDetection.consecutive5xxErrors ignored',
    ]);
  });
});

describe('mergeUnsupportedForRole', () => {
  const objects = load('unsupported-filters');
  const resolved = resolvePolicy(objects);
  const findings = unsupportedForRole(resolved, 'proxyless', { sources: objects });

  it('sets Accepted=False, reason UnsupportedForRole, on the route for that parent', () => {
    const merged = mergeUnsupportedForRole(resolved.statuses, findings);
    const route = merged.find((s) => s.kind === 'HTTPRoute' && s.name === 'api-mixed');
    const accepted = route?.status.parents?.[0]?.conditions.find((c) => c.type === 'Accepted');
    expect(accepted?.status).toBe('False');
    expect(accepted?.reason).toBe('UnsupportedForRole');
    expect(accepted?.message).toContain('spec.rules[0].filters[0]');
    expect(accepted?.message).toContain('proxyless');
    expect(accepted?.observedGeneration).toBe(1);
  });

  it('leaves the input statuses and objects without findings as they were', () => {
    const before = JSON.stringify(resolved.statuses);
    const merged = mergeUnsupportedForRole(resolved.statuses, findings);
    expect(JSON.stringify(resolved.statuses)).toBe(before);
    const service = merged.find((s) => s.kind === 'Service' && s.name === 'api');
    expect(service).toBe(resolved.statuses.find((s) => s.kind === 'Service' && s.name === 'api'));
  });

  it('marks a policy on its ancestors', () => {
    const traffic = resolvePolicy(load('client-timeouts-retries'));
    const merged = mergeUnsupportedForRole(
      traffic.statuses,
      unsupportedForRole(traffic, 'proxyless'),
    );
    const policy = merged.find((s) => s.kind === 'TrafficPolicy');
    expect(policy?.status.ancestors?.[0]?.conditions[0]).toMatchObject({
      type: 'Accepted',
      status: 'False',
      reason: 'UnsupportedForRole',
    });
  });
});
