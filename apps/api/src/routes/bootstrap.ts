// GET /api/v1/bootstrap?role=...&gateway=...|service=...: a ready Envoy bootstrap and a
// ready gRPC xDS bootstrap (grpc-js-xds) for a data plane of that role and target, with
// a fresh signed data-plane token bound to them. Issuing a token needs the same rights
// as POST /api/v1/tokens for a data-plane token.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { issueDataPlaneToken, type SigningKeys, type TokenRecords } from '@crossway/auth';
import { parseDuration } from '@crossway/model';
import { authorizeTokenIssue } from '../auth/rbac';
import { ApiProblem } from '../problems';
import { storeCall } from '../store-problems';

/** Where the proxyless file_watcher certificate providers read (issue 7 writes them). */
export const CERTIFICATE_PATHS = {
  certificate: '/var/run/crossway/identity/cert.pem',
  privateKey: '/var/run/crossway/identity/key.pem',
  roots: '/var/run/crossway/roots/ca.pem',
} as const;

export const XDS_CLUSTER = 'crossway-xds';
const DEFAULT_TTL = '24h';
const MAX_TTL_MS = 366 * 24 * 3_600_000;
const NAME = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const NAMESPACED = new RegExp(`^${NAME}/${NAME}$`);
const DNS_NAME = new RegExp(`^${NAME}$`);
const NODE_ID = /^[A-Za-z0-9][-A-Za-z0-9_.~:@]{0,252}$/;

interface BootstrapQuery {
  role?: string;
  gateway?: string;
  service?: string;
  workload?: string;
  /** node.id; default "<target name>-<random>". */
  node?: string;
  ttl?: string;
}

export interface BootstrapRouteOptions {
  tokens: TokenRecords;
  keys: SigningKeys;
  now: () => Date;
  /** host:port of the control plane's xDS server as data planes reach it. */
  xdsAddress: string;
}

function invalid(path: string, message: string): ApiProblem {
  return new ApiProblem('Invalid', 'bootstrap request is invalid', [{ path, message }]);
}

function hostAndPort(address: string): { host: string; port: number } {
  const index = address.lastIndexOf(':');
  const host = address.slice(0, index).replace(/^\[|\]$/g, '');
  return { host, port: Number(address.slice(index + 1)) };
}

export function envoyBootstrap(options: {
  nodeId: string;
  cluster: string;
  metadata: Record<string, string>;
  xdsAddress: string;
}): Record<string, unknown> {
  const { host, port } = hostAndPort(options.xdsAddress);
  const ads = { ads: {}, resource_api_version: 'V3' };
  return {
    node: {
      id: options.nodeId,
      cluster: options.cluster,
      locality: {},
      metadata: options.metadata,
    },
    dynamic_resources: {
      ads_config: {
        api_type: 'GRPC',
        transport_api_version: 'V3',
        set_node_on_first_message_only: true,
        // Large snapshots (10k clusters is about 5 MiB) must fit: the same 64 MiB as the server.
        grpc_services: [
          { envoy_grpc: { cluster_name: XDS_CLUSTER, max_receive_message_length: 67108864 } },
        ],
      },
      lds_config: ads,
      cds_config: ads,
    },
    static_resources: {
      clusters: [
        {
          name: XDS_CLUSTER,
          type: /^[0-9.]+$|:/.test(host) ? 'STATIC' : 'STRICT_DNS',
          connect_timeout: '5s',
          load_assignment: {
            cluster_name: XDS_CLUSTER,
            endpoints: [
              {
                lb_endpoints: [
                  {
                    endpoint: {
                      address: { socket_address: { address: host, port_value: port } },
                    },
                  },
                ],
              },
            ],
          },
          typed_extension_protocol_options: {
            'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
              '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
              explicit_http_config: {
                http2_protocol_options: {
                  connection_keepalive: { interval: '30s', timeout: '5s' },
                },
              },
            },
          },
        },
      ],
    },
    admin: {
      address: { socket_address: { address: '127.0.0.1', port_value: 9901 } },
    },
  };
}

