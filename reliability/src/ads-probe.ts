// Raw ADS probes for the control-plane kill and replica scenarios: data planes that
// behave like Envoy across a control-plane restart (a new stream per process, the
// versions they hold sent again on reconnect, every response ACKed at once) and keep
// what each stream received, so a scenario can check the FIRST answer a restarted
// control plane gives: complete, equal to a fresh preview, and not a new version
// when nothing changed.
// - SotwProbe: state of the world, wildcard LDS and CDS (the types whose every
//   response must hold every resource).
// - DeltaProbe: incremental, wildcard; either fresh on each stream (it must get
//   everything again) or resuming with initial_resource_versions (it must get only
//   what differs: a resource sent again at the version it already holds is a
//   spurious push).
/* eslint-disable @nx/enforce-module-boundaries -- the controlplane's raw ADS test client and its type URLs: one wire-level client for unit and reliability tests */
import { TYPE_URLS } from '../../apps/controlplane/src/contracts';
import {
  connect,
  connectDelta,
  type DeltaClient,
  type DeltaResponse,
  type SotwClient,
  type SotwResponse,
  type TestNode,
} from '../../apps/controlplane/test/support/raw-ads-client';
/* eslint-enable @nx/enforce-module-boundaries */

export { TYPE_URLS };
export type { TestNode };

/** The SotW types whose every response carries every resource. */
export const COMPLETE_TYPES: readonly string[] = [TYPE_URLS.listeners, TYPE_URLS.clusters];

/** Streams live as long as the scenario; a deadline would end them on its own. */
const STREAM_DEADLINE_MS = 24 * 3600_000;

/** Resolves waiters whenever something arrives; each waiter checks its own condition. */
class Arrivals {
  private readonly waiters = new Set<() => void>();

  notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Resolves with `check()`'s first defined value; rejects naming `what` after `timeoutMs`. */
  until<T>(what: string, check: () => T | undefined, timeoutMs: number): Promise<T> {
    const now = check();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const waiter = (): void => {
        const value = check();
        if (value === undefined) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }
}

/** One SotW response as a probe received it. */
export interface ReceivedSotw {
  typeUrl: string;
  version: string;
  /** Resource names, sorted. */
  names: string[];
  /** Epoch ms of arrival. */
  at: number;
}

interface SotwSession {
  stream: SotwClient;
  openedAt: number;
  responses: ReceivedSotw[];
  closed: boolean;
}

/** A wildcard SotW data plane (LDS and CDS by default) that ACKs everything it gets. */
export class SotwProbe {
  /** The last response per type, across streams: what this data plane runs. */
  readonly held = new Map<string, ReceivedSotw>();
  private session: SotwSession | undefined;
  private readonly arrivals = new Arrivals();

  constructor(
    readonly node: TestNode,
    private readonly token: string,
    readonly types: readonly string[] = COMPLETE_TYPES,
  ) {}

  /** Opens a new stream to `port` (closing any previous one), sending the held versions. */
  open(port: number): void {
    this.closeSession();
    const stream = connect(port, this.node, this.token, STREAM_DEADLINE_MS);
    const session: SotwSession = { stream, openedAt: Date.now(), responses: [], closed: false };
    this.session = session;
    for (const typeUrl of this.types)
      stream.request(typeUrl, [], { versionInfo: this.held.get(typeUrl)?.version ?? '' });
    void this.read(session);
  }

  private async read(session: SotwSession): Promise<void> {
    let ended = false;
    void session.stream.status.then(() => (ended = true));
    while (!session.closed && !ended) {
      let response: SotwResponse;
      try {
        response = await session.stream.waitForResponse(undefined, 500);
      } catch {
        continue; // nothing within the interval: look again unless the stream ended
      }
      const received: ReceivedSotw = {
        typeUrl: response.typeUrl,
        version: response.versionInfo,
        names: [...response.names].sort(),
        at: Date.now(),
      };
      session.responses.push(received);
      this.held.set(response.typeUrl, received);
      if (!session.closed) session.stream.ack(response);
      this.arrivals.notify();
    }
  }

  /** The first response of `typeUrl` on the current stream. */
  firstResponse(typeUrl: string, timeoutMs: number): Promise<ReceivedSotw> {
    const session = this.session;
    if (session === undefined) throw new Error('probe not open');
    return this.arrivals.until(
      `${this.node.id}: a first ${typeUrl} response`,
      () => session.responses.find((r) => r.typeUrl === typeUrl),
      timeoutMs,
    );
  }

  /** Resolves once the held response of `typeUrl` has `version`. */
  holds(typeUrl: string, version: string, timeoutMs: number): Promise<ReceivedSotw> {
    return this.arrivals.until(
      `${this.node.id}: ${typeUrl} at version ${version}`,
      () => {
        const held = this.held.get(typeUrl);
        return held?.version === version ? held : undefined;
      },
      timeoutMs,
    );
  }

