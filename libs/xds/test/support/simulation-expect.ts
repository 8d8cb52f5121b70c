// Expectations on a simulated request, shared by the request-case runners: the
// listener, chain, virtual host and route Envoy picks, and what the client sees.
import { expect } from 'vitest';
import type { SimulationResult } from '../../src/index';

export interface ExpectedCluster {
  name: string;
  weight?: number;
  defined?: boolean;
}

export interface Expectation {
  listener?: string;
  filterChain?: string | number;
  virtualHost?: string;
  /** null: no route matched. */
  route?: string | null;
  type?: SimulationResult['action']['type'];
  clusters?: (string | ExpectedCluster)[];
  status?: number;
  location?: string;
  requestHeadersAdded?: Record<string, string>;
}

/** The HTTP status the client sees; undefined when the connection is refused. */
export function statusOf(result: SimulationResult): number | undefined {
  const { action } = result;
  if (action.type === 'forward')
    return action.clusters.every((c) => !c.defined) ? action.clusterNotFoundStatus : 200;
  if (
    action.type === 'no-listener' ||
    action.type === 'no-filter-chain' ||
    action.type === 'tls-handshake-failed'
  )
    return undefined;
  return action.status;
}

export function checkSimulation(result: SimulationResult, want: Expectation): void {
  if (want.listener !== undefined) expect(result.listener).toBe(want.listener);
  if (want.filterChain !== undefined) expect(result.filterChain).toBe(want.filterChain);
  if (want.virtualHost !== undefined) expect(result.virtualHost).toBe(want.virtualHost);
  if (want.route !== undefined) expect(result.route ?? null).toBe(want.route);
  if (want.type !== undefined) expect(result.action.type).toBe(want.type);
  if (want.status !== undefined) expect(statusOf(result)).toBe(want.status);
  if (want.clusters !== undefined) {
    // HTTP forwards and L4 tcp_proxy both name clusters.
    expect(['forward', 'tcp-proxy']).toContain(result.action.type);
    const got =
      result.action.type === 'forward' || result.action.type === 'tcp-proxy'
        ? result.action.clusters
        : [];
    expect(got).toEqual(
      want.clusters.map((c) =>
        typeof c === 'string'
          ? expect.objectContaining({ name: c })
          : expect.objectContaining({ ...c }),
      ),
    );
  }
  if (want.location !== undefined) {
    expect(result.action.type).toBe('redirect');
    if (result.action.type === 'redirect') expect(result.action.location).toBe(want.location);
  }
  if (want.requestHeadersAdded !== undefined) {
    const added = Object.fromEntries(
      (result.requestHeadersAdded ?? []).map((h) => [h.name, h.value]),
    );
    expect(added).toEqual(want.requestHeadersAdded);
  }
}
