// The HTTP filter IR and its translation for every role: order, the mesh default,
// SPIFFE principals for mesh callers, what a proxyless server cannot evaluate
// (never fail open), and that every filter set is a valid Envoy config.
import { validateObject, type ValidatedObject } from '@crossway/model';
import { resolvePolicy, type ReceiverTarget } from '@crossway/policy';
import { checkedFromObject, validateMessage, type JsonObject } from '@crossway/protos';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  buildHttpFilterIr,
  buildHttpFilters,
  requiredTokenDenyRules,
  simulateHttpFilters,
  type DataPlaneRole,
  type IrHttpFilters,
} from '../src/index';

const HCM = 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';

function objects(yaml: string): ValidatedObject[] {
  return parseAllDocuments(yaml).map((doc, i) => {
    const result = validateObject(doc.toJS());
    if (!result.ok) throw new Error(`object ${i}: ${JSON.stringify(result.violations)}`);
    result.value.metadata.creationTimestamp = '2024-01-01T00:00:00Z';
    return result.value;
  });
}

const SERVICE: ReceiverTarget = { kind: 'Service', namespace: 'pay', name: 'payments' };

const MESH = `
apiVersion: crossway.dev/v1alpha1
kind: Mesh
metadata: { name: default }
spec: { trustDomain: example.org, defaultAuthorization: DENY }
---
apiVersion: crossway.dev/v1alpha1
kind: Service
metadata: { name: payments, namespace: pay }
spec: { ports: [{ name: grpc, port: 50051, protocol: grpc }] }
---
apiVersion: crossway.dev/v1alpha1
kind: Service
metadata: { name: checkout, namespace: shop }
spec: { serviceAccount: checkout-sa, ports: [{ name: http, port: 80 }] }
`;

const POLICIES = `${MESH}
---
apiVersion: crossway.dev/v1alpha1
kind: AuthorizationPolicy
metadata: { name: callers, namespace: pay }
spec:
  targetRef: { kind: Service, name: payments }
  action: ALLOW
  rules:
    - from: [{ services: [shop/checkout] }, { serviceAccounts: [ops] }, { namespaces: [batch] }]
    - from: [{ services: [shop/ghost] }]
    - from: [{ jwtClaims: [{ name: role, values: [admin] }] }]
---
apiVersion: crossway.dev/v1alpha1
kind: AuthorizationPolicy
metadata: { name: no-banned, namespace: pay }
spec:
  targetRef: { kind: Service, name: payments }
  action: DENY
  rules:
    - from: [{ jwtClaims: [{ name: status, values: [banned] }] }]
      to: [{ paths: ['/pay.v1.Admin/*'] }]
---
apiVersion: crossway.dev/v1alpha1
kind: AuthenticationPolicy
metadata: { name: tokens, namespace: pay }
spec:
  targetRef: { kind: Service, name: payments }
  providers:
    - name: idp
      issuer: https://idp.example.org
      jwks: { uri: https://idp.example.org/jwks }
  rules: [{ paths: ['/pay.v1.Admin/*'] }]
---
apiVersion: crossway.dev/v1alpha1
kind: RateLimitPolicy
metadata: { name: limit, namespace: pay }
spec:
  targetRef: { kind: Service, name: payments }
  limits: [{ requests: 5, per: 1s }]
`;

function irFor(yaml: string, role: DataPlaneRole, target?: ReceiverTarget): IrHttpFilters {
  const resolved = resolvePolicy(objects(yaml));
  return buildHttpFilterIr({ resolved, role, routes: [], ...(target ? { target } : {}) });
}

function filterNames(filters: JsonObject[]): unknown[] {
  return filters.map((f) => f['name']);
}

function expectValid(filters: JsonObject[]): void {
  const hcm = {
    stat_prefix: 'test',
    rds: { route_config_name: 'r', config_source: { ads: {} } },
    http_filters: filters,
  };
  const checked = checkedFromObject(HCM, hcm);
  expect(checked.ok ? [] : checked.problems).toEqual([]);
  expect(validateMessage(HCM, hcm)).toEqual([]);
}

function rbacVerdict(filters: JsonObject[], source: { principal?: string; ip?: string }) {
  return simulateHttpFilters({ http_filters: filters }, undefined, {
    view: {
      path: '/pay.v1.Payments/Pay',
      headers: new Map([[':method', 'POST']]),
      query: new Map(),
    },
    port: 50051,
    source,
  }).authorization;
}

