// Data planes for the console's tests: real SotW ADS streams (the control plane's raw
// test client) with data-plane tokens issued through the API. A proxy ACKs every
// response, except the types it is told to NACK, which it rejects with an error as
// Envoy would. The control plane records both in GET /api/v1/proxies.
/* eslint-disable @nx/enforce-module-boundaries -- a real ADS client from the control
   plane's test support; the console only reads what the control plane recorded */
import { TYPE_URLS } from '@crossway/controlplane';
import {
  connect,
  type SotwClient,
  type SotwResponse,
} from '../../../controlplane/test/support/raw-ads-client';
/* eslint-enable @nx/enforce-module-boundaries */
import type { ConsoleStack } from './stack';

export interface TestDataPlane {
  id: string;
  /** Responses answered so far (ACKed or NACKed). */
  answered: number;
  close(): Promise<void>;
}

export interface DataPlaneSpec {
  id: string;
  role: 'edge' | 'sidecar' | 'proxyless';
  /** "namespace/name" of the Gateway (edge) or Service (sidecar). */
  target: string;
  /** Reject these types (keys of TYPE_URLS) with `error`. */
  nack?: { types: (keyof typeof TYPE_URLS)[]; error: string };
}

/** Connects a data plane to the stack's control plane and keeps it answering pushes. */
export async function connectDataPlane(
  stack: ConsoleStack,
  spec: DataPlaneSpec,
): Promise<TestDataPlane> {
  if (stack.xdsPort === undefined) throw new Error('start the stack with controlPlane: true');
  const targetKey = spec.role === 'edge' ? 'gateway' : 'service';
  const { token } = await stack.client().createToken({
    type: 'dataplane',
    role: spec.role,
    [targetKey]: spec.target,
    ttl: '1h',
  });
  const client: SotwClient = connect(
    stack.xdsPort,
    { id: spec.id, metadata: { role: spec.role, [targetKey]: spec.target } },
    token,
    3_600_000,
  );
  const rejected = new Set<string>((spec.nack?.types ?? []).map((t) => TYPE_URLS[t]));
  const state: TestDataPlane = {
    id: spec.id,
    answered: 0,
    close: async () => {
      closed = true;
      await client.close();
    },
  };
  let closed = false;
  const accepted = new Map<string, string>();
  const answer = (response: SotwResponse) => {
    if (rejected.has(response.typeUrl)) {
      client.nack(response, spec.nack!.error, accepted.get(response.typeUrl) ?? '');
    } else {
      accepted.set(response.typeUrl, response.versionInfo);
      client.ack(response);
    }
    state.answered++;
  };
  const loop = async () => {
    while (!closed) {
      const response = await client.waitForResponse(undefined, 3_600_000).catch(() => undefined);
      if (response === undefined || closed) return;
      answer(response);
    }
  };
  client.request(TYPE_URLS.clusters);
  client.request(TYPE_URLS.listeners);
  void loop();
  return state;
}

/** Waits until `check` holds (polling), or throws naming `what`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
