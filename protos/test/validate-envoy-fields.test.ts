// Each PGV rule kind, broken on a real Envoy field that carries it.
import { describe, expect, it } from 'vitest';
import { loadProtoFiles, RESOURCE_KINDS, RESOURCE_TYPES, validateMessage } from '../src/index.ts';
import { baseSnapshot } from './fixtures.ts';

const HCM =
  'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';

function rules(typeName: string, object: unknown) {
  return validateMessage(typeName, object).map((v) => `${v.path}: ${v.rule}`);
}

describe('validateMessage on the fixture snapshot', () => {
  const snapshot = baseSnapshot();
  const cases = RESOURCE_KINDS.flatMap((kind) =>
    snapshot[kind].map((r) => [kind, String(r.name ?? r.cluster_name), r] as const),
  );

  it.each(cases)('passes the realistic %s resource %s', (kind, _name, object) => {
    expect(validateMessage(RESOURCE_TYPES[kind], object)).toEqual([]);
  });
});

describe('validateMessage on Envoy fields', () => {
  it('string.min_len: Cluster.name must not be empty', () => {
    expect(validateMessage('envoy.config.cluster.v3.Cluster', { name: '' })).toEqual([
      {
        path: 'name',
        rule: 'string.min_len',
        message: 'value length must be at least 1 characters, got 0',
      },
    ]);
  });

  it('string.max_bytes: UpstreamTlsContext.sni is at most 255 bytes', () => {
    const sni = 'a'.repeat(256);
    expect(rules('envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext', { sni })).toEqual([
      'sni: string.max_bytes',
    ]);
  });

  it('string.pattern: RouteMatch.path_separated_prefix may not end in a slash', () => {
    const match = { path_separated_prefix: '/api/' };
    expect(rules('envoy.config.route.v3.RouteMatch', match)).toEqual([
      'path_separated_prefix: string.pattern',
    ]);
    expect(rules('envoy.config.route.v3.RouteMatch', { path_separated_prefix: '/api' })).toEqual(
      [],
    );
  });

  it('string.in: SchemeHeaderTransformation.scheme_to_overwrite is http or https', () => {
    const transform = { scheme_to_overwrite: 'ftp' };
    expect(rules('envoy.config.core.v3.SchemeHeaderTransformation', transform)).toEqual([
      'scheme_to_overwrite: string.in',
    ]);
  });

  it('string.well_known_regex (not strict): HeaderValue.key may not hold a newline', () => {
    expect(rules('envoy.config.core.v3.HeaderValue', { key: 'x-a\nb', value: 'tab\tok' })).toEqual([
      'key: string.well_known_regex',
    ]);
  });

  it('string.well_known_regex (strict) with ignore_empty: override_auto_sni_header', () => {
    const type = 'envoy.config.core.v3.UpstreamHttpProtocolOptions';
    expect(rules(type, { override_auto_sni_header: 'x bad' })).toEqual([
      'override_auto_sni_header: string.well_known_regex',
    ]);
    expect(rules(type, { override_auto_sni_header: '' })).toEqual([]);
    expect(rules(type, { override_auto_sni_header: 'x-sni' })).toEqual([]);
  });

  it('string.max_len: UriTemplateMatchConfig.path_template is at most 256 characters', () => {
    const root = loadProtoFiles([
      'envoy/extensions/path/match/uri_template/v3/uri_template_match.proto',
    ]);
    const violations = validateMessage(
      'envoy.extensions.path.match.uri_template.v3.UriTemplateMatchConfig',
      { path_template: `/${'é'.repeat(256)}` },
      { root },
    );
    expect(violations.map((v) => v.rule)).toEqual(['string.max_len']);
  });

  it('bytes.max_len: HeaderValue.raw_value is at most 16384 bytes', () => {
    const raw = new Uint8Array(16385);
    expect(rules('envoy.config.core.v3.HeaderValue', { key: 'x', raw_value: raw })).toEqual([
      'raw_value: bytes.max_len',
    ]);
  });

  it('uint32.lte: SocketAddress.port_value is at most 65535', () => {
    const address = { address: '10.0.0.1', port_value: 70000 };
    expect(rules('envoy.config.core.v3.SocketAddress', address)).toEqual([
      'port_value: uint32.lte',
    ]);
  });

  it('uint32.gte and uint32.lt: DirectResponseAction.status lies in [200, 600)', () => {
    const type = 'envoy.config.route.v3.DirectResponseAction';
    expect(validateMessage(type, { status: 199 })).toEqual([
      {
        path: 'status',
        rule: 'uint32.gte',
        message: 'value must be greater than or equal to 200 and less than 600',
      },
    ]);
    expect(rules(type, { status: 600 })).toEqual(['status: uint32.lt']);
  });

  it('uint32.gt on a wrapper: Listener.max_connections_to_accept_per_socket_event', () => {
    const listener = { name: 'l', max_connections_to_accept_per_socket_event: 0 };
    expect(rules('envoy.config.listener.v3.Listener', listener)).toEqual([
      'max_connections_to_accept_per_socket_event: uint32.gt',
    ]);
  });

  it('uint64.lte: RingHash.minimum_ring_size is at most 8M', () => {
    const type = 'envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash';
    expect(rules(type, { minimum_ring_size: '8388609' })).toEqual([
      'minimum_ring_size: uint64.lte',
    ]);
  });

  it('double.lte: envoy.type.v3.Percent.value is at most 100', () => {
    expect(rules('envoy.type.v3.Percent', { value: 100.5 })).toEqual(['value: double.lte']);
  });

  it('float.gte on a wrapper: ClientSideWeightedRoundRobin.error_utilization_penalty', () => {
    const type =
      'envoy.extensions.load_balancing_policies.client_side_weighted_round_robin.v3.ClientSideWeightedRoundRobin';
    expect(rules(type, { error_utilization_penalty: -0.5 })).toEqual([
      'error_utilization_penalty: float.gte',
    ]);
  });

  it('enum.defined_only: Cluster.lb_policy must be a defined LbPolicy', () => {
    expect(rules('envoy.config.cluster.v3.Cluster', { name: 'c', lb_policy: 42 })).toEqual([
      'lb_policy: enum.defined_only',
    ]);
  });

  it('enum.not_in: HttpHealthCheck.method may not be CONNECT', () => {
    const check = { path: '/healthz', method: 'CONNECT' };
    expect(rules('envoy.config.core.v3.HealthCheck.HttpHealthCheck', check)).toEqual([
      'method: enum.not_in',
    ]);
  });

  it('bool.const: rbac Permission.any can only be true', () => {
    expect(rules('envoy.config.rbac.v3.Permission', { any: false })).toEqual(['any: bool.const']);
  });

  it('message.required: HeaderValueOption.header must be set', () => {
    expect(
      rules('envoy.config.core.v3.HeaderValueOption', {
        append_action: 'OVERWRITE_IF_EXISTS_OR_ADD',
      }),
    ).toEqual(['header: message.required']);
  });

  it('oneof required: RouteAction needs a cluster specifier', () => {
    expect(rules('envoy.config.route.v3.RouteAction', { timeout: '1s' })).toEqual([
      'cluster_specifier: oneof.required',
    ]);
  });

  it('repeated.min_items: VirtualHost.domains needs a domain', () => {
    const host = { name: 'v', domains: [] };
    expect(rules('envoy.config.route.v3.VirtualHost', host)).toEqual([
      'domains: repeated.min_items',
    ]);
  });

  it('repeated.max_items: TcpProxy.hash_policy holds at most one policy', () => {
    const tcp = {
      stat_prefix: 't',
      cluster: 'c',
      hash_policy: [{ source_ip: {} }, { source_ip: {} }],
    };
    expect(rules('envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy', tcp)).toEqual([
      'hash_policy: repeated.max_items',
    ]);
  });

  it('repeated.unique: InternalRedirectPolicy.response_headers_to_copy has no repeats', () => {
    const policy = { response_headers_to_copy: ['x-a', 'x-b', 'x-a'] };
    expect(rules('envoy.config.route.v3.InternalRedirectPolicy', policy)).toEqual([
      'response_headers_to_copy[2]: repeated.unique',
    ]);
  });

  it('repeated.items: FilterChainMatch.source_ports are ports from 1', () => {
    const match = { source_ports: [443, 0] };
    expect(rules('envoy.config.listener.v3.FilterChainMatch', match)).toEqual([
      'source_ports[1]: uint32.gte',
    ]);
  });

  it('map.min_pairs: xds MatchMap.map needs an entry', () => {
    expect(rules('xds.type.matcher.v3.Matcher.MatcherTree.MatchMap', { map: {} })).toEqual([
      'map: map.min_pairs',
    ]);
  });

  it('map.keys: Metadata.filter_metadata keys are not empty', () => {
    expect(rules('envoy.config.core.v3.Metadata', { filter_metadata: { '': { a: 1 } } })).toEqual([
      'filter_metadata[""]: string.min_len',
    ]);
  });

  it('any.required: TypedExtensionConfig.typed_config must be set', () => {
    expect(rules('envoy.config.core.v3.TypedExtensionConfig', { name: 'x' })).toEqual([
      'typed_config: any.required',
    ]);
  });

  it('duration.required and duration.gt: HealthCheck.timeout is set and positive', () => {
    const check = {
      interval: '5s',
      unhealthy_threshold: 1,
      healthy_threshold: 1,
      tcp_health_check: {},
    };
    expect(rules('envoy.config.core.v3.HealthCheck', check)).toEqual([
      'timeout: duration.required',
    ]);
    expect(rules('envoy.config.core.v3.HealthCheck', { ...check, timeout: '0s' })).toEqual([
      'timeout: duration.gt',
    ]);
  });

  it('duration.gte: BackoffStrategy.base_interval is at least 1ms', () => {
    expect(
      validateMessage('envoy.config.core.v3.BackoffStrategy', { base_interval: '0.0005s' }),
    ).toEqual([
      {
        path: 'base_interval',
        rule: 'duration.gte',
        message: 'value must be greater than or equal to 0.001s',
      },
    ]);
  });

  it('duration.lt: HttpUri.timeout is below 2^32 seconds', () => {
    const uri = { uri: 'https://idp/jwks', cluster: 'idp', timeout: '4294967296s' };
    expect(rules('envoy.config.core.v3.HttpUri', uri)).toEqual(['timeout: duration.lt']);
  });

  it('duration.lte: QuicProtocolOptions.idle_network_timeout is at most 600s', () => {
    expect(
      rules('envoy.config.core.v3.QuicProtocolOptions', { idle_network_timeout: '601s' }),
    ).toEqual(['idle_network_timeout: duration.lte']);
  });

  it('an upper bound below the lower bound excludes the range: QuicKeepAliveSettings.max_interval', () => {
    const type = 'envoy.config.core.v3.QuicKeepAliveSettings';
    expect(rules(type, { max_interval: '0.5s' })).toEqual(['max_interval: duration.gte_lte']);
    expect(rules(type, { max_interval: '0s' })).toEqual([]);
    expect(rules(type, { max_interval: '2s' })).toEqual([]);
  });

  it('recurses into an Any: HttpConnectionManager.stat_prefix inside a listener filter', () => {
    const listener = {
      name: 'l',
      filter_chains: [{ filters: [{ name: 'hcm', typed_config: { '@type': HCM, rds: {} } }] }],
    };
    expect(rules('envoy.config.listener.v3.Listener', listener)).toEqual([
      'filter_chains[0].filters[0].typed_config.stat_prefix: string.min_len',
      'filter_chains[0].filters[0].typed_config.rds.config_source: message.required',
    ]);
  });

  it('recurses into map values: a per-route CORS policy with an empty header name', () => {
    const cors = 'type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy';
    const route = {
      match: { prefix: '/' },
      direct_response: { status: 204 },
      typed_per_filter_config: {
        'envoy.filters.http.cors': { '@type': cors, allow_origin_string_match: [{ exact: '' }] },
        'envoy.filters.http.fault': {
          '@type': 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault',
          abort: { http_status: 99, percentage: { numerator: 1 } },
        },
      },
    };
    expect(rules('envoy.config.route.v3.Route', route)).toEqual([
      'typed_per_filter_config["envoy.filters.http.fault"].abort.http_status: uint32.gte',
    ]);
  });

  it('reports an object that does not fit its type as a shape violation', () => {
    expect(rules('envoy.config.cluster.v3.Cluster', { name: 'c', nope: 1 })).toEqual([
      'nope: shape',
    ]);
  });
});