export function grpcBootstrap(options: {
  nodeId: string;
  metadata: Record<string, string>;
  xdsAddress: string;
}): Record<string, unknown> {
  return {
    xds_servers: [
      {
        server_uri: options.xdsAddress,
        channel_creds: [{ type: 'insecure' }],
        server_features: ['xds_v3'],
      },
    ],
    node: { id: options.nodeId, locality: {}, metadata: options.metadata },
    server_listener_resource_name_template: 'grpc/server?xds.resource.listening_address=%s',
    certificate_providers: {
      'crossway-identity': {
        plugin_name: 'file_watcher',
        config: {
          certificate_file: CERTIFICATE_PATHS.certificate,
          private_key_file: CERTIFICATE_PATHS.privateKey,
          refresh_interval: '60s',
        },
      },
      'crossway-roots': {
        plugin_name: 'file_watcher',
        config: { ca_certificate_file: CERTIFICATE_PATHS.roots, refresh_interval: '60s' },
      },
    },
  };
}

export function registerBootstrapRoute(app: FastifyInstance, options: BootstrapRouteOptions): void {
  app.get(
    '/api/v1/bootstrap',
    {
      schema: {
        tags: ['bootstrap'],
        summary: 'Envoy and gRPC xDS bootstraps with a fresh data-plane token',
      },
    },
    async (request: FastifyRequest<{ Querystring: BootstrapQuery }>) => {
      const { query } = request;
      const role = query.role;
      if (role !== 'edge' && role !== 'sidecar' && role !== 'proxyless')
        throw invalid('role', 'must be edge, sidecar or proxyless');
      const field = role === 'edge' ? 'gateway' : 'service';
      const other = role === 'edge' ? 'service' : 'gateway';
      const target = query[field];
      if (target === undefined || !NAMESPACED.test(target))
        throw invalid(field, `is required for role ${role} ("namespace/name")`);
      if (query[other] !== undefined) throw invalid(other, `must not be set for role ${role}`);
      if (query.workload !== undefined && (role === 'edge' || !DNS_NAME.test(query.workload)))
        throw invalid('workload', 'must be a Workload name, for sidecar or proxyless');
      if (query.node !== undefined && !NODE_ID.test(query.node))
        throw invalid('node', 'must be 1-253 letters, digits or "-_.~:@"');
      const ttlMs = parseDuration(query.ttl ?? DEFAULT_TTL);
      if (ttlMs === undefined || ttlMs < 60_000 || ttlMs > MAX_TTL_MS)
        throw invalid('ttl', 'must be a duration from 1m to 8784h, like "24h"');

      const [namespace = '', name = ''] = target.split('/');
      const decision = authorizeTokenIssue(request.principal, { type: 'dataplane', namespace });
      if (!decision.allowed) {
        request.audit({
          action: 'issue-token',
          target: `bootstrap/${role}/${target}`,
          result: 'denied',
          reason: decision.reason,
        });
        throw new ApiProblem('Forbidden', decision.reason);
      }
      const { token, record } = await storeCall(() =>
        issueDataPlaneToken(
          { role, [field]: target, ttlMs, createdBy: request.principal.id },
          { records: options.tokens, keys: options.keys, now: options.now },
        ),
      );
      request.audit({
        action: 'issue-token',
        target: `dataplane/${role}/${record.id}`,
        result: 'created',
      });
      const nodeId = query.node ?? `${query.workload ?? name}-${randomBytes(4).toString('hex')}`;
      const metadata: Record<string, string> = {
        role,
        [field]: target,
        ...(query.workload !== undefined ? { workload: query.workload } : {}),
        token,
      };
      return {
        envoy: envoyBootstrap({ nodeId, cluster: name, metadata, xdsAddress: options.xdsAddress }),
        grpc: grpcBootstrap({ nodeId, metadata, xdsAddress: options.xdsAddress }),
        token,
        tokenId: record.id,
        expiresAt: record.expiresAt,
      };
    },
  );
}
