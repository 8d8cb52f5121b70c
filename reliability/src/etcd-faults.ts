// Support for the store-fault scenarios (etcd outage, compaction, restore): a direct
// EtcdStore on the stack's prefix (the "fresh read" a control plane's cache must
// equal), the control plane's /debug/objects document, continuous data-plane callers
// that count every call, and CAS writers whose acknowledged increments can be checked
// against the store afterwards (none lost, none twice).
import type { CrosswayObject } from '@crossway/model';
import { EtcdStore } from '@crossway/store';
import type { ControlPlaneReplica, ReliabilityStack } from './stack';
import { API_VERSION } from './stack';

/** One object as /debug/objects and a fresh read both describe it. */
export interface ObjectDigest {
  kind: string;
  namespace?: string;
  name: string;
  resourceVersion?: string;
}

export interface ObjectsDocument {
  revision: number;
  objects: ObjectDigest[];
}

/** An EtcdStore on the stack's etcd and key prefix; closed with the caller's cleanup. */
export function directStore(stack: ReliabilityStack): EtcdStore {
  return new EtcdStore({ endpoints: stack.etcd.endpoint, prefix: stack.prefix });
}

function keyOf(o: { kind: string; namespace?: string | undefined; name: string }): string {
  return `${o.kind}/${o.namespace ?? ''}/${o.name}`;
}

function sortDigest(objects: ObjectDigest[]): ObjectDigest[] {
  return objects.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
}

/** What the control plane's snapshots are built from (GET /debug/objects). */
export async function controlPlaneObjects(replica: ControlPlaneReplica): Promise<ObjectsDocument> {
  const response = await fetch(`${replica.adminUrl}/debug/objects`, {
    signal: AbortSignal.timeout(5000),
  });
  if (!response.ok) throw new Error(`/debug/objects answered ${response.status}`);
  const document = (await response.json()) as ObjectsDocument;
  return { revision: document.revision, objects: sortDigest(document.objects) };
}

/** Every object in the store now, as /debug/objects describes them. */
export async function freshObjects(store: EtcdStore): Promise<ObjectsDocument> {
  const { items, revision } = await store.list();
  return {
    revision,
    objects: sortDigest(
      items.map((o: CrosswayObject) => ({
        kind: o.kind,
        ...(o.metadata.namespace === undefined ? {} : { namespace: o.metadata.namespace }),
        name: o.metadata.name,
        ...(o.metadata.resourceVersion === undefined
          ? {}
          : { resourceVersion: o.metadata.resourceVersion }),
      })),
    ),
  };
}

/** Objects that differ between two digests (for a readable failure), at most `max`. */
export function digestDifferences(
  cache: readonly ObjectDigest[],
  fresh: readonly ObjectDigest[],
  max = 10,
): string[] {
  const a = new Map(cache.map((o) => [keyOf(o), o.resourceVersion]));
  const b = new Map(fresh.map((o) => [keyOf(o), o.resourceVersion]));
  const out: string[] = [];
  for (const [key, rv] of a) {
    if (!b.has(key)) out.push(`${key}: in the cache (rv ${rv}) but not in the store`);
    else if (b.get(key) !== rv) out.push(`${key}: cache rv ${rv}, store rv ${b.get(key)}`);
  }
  for (const [key, rv] of b) if (!a.has(key)) out.push(`${key}: in the store (rv ${rv}) only`);
  return out.slice(0, max);
}

/** A loop of proxyless calls that counts every call, failure and backend. */
export interface CallerTally {
  calls: number;
  failures: number;
  /** The first few failures, for the report. */
  failureDetails: string[];
  backends: Map<string, number>;
  /** When each backend was first seen (epoch ms). */
  firstSeen: Map<string, number>;
}

export interface CallLoop {
  /** Tallies since the last reset. */
  tally: CallerTally;
  /** Starts a fresh tally (a new phase), returning the previous one. */
  reset(): CallerTally;
  stop(): Promise<void>;
}

function emptyTally(): CallerTally {
  return { calls: 0, failures: 0, failureDetails: [], backends: new Map(), firstSeen: new Map() };
}

