// buildSidecarIr edge cases: which Service and Workload it serves, inbound ports
// from the Workload or the Service, outbound ports that cannot be served, and
// hosts two Services both claim.
import { resolvePolicy } from '@crossway/policy';
import { describe, expect, it } from 'vitest';
import { buildSidecarIr, DEFAULT_OUTBOUND_PORT } from '../src/index';
import { toValidated } from './support/edge-cases';

function service(name: string, namespace: string, spec: Record<string, unknown>): unknown {
  return {
    apiVersion: 'crossway.dev/v1alpha1',
    kind: 'Service',
    metadata: { name, namespace },
    spec,
  };
}

function workload(name: string, namespace: string, spec: Record<string, unknown>): unknown {
  return {
    apiVersion: 'crossway.dev/v1alpha1',
    kind: 'Workload',
    metadata: { name, namespace },
    spec,
  };
}

const objects = [
  service('web', 'shop', {
    ports: [
      { name: 'http', port: 80 },
      { name: 'admin', port: 8081 },
    ],
  }),
  workload('web-1', 'shop', {
    service: 'web',
    address: '10.0.0.1',
    ports: [{ name: 'http', port: 8080, targetPort: 3000 }],
  }),
  service('a', 'shop', { hosts: ['shared.example.com'], ports: [{ name: 'http', port: 80 }] }),
  service('b', 'shop', { hosts: ['shared.example.com'], ports: [{ name: 'http', port: 80 }] }),
].map((raw, i) => toValidated(raw, `object ${i}`));
const resolved = resolvePolicy(objects);

describe('buildSidecarIr', () => {
  it('gives nothing for a Service that does not exist', () => {
    expect(buildSidecarIr(resolved, { service: 'shop/nope' })).toBeUndefined();
  });

  it('serves only the ports a registered Workload lists, on their ports and target ports', () => {
    const ir = buildSidecarIr(resolved, { service: 'shop/web', workload: 'web-1' });
    expect(ir?.inbound.map((i) => [i.port, i.targetPort, i.appCluster])).toEqual([
      [8080, 3000, 'inbound|8080||web.shop'],
    ]);
  });

  it('serves every Service port with targetPort = port without a registered Workload', () => {
    const ir = buildSidecarIr(resolved, { service: 'shop/web', workload: 'unknown' });
    expect(ir?.inbound.map((i) => [i.port, i.targetPort])).toEqual([
      [80, 80],
      [8081, 8081],
    ]);
  });

  it("takes the node's own ports over the registered Workload's", () => {
    const ir = buildSidecarIr(resolved, {
      service: 'shop/web',
      workload: 'web-1',
      ports: [{ name: 'admin', port: 18081, targetPort: 4000 }],
    });
    expect(ir?.inbound.map((i) => [i.portName, i.port, i.targetPort])).toEqual([
      ['admin', 18081, 4000],
    ]);
  });

  it('routes outbound HTTP by Host on 127.0.0.1:15001 when no outbound port is listed', () => {
    const ir = buildSidecarIr(resolved, { service: 'shop/web' });
    expect(ir?.outbound).toEqual([
      expect.objectContaining({
        port: DEFAULT_OUTBOUND_PORT,
        kind: 'http',
        routeTable: 'sidecar/shop/web/outbound',
      }),
    ]);
  });

  it('leaves out an outbound port that is also an inbound port, or names an unknown Service', () => {
    const ir = buildSidecarIr(resolved, {
      service: 'shop/web',
      workload: 'web-1',
      outbound: [{ port: 8080 }, { port: 9000, service: 'shop/nope' }, { port: 9001 }],
    });
    expect(ir?.outbound.map((o) => o.port)).toEqual([9001]);
    expect(ir?.skippedOutbound).toEqual([
      { port: 8080, reason: 'the port is an inbound port of the workload' },
      { port: 9000, reason: 'Service shop/nope not found' },
    ]);
  });

  it('gives a host two Services claim to the first of them only', () => {
    const ir = buildSidecarIr(resolved, { service: 'shop/web' });
    const domains = ir?.routeTables.flatMap((t) => t.virtualHosts.flatMap((v) => v.domains)) ?? [];
    expect(domains.filter((d) => d === 'shared.example.com')).toHaveLength(1);
    const owner = ir?.routeTables[0]?.virtualHosts.find((v) =>
      v.domains.includes('shared.example.com'),
    );
    expect(owner?.name).toBe('a.shop:80');
  });
});
