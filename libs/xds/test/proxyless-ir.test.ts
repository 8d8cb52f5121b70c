// The proxyless IR and its server listener lookup: what a grpc-js-xds process
// gets for the names it asks for, and what depends on the node.
import { resolvePolicy } from '@crossway/policy';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  buildProxylessIr,
  buildSnapshot,
  proxylessServerListener,
  stableJson,
  translateProxyless,
} from '../src/index';
import { loadObjects, toValidated } from './support/edge-cases';
import { proxylessCaseNames, proxylessDir, readCase } from './support/proxyless-cases';

const load = (name: string) => loadObjects(`${proxylessDir}${name}.in.yaml`);
const serverName = (hostPort: string) => `grpc/server?xds.resource.listening_address=${hostPort}`;

describe('proxyless server listeners', () => {
  const ir = buildProxylessIr(resolvePolicy(load('server-rbac')), { service: 'payments/payments' });
  if (!ir) throw new Error('payments did not resolve');

  it('echo the requested IPv4 address and port', () => {
    const listener = proxylessServerListener(ir, serverName('0.0.0.0:29090'));
    expect(listener?.['name']).toBe(serverName('0.0.0.0:29090'));
    expect(listener?.['address']).toEqual({
      socket_address: { address: '0.0.0.0', port_value: 29090 },
    });
  });

  it('echo a bracketed IPv6 address without its brackets', () => {
    const listener = proxylessServerListener(ir, serverName('[::]:29090'));
    expect(listener?.['address']).toEqual({ socket_address: { address: '::', port_value: 29090 } });
  });

  it('are not given for a port the Service does not serve, nor for a malformed name', () => {
    expect(proxylessServerListener(ir, serverName('0.0.0.0:1234'))).toBeUndefined();
    expect(proxylessServerListener(ir, serverName('0.0.0.0'))).toBeUndefined();
    expect(proxylessServerListener(ir, 'api.shop:9090')).toBeUndefined();
  });

  it('are emitted once per Workload address and port', () => {
    expect(ir.servers.flatMap((s) => s.addresses.map((a) => a.name))).toEqual([
      serverName('10.0.3.1:29090'),
      serverName('10.0.3.2:29090'),
    ]);
  });

  it('are not given to a pure client', () => {
    const client = buildProxylessIr(resolvePolicy(load('pure-client')));
    expect(client?.servers).toEqual([]);
    expect(client && proxylessServerListener(client, serverName('0.0.0.0:19090'))).toBeUndefined();
  });
});

describe('proxyless nodes', () => {
  it('naming an unknown Service get no IR', () => {
    expect(buildProxylessIr(resolvePolicy(load('pure-client')), { service: 'shop/nope' })).toBe(
      undefined,
    );
  });

  it('serve PERMISSIVE as plaintext without certificate providers and as mTLS with them', () => {
    const resolved = resolvePolicy(load('server-permissive-providers'));
    const without = buildProxylessIr(resolved, {
      service: 'payments/payments',
      certificateProviders: false,
    });
    const withProviders = buildProxylessIr(resolved, { service: 'payments/payments' });
    expect(without?.servers[0]?.tls).toBeUndefined();
    expect(without?.backends.every((b) => b.tls === undefined)).toBe(true);
    expect(withProviders?.servers[0]?.tls).toEqual({ requireClientCertificate: true });
    expect(without?.security.note).toMatch(/PERMISSIVE.*DISABLED/);
  });

  it('in a consumer namespace see its consumer routes; a pure client sees the producer routes', () => {
    const extra = parseAllDocuments(`
apiVersion: crossway.dev/v1alpha1
kind: Service
metadata: { name: web, namespace: web }
spec:
  ports: [{ name: http, port: 8080, protocol: http }]
---
apiVersion: crossway.dev/v1alpha1
kind: ReferenceGrant
metadata: { name: from-web, namespace: shop }
spec:
  from: [{ kind: HTTPRoute, namespace: web }]
  to: [{ kind: Service }]
`).map((d, i) => toValidated(d.toJS(), `extra ${i}`));
    const resolved = resolvePolicy([...load('pure-client'), ...extra]);
    const route = (service?: string) => {
      const ir = buildProxylessIr(resolved, service ? { service } : {});
      const api = ir?.clients.find((c) => c.name === 'api.shop:9090');
      return api?.routes.map((r) => r.action);
    };
    expect(route('web/web')).toEqual([
      {
        kind: 'Forward',
        backends: [{ cluster: 'outbound|9090||api-v2.shop', weight: 1 }],
        invalidWeight: 0,
      },
    ]);
    expect(route()).toEqual([
      {
        kind: 'Forward',
        backends: [{ cluster: 'outbound|9090||api.shop', weight: 1 }],
        invalidWeight: 0,
      },
    ]);
  });

  for (const name of proxylessCaseNames()) {
    it(`of case ${name} get the same snapshot whatever order the objects come in`, () => {
      const c = readCase(name);
      const objects = load(name);
      const render = (list: typeof objects) => {
        const node = {
          certificateProviders: c.certificateProviders,
          ...(c.service ? { service: c.service } : {}),
        };
        const ir = buildProxylessIr(resolvePolicy(list), node);
        if (!ir) throw new Error(`${name} did not resolve`);
        return stableJson({ snapshot: buildSnapshot(translateProxyless(ir)).kinds, ir });
      };
      const rotated = [...objects.slice(3), ...objects.slice(0, 3)];
      expect(render([...objects].reverse())).toBe(render(objects));
      expect(render(rotated)).toBe(render(objects));
    });
  }
});