describe('http filters', () => {
  it('a sidecar inbound gets every filter in the contract order, DENY before ALLOW', () => {
    const filters = buildHttpFilters({
      ...irFor(POLICIES, 'sidecar', SERVICE),
      fault: true,
      cors: true,
    });
    expect(filterNames(filters)).toEqual([
      'envoy.filters.http.fault',
      'envoy.filters.http.cors',
      'envoy.filters.http.jwt_authn',
      'envoy.filters.http.rbac.deny',
      'envoy.filters.http.rbac.allow',
      'envoy.filters.http.local_ratelimit',
      'envoy.filters.http.router',
    ]);
    expectValid(filters);
  });

  it('mesh callers are matched by their SPIFFE principal from the Service account', () => {
    const filters = buildHttpFilters(irFor(POLICIES, 'sidecar', SERVICE));
    expect(
      rbacVerdict(filters, { principal: 'spiffe://example.org/ns/shop/sa/checkout-sa' }),
    ).toEqual(
      expect.objectContaining({ verdict: 'ALLOW', by: 'authorizationpolicy/pay/callers/rule/0' }),
    );
    expect(rbacVerdict(filters, { principal: 'spiffe://example.org/ns/pay/sa/ops' })?.verdict).toBe(
      'ALLOW',
    );
    expect(
      rbacVerdict(filters, { principal: 'spiffe://example.org/ns/batch/sa/any' })?.verdict,
    ).toBe('ALLOW');
    expect(
      rbacVerdict(filters, { principal: 'spiffe://example.org/ns/shop/sa/checkout' })?.verdict,
    ).toBe('DENY');
    expect(
      rbacVerdict(filters, { principal: 'spiffe://example.org/ns/batchx/sa/a' })?.verdict,
    ).toBe('DENY');
  });

  it('a Service that does not exist matches no caller', () => {
    const ir = irFor(POLICIES, 'sidecar', SERVICE);
    expect(ir.authorization?.allow?.[1]?.from?.[0]?.never).toBe(true);
  });

  it('the mesh default DENY refuses everything when no ALLOW applies', () => {
    const filters = buildHttpFilters(irFor(MESH, 'sidecar', SERVICE));
    expect(filterNames(filters)).toEqual([
      'envoy.filters.http.rbac.allow',
      'envoy.filters.http.router',
    ]);
    expect(
      rbacVerdict(filters, { principal: 'spiffe://example.org/ns/shop/sa/checkout-sa' }),
    ).toEqual(expect.objectContaining({ verdict: 'DENY' }));
    expectValid(filters);
  });

  it('the mesh default ALLOW needs no RBAC filter', () => {
    const filters = buildHttpFilters(
      irFor(
        MESH.replace('defaultAuthorization: DENY', 'defaultAuthorization: ALLOW'),
        'sidecar',
        SERVICE,
      ),
    );
    expect(filterNames(filters)).toEqual(['envoy.filters.http.router']);
  });

  it('a proxyless server cannot evaluate claims: its DENY widens and its ALLOW empties', () => {
    const ir = irFor(POLICIES, 'proxyless', SERVICE);
    expect(ir.authorization?.allow?.[2]?.from?.[0]).toEqual({ never: true });
    expect(ir.authorization?.deny[0]?.from?.[0]).toEqual({});
    const filters = buildHttpFilters({
      receiver: ir.receiver,
      ...(ir.authorization ? { authorization: ir.authorization } : {}),
    });
    expect(filterNames(filters)).toEqual([
      'envoy.filters.http.rbac.deny',
      'envoy.filters.http.rbac.allow',
      'envoy.filters.http.router',
    ]);
    expectValid(filters);
    // The widened DENY refuses the admin path to everyone, with or without claims.
    const admin = simulateHttpFilters({ http_filters: filters }, undefined, {
      view: {
        path: '/pay.v1.Admin/Reset',
        headers: new Map([[':method', 'POST']]),
        query: new Map(),
      },
      port: 50051,
      source: { principal: 'spiffe://example.org/ns/shop/sa/checkout-sa' },
    }).authorization;
    expect(admin).toEqual(
      expect.objectContaining({ verdict: 'DENY', by: 'authorizationpolicy/pay/no-banned/rule/0' }),
    );
  });

  it('required tokens a role cannot verify become DENY rules for their paths', () => {
    const ir = irFor(POLICIES, 'proxyless', SERVICE);
    expect(ir.jwt && requiredTokenDenyRules(ir.jwt)).toEqual([
      {
        name: 'authenticationpolicy/pay/tokens/required/0',
        to: [{ paths: [{ kind: 'Prefix', value: '/pay.v1.Admin/' }] }],
      },
    ]);
  });

  it('a connection manager without a receiver gets only route-driven filters', () => {
    const ir = irFor(POLICIES, 'sidecar');
    expect(ir).toEqual({ receiver: 'none' });
    expect(filterNames(buildHttpFilters({ ...ir, fault: true }))).toEqual([
      'envoy.filters.http.fault',
      'envoy.filters.http.router',
    ]);
  });

  it('mesh callers use the peer address, edges the forwarded client address', () => {
    const yaml = `${MESH}
---
apiVersion: crossway.dev/v1alpha1
kind: AuthorizationPolicy
metadata: { name: nets, namespace: pay }
spec:
  targetRef: { kind: Service, name: payments }
  action: DENY
  rules: [{ from: [{ ipBlocks: [10.0.0.0/8] }] }]
`;
    const text = JSON.stringify(buildHttpFilters(irFor(yaml, 'sidecar', SERVICE)));
    expect(text).toContain('direct_remote_ip');
    expect(text).not.toContain('"remote_ip"');
  });
});
