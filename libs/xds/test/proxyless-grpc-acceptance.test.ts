// grpc-js-xds 1.14.1 as the acceptance check: every resource of every proxyless
// case encodes with the Envoy protos, passes PGV and checkSnapshot, and is
// accepted by gRPC's own resource validators (no client or server would NACK
// it). The negative cases show the check does reject what gRPC rejects.
import { checkedFromObject, validateMessage, type JsonObject } from '@crossway/protos';
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { resolvePolicy } from '@crossway/policy';
import {
  buildProxylessIr,
  buildSnapshot,
  ENVOY_TYPES,
  RESOURCE_KIND_ORDER,
  translateProxyless,
} from '../src/index';
import { loadObjects } from './support/edge-cases';
import { CERTIFICATE_PROVIDERS, grpcRejection, grpcRejections } from './support/grpc-js-xds';
import { proxylessCaseNames, readCase, runProxyless } from './support/proxyless-cases';

describe('proxyless resources', () => {
  for (const name of proxylessCaseNames()) {
    const c = readCase(name);

    it(`case ${name} emits only resources that convert and pass PGV`, () => {
      const { resources, lookups } = runProxyless(c);
      const failures: string[] = [];
      const check = (kind: (typeof RESOURCE_KIND_ORDER)[number], resource: JsonObject) => {
        const checked = checkedFromObject(ENVOY_TYPES[kind], resource);
        if (!checked.ok) failures.push(`${kind}: ${JSON.stringify(checked.problems)}`);
        for (const v of validateMessage(ENVOY_TYPES[kind], resource))
          failures.push(`${kind} ${v.path}: ${v.rule} ${v.message}`);
      };
      for (const kind of RESOURCE_KIND_ORDER) for (const r of resources[kind]) check(kind, r);
      for (const listener of Object.values(lookups)) if (listener) check('listeners', listener);
      expect(failures).toEqual([]);
    });

    it(`case ${name} gives a consistent snapshot`, () => {
      expect(runProxyless(c).snapshot.problems).toEqual([]);
    });

    it(`case ${name} is accepted by grpc-js-xds 1.14.1`, () => {
      const { resources, lookups } = runProxyless(c);
      const providers = c.certificateProviders ? CERTIFICATE_PROVIDERS : [];
      expect(grpcRejections(resources, providers)).toEqual([]);
      for (const [requested, listener] of Object.entries(lookups))
        if (listener)
          expect(grpcRejection('listeners', listener, providers), requested).toBeUndefined();
    });
  }
});

const hcm = (extra: JsonObject): JsonObject => ({
  '@type':
    'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
  stat_prefix: 'x',
  ...extra,
});
const router: JsonObject = {
  name: 'envoy.filters.http.router',
  typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' },
};

describe('the grpc-js-xds acceptance check', () => {
  it('rejects a redirect route, as gRPC NACKs it', () => {
    const rejection = grpcRejection('routes', {
      name: 'r',
      virtual_hosts: [
        {
          name: 'v',
          domains: ['*'],
          routes: [{ match: { prefix: '/' }, redirect: { host_redirect: 'x' } }],
        },
      ],
    });
    expect(rejection).toMatch(/unsupported action: redirect/);
  });

  it('rejects path_separated_prefix, which the edge uses and gRPC does not take', () => {
    const rejection = grpcRejection('routes', {
      name: 'r',
      virtual_hosts: [
        {
          name: 'v',
          domains: ['*'],
          routes: [{ match: { path_separated_prefix: '/a' }, route: { cluster: 'c' } }],
        },
      ],
    });
    expect(rejection).toMatch(/unsupported path_specifier/);
  });

  it('rejects lb_policy LEAST_REQUEST', () => {
    const rejection = grpcRejection('clusters', {
      name: 'c',
      type: 'EDS',
      eds_cluster_config: { eds_config: { ads: {} }, service_name: 'c' },
      lb_policy: 'LEAST_REQUEST',
    });
    expect(rejection).toMatch(/unsupported lb_policy/);
  });

  it('rejects a server listener with a jwt_authn filter', () => {
    const rejection = grpcRejection('listeners', {
      name: 'grpc/server?xds.resource.listening_address=0.0.0.0:1',
      address: { socket_address: { address: '0.0.0.0', port_value: 1 } },
      filter_chains: [
        {
          filters: [
            {
              name: 'envoy.filters.network.http_connection_manager',
              typed_config: hcm({
                route_config: { name: 'r' },
                http_filters: [
                  {
                    name: 'envoy.filters.http.jwt_authn',
                    typed_config: {
                      '@type':
                        'type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication',
                    },
                  },
                  router,
                ],
              }),
            },
          ],
        },
      ],
    });
    expect(rejection).toMatch(/jwt_authn filter validation failed/);
  });

  it('rejects mTLS when the bootstrap has no certificate providers', () => {
    const { resources } = runProxyless(readCase('server-mtls-strict'));
    expect(grpcRejections(resources, []).join('\n')).toMatch(/Unmatched/);
  });
});

describe('the demo shop for proxyless nodes', () => {
  const demo = fileURLToPath(new URL('../../../examples/shop.yaml', import.meta.url));
  const resolved = resolvePolicy(loadObjects(demo));

  for (const service of ['shop/checkout', 'payments/payments', 'shop/frontend', undefined]) {
    it(`gives ${service ?? 'a pure client'} config grpc-js-xds accepts, consistent and valid`, () => {
      const ir = buildProxylessIr(resolved, service ? { service } : {});
      if (!ir) throw new Error(`${service ?? ''} did not resolve`);
      const resources = translateProxyless(ir);
      expect(resources.listeners.length).toBeGreaterThan(0);
      expect(buildSnapshot(resources).problems).toEqual([]);
      expect(grpcRejections(resources)).toEqual([]);
      for (const kind of RESOURCE_KIND_ORDER)
        for (const r of resources[kind])
          expect(validateMessage(ENVOY_TYPES[kind], r), `${kind} ${String(r['name'])}`).toEqual([]);
    });
  }
});
