// startAdsServer: serves envoy.service.discovery.v3.AggregatedDiscoveryService
// (StreamAggregatedResources = SotW, DeltaAggregatedResources = Delta) with grpc-js.
// Each stream is a StreamSession with its protocol; close() ends the open streams
// with UNAVAILABLE, then shuts the server down (forcibly after a grace period).
// Requests larger than maxRequestBytes are refused by gRPC itself with
// RESOURCE_EXHAUSTED before they are decoded (so before any token is checked);
// responses may be larger (maxMessageBytes). Request rate limits: request-limits.ts.
import { Server, ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { DataPlaneAuthenticator, ProxyEvents, SnapshotSource } from '../contracts';
import { adsServiceDefinition } from './ads-service';
import { DeltaProtocol } from './delta-protocol';
import type { DeltaRequest, SotwRequest } from './discovery-messages';
import {
  DEFAULT_REQUEST_LIMITS,
  NodeBuckets,
  NO_GUARD_EVENTS,
  type AdsGuardEvents,
  type RequestLimits,
} from './request-limits';
import { SotwProtocol } from './sotw-protocol';
import { StreamSession, type StreamDependencies } from './stream-session';

export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/**
 * Largest DiscoveryRequest accepted (gRPC's own default). A request is a node and
 * resource names: an edge subscribed to 10,000 ClusterLoadAssignments by name, or a
 * Delta stream resuming 30,000 resources with their versions, stays well under it.
 */
export const DEFAULT_MAX_REQUEST_BYTES = 4 * 1024 * 1024;

export interface AdsKeepalive {
  /** Server pings an idle connection after this long (grpc.keepalive_time_ms). */
  timeMs?: number;
  /** ... and drops it when the ping is not answered within (grpc.keepalive_timeout_ms). */
  timeoutMs?: number;
  /** Smallest ping interval allowed from clients (grpc.http2.min_ping_interval_without_data_ms). */
  minClientPingIntervalMs?: number;
}

export interface AdsServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  source: SnapshotSource;
  auth: DataPlaneAuthenticator;
  events: ProxyEvents;
  logger: Logger;
  /** Largest response (default 64 MiB). */
  maxMessageBytes?: number;
  /** Largest request; larger ones are refused with RESOURCE_EXHAUSTED (default 4 MiB). */
  maxRequestBytes?: number;
  /** Per-stream request rate and resource names per request (default DEFAULT_REQUEST_LIMITS). */
  limits?: RequestLimits;
  /** Counts requests accepted and limited, and authentications (metrics). */
  guard?: AdsGuardEvents;
  keepalive?: AdsKeepalive;
  /** Default: plaintext. */
  credentials?: ServerCredentials;
  /** How long close() waits for a graceful shutdown before forcing it (default 2000 ms). */
  shutdownGraceMs?: number;
}

export interface AdsServer {
  port: number;
  close(): Promise<void>;
}

function serverOptions(options: AdsServerOptions): Record<string, number> {
  const keepalive = options.keepalive ?? {};
  return {
    'grpc.max_receive_message_length': options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
    'grpc.max_send_message_length': options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    'grpc.keepalive_time_ms': keepalive.timeMs ?? 30_000,
    'grpc.keepalive_timeout_ms': keepalive.timeoutMs ?? 10_000,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': keepalive.minClientPingIntervalMs ?? 5_000,
  };
}

function bind(server: Server, address: string, credentials: ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, credentials, (error, port) =>
      error ? reject(error) : resolve(port),
    );
  });
}

function hostPort(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

export async function startAdsServer(options: AdsServerOptions): Promise<AdsServer> {
  const logger = options.logger.child({ component: 'ads' });
  const limits = options.limits ?? DEFAULT_REQUEST_LIMITS;
  const deps: StreamDependencies = {
    source: options.source,
    auth: options.auth,
    events: options.events,
    logger,
    limits,
    buckets: new NodeBuckets(limits),
    guard: options.guard ?? NO_GUARD_EVENTS,
  };
  const sessions = new Set<{ shutdown(): void }>();
  const open = <Request extends { node: unknown; nameCount: number; byteLength: number }>(
    session: (onClosed: () => void) => StreamSession<Request>,
  ): void => {
    const created = session(() => sessions.delete(created));
    sessions.add(created);
  };

  const server = new Server(serverOptions(options));
  server.addService(adsServiceDefinition(), {
    StreamAggregatedResources: (call: ServerDuplexStream<SotwRequest, Uint8Array>) =>
      open(
        (onClosed) => new StreamSession(call, 'sotw', (c) => new SotwProtocol(c), deps, onClosed),
      ),
    DeltaAggregatedResources: (call: ServerDuplexStream<DeltaRequest, Uint8Array>) =>
      open(
        (onClosed) => new StreamSession(call, 'delta', (c) => new DeltaProtocol(c), deps, onClosed),
      ),
  });
  let port: number;
  try {
    port = await bind(
      server,
      hostPort(options.host, options.port),
      options.credentials ?? ServerCredentials.createInsecure(),
    );
  } catch (error) {
    server.forceShutdown();
    throw error;
  }
  logger.info({ host: options.host, port }, 'ADS server listening');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      for (const session of [...sessions]) session.shutdown();
      const force = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, options.shutdownGraceMs ?? 2_000);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    }).then(() => logger.info('ADS server closed'));
    return closing;
  };
  return { port, close };
}
