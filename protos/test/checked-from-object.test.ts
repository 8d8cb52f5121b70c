import { describe, expect, it } from 'vitest';
import { checkedFromObject, loadEnvoyProtos, toProto3Json } from '../src/index.ts';
import { resource } from './fixtures.ts';

const LISTENER = 'envoy.config.listener.v3.Listener';
const CLUSTER = 'envoy.config.cluster.v3.Cluster';
const ROUTE_CONFIG = 'envoy.config.route.v3.RouteConfiguration';
const HCM_URL =
  'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';

function problems(typeName: string, object: unknown) {
  const checked = checkedFromObject(typeName, object);
  return checked.ok ? [] : checked.problems;
}

describe('checkedFromObject', () => {
  it('accepts every resource of the fixture snapshot', () => {
    expect(checkedFromObject(LISTENER, resource('listeners', 'edge/shop/web/https')).ok).toBe(true);
    expect(checkedFromObject(ROUTE_CONFIG, resource('routes', 'edge/shop/web/https')).ok).toBe(
      true,
    );
  });

  it('rejects an unknown top-level key with its path', () => {
    expect(problems(CLUSTER, { name: 'a', nmae: 'b' })).toEqual([
      { path: 'nmae', message: "unknown field 'nmae' in envoy.config.cluster.v3.Cluster" },
    ]);
  });

  it('suggests the snake_case name for a camelCase key', () => {
    expect(problems(CLUSTER, { connectTimeout: '1s' })[0]?.message).toContain(
      "did you mean 'connect_timeout'?",
    );
  });

  it('rejects unknown keys in nested messages, list items and map values', () => {
    const found = problems(ROUTE_CONFIG, {
      name: 'r',
      virtual_hosts: [
        {
          name: 'v',
          domains: ['*'],
          routes: [{ match: { prefix: '/', case_sensitiv: true }, route: { cluster: 'c' } }],
          typed_per_filter_config: {
            'envoy.filters.http.cors': {
              '@type': 'type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy',
              allow_origins: ['*'],
            },
          },
        },
      ],
    });
    expect(found.map((p) => p.path)).toEqual([
      'virtual_hosts[0].routes[0].match.case_sensitiv',
      'virtual_hosts[0].typed_per_filter_config["envoy.filters.http.cors"].allow_origins',
    ]);
  });

  it('rejects an unknown key inside an Any named by @type', () => {
    const listener = {
      name: 'l',
      filter_chains: [
        {
          filters: [
            { name: 'hcm', typed_config: { '@type': HCM_URL, stat_prefix: 's', rds_name: 'x' } },
          ],
        },
      ],
    };
    expect(problems(LISTENER, listener)).toEqual([
      {
        path: 'filter_chains[0].filters[0].typed_config.rds_name',
        message: expect.stringContaining(
          "unknown field 'rds_name' in envoy.extensions.filters.network",
        ),
      },
    ]);
  });

  it('rejects an Any whose @type names no loaded type', () => {
    const found = problems(LISTENER, {
      filter_chains: [
        { filters: [{ name: 'x', typed_config: { '@type': 'type.googleapis.com/acme.Filter' } }] },
      ],
    });
    expect(found).toEqual([
      {
        path: 'filter_chains[0].filters[0].typed_config',
        message: expect.stringContaining('names no loaded message type'),
      },
    ]);
  });

  it('rejects two members of one oneof', () => {
    const found = problems('envoy.config.route.v3.RouteAction', {
      cluster: 'a',
      cluster_header: 'x-cluster',
    });
    expect(found).toEqual([
      {
        path: 'cluster_header',
        message:
          "'cluster_header' and 'cluster' are both in oneof 'cluster_specifier': set only one",
      },
    ]);
  });

  it('rejects values of the wrong type or out of range', () => {
    const found = problems(CLUSTER, {
      name: 7,
      per_connection_buffer_limit_bytes: 4294967296,
      lb_policy: 'FASTEST',
      connect_timeout: '5 seconds',
      respect_dns_ttl: 'yes',
      health_checks: {},
    });
    expect(Object.fromEntries(found.map((p) => [p.path, p.message]))).toEqual({
      name: 'expected a string, got 7',
      per_connection_buffer_limit_bytes: '4294967296 is out of range for uint32',
      lb_policy: expect.stringContaining('"FASTEST" is not a value of LbPolicy'),
      connect_timeout: 'expected a duration such as "1.5s", got "5 seconds"',
      respect_dns_ttl: 'expected a boolean, got "yes"',
      health_checks: 'expected a list, got {}',
    });
  });

  it('accepts the proto3 JSON forms of well-known types', () => {
    const checked = checkedFromObject(CLUSTER, {
      name: 'c',
      connect_timeout: '0.250s',
      per_connection_buffer_limit_bytes: 32768,
      metadata: { filter_metadata: { 'envoy.lb': { canary: true, weight: 2, tags: ['a', null] } } },
      dns_refresh_rate: { seconds: '60' },
      lrs_server: { self: {} },
    });
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(toProto3Json(checked.message)).toEqual({
      name: 'c',
      connect_timeout: '0.250s',
      per_connection_buffer_limit_bytes: 32768,
      dns_refresh_rate: '60s',
      metadata: { filter_metadata: { 'envoy.lb': { canary: true, tags: ['a', null], weight: 2 } } },
      lrs_server: { self: {} },
    });
  });

  it('accepts 64-bit integers as strings and bytes as base64', () => {
    const checked = checkedFromObject('envoy.config.core.v3.HeaderValue', {
      key: 'x-raw',
      raw_value: Buffer.from('hello').toString('base64'),
    });
    expect(checked.ok && toProto3Json(checked.message)).toEqual({
      key: 'x-raw',
      raw_value: 'aGVsbG8=',
    });
    const ring = checkedFromObject(
      'envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash',
      {
        minimum_ring_size: '18446744073709551615',
      },
    );
    expect(ring.ok && toProto3Json(ring.message)).toEqual({
      minimum_ring_size: '18446744073709551615',
    });
  });

  it('passes a decoded message through unchanged', () => {
    const type = loadEnvoyProtos().lookupType(CLUSTER);
    const message = type.fromObject({ name: 'already-typed' });
    const checked = checkedFromObject(CLUSTER, message);
    expect(checked.ok && checked.message).toBe(message);
  });

  it('rejects a message of another type', () => {
    const other = loadEnvoyProtos().lookupType(LISTENER).fromObject({ name: 'l' });
    expect(problems(CLUSTER, other)[0]?.message).toBe(
      'expected envoy.config.cluster.v3.Cluster, got envoy.config.listener.v3.Listener',
    );
  });
});
