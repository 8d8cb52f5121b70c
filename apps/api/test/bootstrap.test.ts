// GET /api/v1/bootstrap: Envoy and gRPC xDS bootstraps with a fresh signed data-plane
// token bound to the role and target. The Envoy bootstrap is checked field by field
// against envoy.config.bootstrap.v3.Bootstrap from the shipped protos.
import { createDataPlaneTokenVerifier, storeSigningKeys, storeTokenRecords } from '@crossway/auth';
import { checkedFromObject, ENVOY_PROTO_FILES, loadProtoFiles } from '@crossway/protos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

const bootstrapRoot = () =>
  loadProtoFiles([
    ...ENVOY_PROTO_FILES,
    'envoy/config/bootstrap/v3/bootstrap.proto',
    'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
  ]);

describe('bootstrap', () => {
  it('returns a valid Envoy bootstrap with ADS to the control plane and a bound token', async () => {
    const answer = await h.request({
      method: 'GET',
      url: '/api/v1/bootstrap?role=edge&gateway=edge/public',
    });
    expect(answer.statusCode).toBe(200);
    const { envoy, grpc, token } = answer.json();
    expect(token).toMatch(/^cwdp_/);

    const checked = checkedFromObject('envoy.config.bootstrap.v3.Bootstrap', envoy, {
      root: bootstrapRoot(),
    });
    expect(checked.ok ? [] : checked.problems).toEqual([]);
    expect(envoy.node.metadata).toEqual({ role: 'edge', gateway: 'edge/public', token });
    expect(envoy.dynamic_resources.ads_config).toMatchObject({
      api_type: 'GRPC',
      transport_api_version: 'V3',
      grpc_services: [{ envoy_grpc: { cluster_name: 'crossway-xds' } }],
    });
    expect(envoy.dynamic_resources.lds_config).toEqual({ ads: {}, resource_api_version: 'V3' });
    expect(envoy.dynamic_resources.cds_config).toEqual({ ads: {}, resource_api_version: 'V3' });
    const cluster = envoy.static_resources.clusters[0];
    expect(cluster.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address).toEqual({
      socket_address: { address: '127.0.0.1', port_value: 18000 },
    });
    expect(
      cluster.typed_extension_protocol_options[
        'envoy.extensions.upstreams.http.v3.HttpProtocolOptions'
      ].explicit_http_config.http2_protocol_options,
    ).toBeDefined();
    expect(grpc.node.id).toBe(envoy.node.id);

    // The token verifies as an edge token for that Gateway.
    const verifier = createDataPlaneTokenVerifier({
      records: storeTokenRecords(h.store),
      keys: storeSigningKeys(h.store),
    });
    const verified = await verifier.verify(token);
    expect(verified).toMatchObject({ ok: true, claims: { role: 'edge', gateway: 'edge/public' } });
  });

  it('returns a gRPC xDS bootstrap for proxyless with certificate providers', async () => {
    const answer = await h.request({
      method: 'GET',
      url: '/api/v1/bootstrap?role=proxyless&service=shop/checkout&workload=checkout-1&node=checkout-1-a',
    });
    expect(answer.statusCode).toBe(200);
    const { grpc, token } = answer.json();
    expect(grpc).toMatchObject({
      xds_servers: [
        {
          server_uri: '127.0.0.1:18000',
          channel_creds: [{ type: 'insecure' }],
          server_features: ['xds_v3'],
        },
      ],
      node: {
        id: 'checkout-1-a',
        locality: {},
        metadata: { role: 'proxyless', service: 'shop/checkout', workload: 'checkout-1', token },
      },
      server_listener_resource_name_template: 'grpc/server?xds.resource.listening_address=%s',
    });
    expect(grpc.certificate_providers['crossway-identity'].plugin_name).toBe('file_watcher');
    expect(grpc.certificate_providers['crossway-roots'].config.ca_certificate_file).toMatch(
      /\.pem$/,
    );
  });

  it('refuses a bad query and callers who may not issue a data-plane token', async () => {
    const missing = await h.request({ method: 'GET', url: '/api/v1/bootstrap?role=sidecar' });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().errors[0].path).toBe('service');
    const wrongField = await h.request({
      method: 'GET',
      url: '/api/v1/bootstrap?role=edge&gateway=edge/public&service=shop/a',
    });
    expect(wrongField.statusCode).toBe(422);
    const viewer = await h.request({
      method: 'GET',
      url: '/api/v1/bootstrap?role=sidecar&service=shop/checkout',
      token: h.tokens.viewer,
    });
    expect(viewer.statusCode).toBe(403);
    const otherNamespace = await h.request({
      method: 'GET',
      url: '/api/v1/bootstrap?role=sidecar&service=payments/payments',
      token: h.tokens.shopEditor,
    });
    expect(otherNamespace.statusCode).toBe(403);
    const own = await h.request({
      method: 'GET',
      url: '/api/v1/bootstrap?role=sidecar&service=shop/checkout',
      token: h.tokens.shopEditor,
    });
    expect(own.statusCode).toBe(200);
  });

  it('POST /api/v1/tokens issues signed data-plane tokens and lists them without secrets', async () => {
    const issued = await h.request({
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { type: 'dataplane', role: 'sidecar', service: 'shop/checkout', ttl: '1h' },
    });
    expect(issued.statusCode).toBe(201);
    const { token, id } = issued.json();
    expect(token).toMatch(/^cwdp_/);
    const listed = await h.request({ method: 'GET', url: '/api/v1/tokens' });
    const record = (listed.json().items as { id: string }[]).find((t) => t.id === id);
    expect(record).toMatchObject({ type: 'dataplane', role: 'sidecar', service: 'shop/checkout' });
    expect(listed.body).not.toContain(token);
    expect(listed.body).not.toContain('secret":');
    // A data-plane token cannot call the API.
    const asApi = await h.request({ method: 'GET', url: '/api/v1/proxies', token });
    expect(asApi.statusCode).toBe(401);
  });
});
