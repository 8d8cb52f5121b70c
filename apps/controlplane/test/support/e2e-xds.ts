// Real grpc-js-xds data planes for the live end-to-end tests: proxyless clients that
// dial xds:///<svc>.<ns>:<port> and xDS-enabled echo servers, each with its own
// bootstrap (channel option), so many of them in one process can point at one
// control plane with different node identities and tokens.
import * as grpc from '@grpc/grpc-js';
import {
  ECHO_PATH,
  echoDeserialize,
  echoImplementation,
  echoSerialize,
  echoServiceDefinition,
  shutdownServer,
  type EchoBackendState,
  type EchoReply,
} from './e2e-echo';

// grpc-js-xds reads its feature switches when it is loaded: RBAC on servers is opt-in.
process.env['GRPC_XDS_EXPERIMENTAL_RBAC'] = 'true';
const grpcXds = await import('@grpc/grpc-js-xds');
grpcXds.register();

export const BOOTSTRAP_OPTION = 'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config';
export const SERVER_LISTENER_TEMPLATE = 'grpc/server?xds.resource.listening_address=%s';

export interface NodeIdentity {
  id: string;
  /** "ns/name"; a pure client may leave it out. */
  service?: string;
  /** Data-plane token; left out to test refusal. */
  token?: string;
}

/**
 * A gRPC xDS bootstrap (the shape grpc-js-xds validates) for one node. `xdsServer` is
 * a loopback port, or a whole gRPC target such as "ipv4:127.0.0.1:1,127.0.0.1:2"
 * (pick_first over several control-plane replicas, in that order of preference).
 */
export function proxylessBootstrap(xdsServer: number | string, node: NodeIdentity): string {
  const metadata: Record<string, string> = { role: 'proxyless' };
  if (node.service !== undefined) metadata['service'] = node.service;
  if (node.token !== undefined) metadata['token'] = node.token;
  return JSON.stringify({
    xds_servers: [
      {
        server_uri: typeof xdsServer === 'number' ? `127.0.0.1:${xdsServer}` : xdsServer,
        channel_creds: [{ type: 'insecure' }],
        server_features: ['xds_v3'],
      },
    ],
    node: { id: node.id, locality: {}, metadata },
    server_listener_resource_name_template: SERVER_LISTENER_TEMPLATE,
  });
}

export interface CallResult {
  ok: boolean;
  backend?: string;
  code?: grpc.status;
  details?: string;
  elapsedMs: number;
}

/** A proxyless client: one channel to an xds:/// target, reused for every call. */
export class XdsEchoClient {
  private readonly client: grpc.Client;

  constructor(
    readonly target: string,
    xdsServer: number | string,
    node: NodeIdentity,
  ) {
    this.client = new grpc.Client(target, grpc.credentials.createInsecure(), {
      [BOOTSTRAP_OPTION]: proxylessBootstrap(xdsServer, node),
    });
  }

  call(
    options: { headers?: Record<string, string>; deadlineMs?: number } = {},
  ): Promise<CallResult> {
    const metadata = new grpc.Metadata();
    for (const [name, value] of Object.entries(options.headers ?? {})) metadata.set(name, value);
    const started = Date.now();
    return new Promise((resolve) => {
      this.client.makeUnaryRequest<{ message: string }, EchoReply>(
        ECHO_PATH,
        echoSerialize,
        echoDeserialize,
        { message: 'hi' },
        metadata,
        { deadline: started + (options.deadlineMs ?? 3000) },
        (error, reply) => {
          const elapsedMs = Date.now() - started;
          if (error || reply === undefined)
            resolve({
              ok: false,
              code: error?.code ?? grpc.status.UNKNOWN,
              details: error?.details ?? 'no reply',
              elapsedMs,
            });
          else resolve({ ok: true, backend: reply.backend, elapsedMs });
        },
      );
    });
  }

  /** Calls `count` times, a few at a time, and counts answers per backend (or error code). */
  async tally(
    count: number,
    options: { headers?: Record<string, string>; concurrency?: number } = {},
  ): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < count) {
        next += 1;
        const result = await this.call(options);
        const key = result.ok ? (result.backend ?? '?') : `error:${grpc.status[result.code ?? 2]}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: options.concurrency ?? 20 }, worker));
    return counts;
  }

  close(): void {
    this.client.close();
  }
}

/** An xDS-enabled echo server (its Listener, RBAC included, comes from the control plane). */
export interface XdsEchoServer extends EchoBackendState {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Starts an XdsServer on 127.0.0.1:`port`. It serves once the control plane has sent
 * its server Listener, so the caller registers the Workload first; this waits at most
 * `timeoutMs` for that.
 */
export async function startXdsEchoServer(options: {
  name: string;
  port: number;
  /** A loopback port or a gRPC target (see proxylessBootstrap). */
  xdsPort: number | string;
  node: NodeIdentity;
  timeoutMs?: number;
}): Promise<XdsEchoServer> {
  const server = new grpcXds.XdsServer({
    [BOOTSTRAP_OPTION]: proxylessBootstrap(options.xdsPort, options.node),
  } as grpc.ServerOptions);
  const state: EchoBackendState = { name: options.name, behaviour: { kind: 'answer' }, calls: 0 };
  server.addService(echoServiceDefinition, echoImplementation(state));
  const close = (): Promise<void> => shutdownServer(server);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`xDS server ${options.name} got no Listener in time`)),
        options.timeoutMs ?? 10_000,
      );
      server.bindAsync(
        `127.0.0.1:${options.port}`,
        grpc.ServerCredentials.createInsecure(),
        (error) => {
          clearTimeout(timer);
          if (error) reject(error);
          else resolve();
        },
      );
    });
  } catch (error) {
    await close();
    throw error;
  }
  return Object.assign(state, { port: options.port, close });
}
