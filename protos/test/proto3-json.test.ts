import { describe, expect, it } from 'vitest';
import {
  checkedFromObject,
  encodeAny,
  loadEnvoyProtos,
  objectToProto3Json,
  ProtosError,
  toProto3Json,
} from '../src/index.ts';
import { resource } from './fixtures.ts';

const LISTENER = 'envoy.config.listener.v3.Listener';

describe('toProto3Json', () => {
  it('writes Envoy config-dump JSON: snake_case, @type, durations, enum names', () => {
    const json = objectToProto3Json('envoy.config.cluster.v3.Cluster', {
      name: 'c',
      type: 3,
      connect_timeout: { seconds: 1, nanos: 500_000_000 },
      lb_policy: 0,
      per_connection_buffer_limit_bytes: { value: 1024 },
      typed_extension_protocol_options: {
        'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': encodeAny(
          'envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
          { explicit_http_config: { http2_protocol_options: {} } },
        ),
      },
    });
    expect(json).toEqual({
      name: 'c',
      type: 'EDS',
      connect_timeout: '1.500s',
      per_connection_buffer_limit_bytes: 1024,
      typed_extension_protocol_options: {
        'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
          '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
          explicit_http_config: { http2_protocol_options: {} },
        },
      },
    });
  });

  it('leaves out proto3 defaults but keeps set wrappers and oneof members', () => {
    const json = objectToProto3Json('envoy.config.route.v3.RouteAction', {
      cluster: '',
      priority: 'DEFAULT',
      auto_host_rewrite: false,
      max_grpc_timeout: '0s',
    });
    expect(json).toEqual({ cluster: '', auto_host_rewrite: false, max_grpc_timeout: '0s' });
  });

  it('writes 64-bit integers as strings and floats at float precision', () => {
    expect(
      objectToProto3Json('envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash', {
        minimum_ring_size: 1024,
      }),
    ).toEqual({ minimum_ring_size: '1024' });
    expect(
      objectToProto3Json(
        'envoy.extensions.load_balancing_policies.client_side_weighted_round_robin.v3.ClientSideWeightedRoundRobin',
        { error_utilization_penalty: 0.1 },
      ),
    ).toEqual({ error_utilization_penalty: 0.1 });
  });

  it('puts a well-known type inside an Any under value', () => {
    const any = encodeAny('google.protobuf.Duration', '2s');
    const message = loadEnvoyProtos().lookupType('google.protobuf.Any').fromObject(any);
    expect(toProto3Json(message)).toEqual({
      '@type': 'type.googleapis.com/google.protobuf.Duration',
      value: '2s',
    });
  });

  it('gives JSON that checkedFromObject takes back to the same JSON', () => {
    const listener = resource('listeners', 'edge/shop/web/https');
    const first = objectToProto3Json(LISTENER, listener);
    const checked = checkedFromObject(LISTENER, first);
    expect(checked.ok && toProto3Json(checked.message)).toEqual(first);
  });

  it('throws INVALID_OBJECT for an object that does not fit', () => {
    expect(() => objectToProto3Json(LISTENER, { nam: 'x' })).toThrow(ProtosError);
  });
});