  /** Every response of the current stream (arrival order). */
  responses(): readonly ReceivedSotw[] {
    return this.session?.responses ?? [];
  }

  private closeSession(): void {
    const session = this.session;
    if (session === undefined) return;
    session.closed = true;
    void session.stream.close();
  }

  async close(): Promise<void> {
    const session = this.session;
    this.closeSession();
    await session?.stream.close();
  }
}

/** One Delta response as a probe received it. */
export interface ReceivedDelta {
  typeUrl: string;
  /** name -> version of the resources carried. */
  resources: Map<string, string>;
  removed: string[];
  /** Resources carried at the version the probe already held (spurious). */
  resentUnchanged: string[];
  at: number;
}

interface DeltaSession {
  stream: DeltaClient;
  openedAt: number;
  responses: ReceivedDelta[];
  closed: boolean;
}

/** A wildcard Delta data plane that ACKs everything it gets. */
export class DeltaProbe {
  /** type URL -> name -> version: what this data plane holds. */
  readonly state = new Map<string, Map<string, string>>();
  private session: DeltaSession | undefined;
  private readonly arrivals = new Arrivals();

  /**
   * `resume`: each new stream announces the held versions (initial_resource_versions)
   * as Envoy does; otherwise each stream starts empty and must get everything again.
   */
  constructor(
    readonly node: TestNode,
    private readonly token: string,
    readonly resume: boolean,
    readonly types: readonly string[] = COMPLETE_TYPES,
  ) {}

  open(port: number): void {
    this.closeSession();
    const stream = connectDelta(port, this.node, this.token, STREAM_DEADLINE_MS);
    const session: DeltaSession = { stream, openedAt: Date.now(), responses: [], closed: false };
    this.session = session;
    for (const typeUrl of this.types) {
      if (!this.resume) this.state.set(typeUrl, new Map());
      const held = this.state.get(typeUrl) ?? new Map<string, string>();
      this.state.set(typeUrl, held);
      stream.request(typeUrl, { subscribe: ['*'], initialVersions: Object.fromEntries(held) });
    }
    void this.read(session);
  }

  private async read(session: DeltaSession): Promise<void> {
    let ended = false;
    void session.stream.status.then(() => (ended = true));
    while (!session.closed && !ended) {
      let response: DeltaResponse;
      try {
        response = await session.stream.waitForResponse(undefined, 500);
      } catch {
        continue;
      }
      const held = this.state.get(response.typeUrl) ?? new Map<string, string>();
      this.state.set(response.typeUrl, held);
      const received: ReceivedDelta = {
        typeUrl: response.typeUrl,
        resources: new Map(response.resources.map((r) => [r.name, r.version])),
        removed: response.removed,
        resentUnchanged: response.resources
          .filter((r) => held.get(r.name) === r.version)
          .map((r) => r.name),
        at: Date.now(),
      };
      for (const r of response.resources) held.set(r.name, r.version);
      for (const name of response.removed) held.delete(name);
      session.responses.push(received);
      if (!session.closed) session.stream.ack(response);
      this.arrivals.notify();
    }
  }

  firstResponse(typeUrl: string, timeoutMs: number): Promise<ReceivedDelta> {
    const session = this.session;
    if (session === undefined) throw new Error('probe not open');
    return this.arrivals.until(
      `${this.node.id}: a first Delta ${typeUrl} response`,
      () => session.responses.find((r) => r.typeUrl === typeUrl),
      timeoutMs,
    );
  }

  /** Resolves once the held resources of `typeUrl` are exactly `expected` (name -> version). */
  holds(typeUrl: string, expected: ReadonlyMap<string, string>, timeoutMs: number): Promise<true> {
    return this.arrivals.until(
      `${this.node.id}: Delta ${typeUrl} to hold ${expected.size} resources`,
      () => (sameVersions(this.state.get(typeUrl), expected) ? true : undefined),
      timeoutMs,
    );
  }

  responses(): readonly ReceivedDelta[] {
    return this.session?.responses ?? [];
  }

  private closeSession(): void {
    const session = this.session;
    if (session === undefined) return;
    session.closed = true;
    void session.stream.close();
  }

  async close(): Promise<void> {
    const session = this.session;
    this.closeSession();
    await session?.stream.close();
  }
}

export function sameVersions(
  a: ReadonlyMap<string, string> | undefined,
  b: ReadonlyMap<string, string>,
): boolean {
  if (a === undefined || a.size !== b.size) return false;
  for (const [name, version] of b) if (a.get(name) !== version) return false;
  return true;
}

/** Names in `expected` missing from `actual` and names in `actual` not expected (for failures). */
export function nameDifferences(
  actual: readonly string[],
  expected: readonly string[],
  max = 5,
): { missing: string[]; unexpected: string[] } {
  const a = new Set(actual);
  const e = new Set(expected);
  return {
    missing: expected.filter((n) => !a.has(n)).slice(0, max),
    unexpected: actual.filter((n) => !e.has(n)).slice(0, max),
  };
}