/** Calls `call` back to back (with `pauseMs` between) until stopped. */
export function callContinuously(
  call: () => Promise<{ ok: boolean; backend?: string; code?: number; details?: string }>,
  pauseMs = 5,
): CallLoop {
  let stopped = false;
  const loop: CallLoop = {
    tally: emptyTally(),
    reset() {
      const previous = loop.tally;
      loop.tally = emptyTally();
      return previous;
    },
    stop: async () => {
      stopped = true;
      await running;
    },
  };
  const running = (async () => {
    while (!stopped) {
      const result = await call();
      const tally = loop.tally;
      tally.calls += 1;
      if (!result.ok) {
        tally.failures += 1;
        if (tally.failureDetails.length < 5)
          tally.failureDetails.push(`code ${result.code}: ${result.details}`);
      } else if (result.backend !== undefined) {
        tally.backends.set(result.backend, (tally.backends.get(result.backend) ?? 0) + 1);
        if (!tally.firstSeen.has(result.backend)) tally.firstSeen.set(result.backend, Date.now());
      }
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  })();
  return loop;
}

/** Sums tallies of several loops. */
export function sumTallies(tallies: readonly CallerTally[]): {
  calls: number;
  failures: number;
  failureDetails: string[];
  backends: Record<string, number>;
} {
  const backends: Record<string, number> = {};
  for (const t of tallies) for (const [b, n] of t.backends) backends[b] = (backends[b] ?? 0) + n;
  return {
    calls: tallies.reduce((s, t) => s + t.calls, 0),
    failures: tallies.reduce((s, t) => s + t.failures, 0),
    failureDetails: tallies.flatMap((t) => t.failureDetails).slice(0, 5),
    backends,
  };
}

/** One answer of the API, as the writer saw it. */
export interface WriteAnswer {
  status: number;
  ms: number;
  contentType: string;
  /** The problem+json title and detail, for non-2xx answers. */
  problem?: string;
  at: number;
}

/** The annotation holding a counter Service's append-only list of increments. */
export const INCREMENTS = 'reliability.crossway.dev/increments';

function incrementsOf(object: { metadata?: { annotations?: Record<string, string> } }): number[] {
  const raw = object.metadata?.annotations?.[INCREMENTS] ?? '';
  return raw === '' ? [] : raw.split(',').map(Number);
}

/**
 * A writer that appends increments 1, 2, 3, ... to the annotation of its own Service
 * with compare-and-swap PUTs through the API. It keeps what the API acknowledged (2xx)
 * and what got no clear answer (5xx or a network error: the write may or may not have
 * been applied). After such an answer it writes on from the last acknowledged state:
 * if the unclear write was applied after all, the compare fails (409) and the writer
 * reads the object again, so an increment is never written on top of a guess.
 */
export class CasWriter {
  readonly acknowledged: number[] = [];
  readonly ambiguous: number[] = [];
  readonly answers: WriteAnswer[] = [];
  /** 409s: only expected after an ambiguous answer whose write was applied. */
  conflicts = 0;
  private next = 1;
  private current: Record<string, unknown> | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly apiUrl: string,
    private readonly token: string,
    readonly namespace: string,
    readonly name: string,
    private readonly pauseMs = 20,
  ) {}

  private get url(): string {
    return `${this.apiUrl}/api/v1/namespaces/${this.namespace}/services/${this.name}`;
  }

  /** Creates the counter Service (no increments yet). */
  async create(): Promise<void> {
    const body = {
      apiVersion: API_VERSION,
      kind: 'Service',
      metadata: { name: this.name, namespace: this.namespace, annotations: { [INCREMENTS]: '' } },
      spec: { ports: [{ name: 'grpc', port: 7000, protocol: 'grpc' }] },
    };
    const response = await fetch(`${this.apiUrl}/api/v1/namespaces/${this.namespace}/services`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 201) throw new Error(`create answered ${response.status}`);
    this.current = (await response.json()) as Record<string, unknown>;
  }

  start(): void {
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  /** The increments the store holds for this writer now. */
  async stored(): Promise<number[]> {
    const response = await fetch(this.url, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    if (response.status !== 200) throw new Error(`GET ${this.url} answered ${response.status}`);
    return incrementsOf(
      (await response.json()) as { metadata?: { annotations?: Record<string, string> } },
    );
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      if (this.current === undefined) await this.reread();
      else await this.writeNext(this.current);
      await new Promise((resolve) => setTimeout(resolve, this.pauseMs));
    }
  }

  private async reread(): Promise<void> {
    try {
      const response = await fetch(this.url, {
        headers: { authorization: `Bearer ${this.token}` },
        signal: AbortSignal.timeout(10_000),
      });
      if (response.status === 200)
        this.current = (await response.json()) as Record<string, unknown>;
      else await response.arrayBuffer();
    } catch {
      // The API or the store is away: read again on the next turn.
    }
  }

  private async writeNext(current: Record<string, unknown>): Promise<void> {
    const n = this.next++;
    const metadata = current['metadata'] as { annotations?: Record<string, string> };
    const increments = [...incrementsOf(current as { metadata?: typeof metadata }), n];
    const body = {
      ...current,
      metadata: {
        ...metadata,
        annotations: { ...metadata.annotations, [INCREMENTS]: increments.join(',') },
      },
    };
    delete (body as { status?: unknown }).status;
    const started = Date.now();
    let answer: WriteAnswer;
    let reply: Record<string, unknown> | undefined;
    try {
      const response = await fetch(this.url, {
        method: 'PUT',
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      answer = {
        status: response.status,
        ms: Date.now() - started,
        contentType: response.headers.get('content-type') ?? '',
        at: started,
      };
      const parsed = JSON.parse(text) as Record<string, unknown>;
      if (response.ok) reply = parsed;
      else answer.problem = `${String(parsed['title'])}: ${String(parsed['detail'])}`;
    } catch (error) {
      answer = { status: 0, ms: Date.now() - started, contentType: '', at: started };
      answer.problem = String(error);
    }
    this.answers.push(answer);
    if (reply !== undefined) {
      this.acknowledged.push(n);
      this.current = reply;
    } else if (answer.status === 409) {
      this.conflicts += 1;
      this.current = undefined;
    } else if (answer.status >= 400 && answer.status < 500) {
      // Refused for what it is: nothing was written. Read again to be safe.
      this.current = undefined;
    } else {
      // Keep `current`: the next PUT's compare tells whether this one was applied.
      this.ambiguous.push(n);
    }
  }
}

/** How a writer's acknowledged and ambiguous increments compare with what the store holds. */
export interface WriteAudit {
  acknowledged: number;
  /** Acknowledged but absent from the store. */
  lost: number[];
  /** Present more than once. */
  duplicated: number[];
  /** Present, never acknowledged and never answered ambiguously: must not exist. */
  phantom: number[];
  ambiguousAnswers: number;
  /** Ambiguous answers whose increment is in the store anyway (etcd applied it). */
  ambiguousApplied: number;
}

export function auditWrites(writer: CasWriter, stored: readonly number[]): WriteAudit {
  const counts = new Map<number, number>();
  for (const n of stored) counts.set(n, (counts.get(n) ?? 0) + 1);
  const acknowledged = new Set(writer.acknowledged);
  const ambiguous = new Set(writer.ambiguous);
  return {
    acknowledged: writer.acknowledged.length,
    lost: writer.acknowledged.filter((n) => !counts.has(n)),
    duplicated: [...counts].filter(([, c]) => c > 1).map(([n]) => n),
    phantom: [...counts.keys()].filter((n) => !acknowledged.has(n) && !ambiguous.has(n)),
    ambiguousAnswers: writer.ambiguous.length,
    ambiguousApplied: writer.ambiguous.filter((n) => counts.has(n)).length,
  };
}

/** Polls `url` every `intervalMs` and keeps what it answered (status and body). */
export function pollStatus(
  url: string,
  intervalMs = 500,
): { answers: { at: number; status: number; body: string }[]; stop(): Promise<void> } {
  const answers: { at: number; status: number; body: string }[] = [];
  let stopped = false;
  const running = (async () => {
    while (!stopped) {
      const at = Date.now();
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
        answers.push({ at, status: response.status, body: (await response.text()).slice(0, 300) });
      } catch (error) {
        answers.push({ at, status: 0, body: String(error).slice(0, 300) });
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    answers,
    stop: async () => {
      stopped = true;
      await running;
    },
  };
}
