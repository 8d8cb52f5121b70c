// A tiny gRPC echo service for the live end-to-end tests: each backend answers with
// its own name, so a test can count which backend served a call. The service is a
// grpc-js generic definition with JSON serialization (no .proto file needed), and a
// backend's behaviour (answer, fail UNAVAILABLE, answer slowly) can change mid-test.
import * as grpc from '@grpc/grpc-js';

export const ECHO_PATH = '/crossway.e2e.Echo/Echo';

export interface EchoRequest {
  message: string;
}

export interface EchoReply {
  /** Name of the backend that served the call. */
  backend: string;
  message: string;
}

const serialize = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const deserialize = (bytes: Buffer): unknown => JSON.parse(bytes.toString('utf8')) as unknown;

export const echoServiceDefinition: grpc.ServiceDefinition = {
  Echo: {
    path: ECHO_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: serialize,
    requestDeserialize: deserialize,
    responseSerialize: serialize,
    responseDeserialize: deserialize,
  },
};

export type EchoBehaviour =
  { kind: 'answer' } | { kind: 'fail'; code: grpc.status } | { kind: 'slow'; delayMs: number };

/** The handler's side of one backend: its name, what it does, how many calls it saw. */
export interface EchoBackendState {
  readonly name: string;
  behaviour: EchoBehaviour;
  calls: number;
}

export function echoImplementation(state: EchoBackendState): grpc.UntypedServiceImplementation {
  const pending = new Set<NodeJS.Timeout>();
  return {
    Echo: (
      call: grpc.ServerUnaryCall<EchoRequest, EchoReply>,
      callback: grpc.sendUnaryData<EchoReply>,
    ) => {
      state.calls += 1;
      const reply = { backend: state.name, message: call.request.message };
      const behaviour = state.behaviour;
      if (behaviour.kind === 'fail') {
        callback({ code: behaviour.code, details: `${state.name} is failing on purpose` });
      } else if (behaviour.kind === 'slow') {
        const timer = setTimeout(() => {
          pending.delete(timer);
          callback(null, reply);
        }, behaviour.delayMs);
        pending.add(timer);
        call.on('cancelled', () => {
          clearTimeout(timer);
          pending.delete(timer);
        });
      } else {
        callback(null, reply);
      }
    },
  };
}

/** A plain (not xDS-enabled) echo backend on 127.0.0.1, registered as a Workload by the test. */
export interface EchoBackend extends EchoBackendState {
  readonly port: number;
  close(): Promise<void>;
}

export async function startEchoBackend(name: string): Promise<EchoBackend> {
  const server = new grpc.Server();
  const state: EchoBackendState = { name, behaviour: { kind: 'answer' }, calls: 0 };
  server.addService(echoServiceDefinition, echoImplementation(state));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  const backend: EchoBackend = Object.assign(state, {
    port,
    close: () => shutdownServer(server),
  });
  return backend;
}

/** tryShutdown with a forceShutdown fallback (xDS clients keep streams open). */
export function shutdownServer(server: grpc.Server, graceMs = 500): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export const echoSerialize = serialize;
export const echoDeserialize = (bytes: Buffer): EchoReply => deserialize(bytes) as EchoReply;
