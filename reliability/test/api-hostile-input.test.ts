// Hostile input to the REST API, against a real API process on a real etcd:
// 1. fast-check fuzzing of every body endpoint (object create/replace/merge-patch of
//    every kind, Mesh, apply as JSON, YAML and dry run, tokens, CSRs, CA rotation,
//    sync status, explain): every generated body is refused with a contract 4xx
//    problem (a 422 names a field), the process lives, the store revision never
//    moves, and the process RSS grows by less than 50 MB over the whole run;
// 2. a body whose Content-Length (or chunked stream) is over the limit is refused with
//    413 before it is sent whole, and the socket closed;
// 3. slow clients (headers or body a trickle at a time) are cut off near the
//    configured CROSSWAY_API_HEADERS_TIMEOUT_MS / CROSSWAY_API_REQUEST_TIMEOUT_MS
//    while normal requests keep being served.
// The fuzzing seed is logged at the start and in the figures: RELIABILITY_FUZZ_SEED=<seed>
// replays a run (fast-check also prints the shrunk failing body).
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { webcrypto } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KIND_DESCRIPTORS, descriptorOf, type AnyKindDescriptor } from '@crossway/model';
import { ROOT, ReliabilityStack, API_VERSION, type ApiReplica } from '../src/stack';
import { reportFigures } from '../src/report';
import { reliabilitySettings } from '../src/settings';
import {
  JSON_TYPE,
  YAML_TYPE,
  applyAccepted,
  arbitraryJsonBody,
  csrAccepted,
  csrOf,
  garble,
  garbleArb,
  hostileBody,
  mutate,
  mutationArb,
  objectAccepted,
  patchAccepted,
  randomBytesBody,
  rotationAccepted,
  syncAccepted,
  tokenAccepted,
  wrongTypeBody,
  yamlDocuments,
  type FuzzBody,
  type Json,
} from '../src/fuzz-bodies';
import { rawClient, refusalProblem, type RawRequest } from '../src/fuzz-http';

x509.cryptoProvider.set(webcrypto);

const SCENARIO = 'api-hostile-input';
const CONCURRENCY = 16;
const BODIES = reliabilitySettings.fuzzBodiesPerEndpoint;
const SEED = process.env['RELIABILITY_FUZZ_SEED']
  ? Number(process.env['RELIABILITY_FUZZ_SEED'])
  : Math.floor(Math.random() * 2 ** 31);
/** The slow-client replica's limits: short, so the test waits seconds, not minutes. */
const REQUEST_TIMEOUT_MS = 2_000;
const HEADERS_TIMEOUT_MS = 1_500;

type JsonObject = { [key: string]: Json };

let stack: ReliabilityStack;
let fuzzApi: ApiReplica;
let slowApi: ApiReplica;
/** Every seeded object as stored (read back through the API), by "kind/ns/name". */
const stored = new Map<string, JsonObject>();
let dataPlaneToken: string;
let csrPem: string;
/** The CSR's public key as an uncompressed EC point (0x04 || X || Y). */
let csrPublicKey: Buffer;

/** etcd's own revision, read over its JSON gateway: any write anywhere moves it. */
async function etcdRevision(): Promise<string> {
  const answer = await fetch(`${stack.etcd.endpoint}/v3/kv/range`, {
    method: 'POST',
    body: JSON.stringify({ key: Buffer.from(stack.prefix).toString('base64') }),
  });
  const body = (await answer.json()) as { header: { revision: string } };
  return body.header.revision;
}

function seedObjects(): JsonObject[] {
  const text = readFileSync(join(ROOT, 'examples', 'shop.yaml'), 'utf8');
  const shop = parseAllDocuments(text).map((d) => d.toJS() as JsonObject);
  const l4 = (kind: string, name: string): JsonObject => ({
    apiVersion: API_VERSION,
    kind,
    metadata: { name, namespace: 'shop', labels: { team: 'web' } },
    spec: {
      parentRefs: [{ kind: 'Gateway', name: 'public', namespace: 'edge' }],
      ...(kind === 'TLSRoute' ? { hostnames: ['tls.shop.example.com'] } : {}),
      rules: [{ backendRefs: [{ name: 'catalog', port: 8080 }] }],
    },
  });
  return [...shop, l4('TCPRoute', 'raw-catalog'), l4('TLSRoute', 'tls-catalog')];
}

/** What a client would send back: the stored object without status and server-owned metadata. */
function writable(object: JsonObject): JsonObject {
  const metadata = { ...(object['metadata'] as JsonObject) };
  for (const key of ['uid', 'resourceVersion', 'generation', 'creationTimestamp'])
    delete metadata[key];
  return {
    apiVersion: object['apiVersion'] ?? API_VERSION,
    kind: object['kind'] ?? null,
    metadata,
    spec: object['spec'] ?? null,
  };
}

function storedOf(kind: string): JsonObject[] {
  return [...stored.values()].filter((o) => o['kind'] === kind);
}

function meta(object: JsonObject): { name: string; namespace?: string } {
  return object['metadata'] as { name: string; namespace?: string };
}

function pathOf(descriptor: AnyKindDescriptor, namespace: string | undefined, name?: string) {
  const base =
    descriptor.scope === 'Cluster'
      ? `/api/v1/${descriptor.plural}`
      : `/api/v1/namespaces/${namespace ?? 'default'}/${descriptor.plural}`;
  return name === undefined ? base : `${base}/${name}`;
}

interface FuzzCase {
  request: RawRequest;
  body: FuzzBody;
}

interface Endpoint {
  name: string;
  arbitrary: fc.Arbitrary<FuzzCase>;
  /** explain is not a write: a valid question gets its 200. */
  successAllowed?: boolean;
  /** An oracle that needs async work (CSR signatures): accepted cases are not sent. */
  acceptedAsync?: (c: FuzzCase) => Promise<boolean>;
}

/** Counts the generated bodies an oracle threw away as accidentally valid. */
const discarded = new Map<string, number>();

function honest(
  name: string,
  arbitrary: fc.Arbitrary<FuzzCase>,
  accepted: (c: FuzzCase) => boolean,
): fc.Arbitrary<FuzzCase> {
  return arbitrary.filter((c) => {
    if (!accepted(c)) return true;
    discarded.set(name, (discarded.get(name) ?? 0) + 1);
    return false;
  });
}

function withBody(
  method: string,
  path: string,
  body: FuzzBody,
  token = stack.adminToken,
): FuzzCase {
  return {
    request: { method, path, token, contentType: body.contentType, body: body.payload },
    body,
  };
}

/** POST to every namespaced kind's collection: new objects of every kind, mutated. */
function createEndpoint(): Endpoint {
  const kinds = KIND_DESCRIPTORS.filter((d) => d.scope === 'Namespaced');
  const perKind = kinds.map((descriptor) => {
    const bases = storedOf(descriptor.kind).map((o) => {
      const base = writable(o);
      (base['metadata'] as JsonObject)['name'] = `fuzz-${meta(o).name}`.slice(0, 63);
      return base;
    });
    return fc
      .tuple(
        hostileBody(bases),
        fc.constantFrom(...bases.map((b) => meta(b).namespace ?? 'default')),
      )
      .map(([body, namespace]) => withBody('POST', pathOf(descriptor, namespace), body));
  });
  const arbitrary = fc.oneof(...perKind);
  return {
    name: 'POST /api/v1/namespaces/{ns}/{plural}',
    arbitrary: honest('create', arbitrary, (c) => {
      const [, , , , namespace, plural] = c.request.path.split('/');
      const descriptor = KIND_DESCRIPTORS.find((d) => d.plural === plural);
      return (
        descriptor !== undefined &&
        objectAccepted(c.body, { descriptor, ...(namespace ? { namespace } : {}) })
      );
    }),
  };
}

/** The stored objects PUT and PATCH target (Mesh separately). */
function targets(cluster: boolean): JsonObject[] {
  return [...stored.values()].filter((o) => (o['kind'] === 'Mesh') === cluster);
}

function placeOf(object: JsonObject) {
  const descriptor = descriptorOf(String(object['kind']));
  if (descriptor === undefined) throw new Error(`unknown kind ${String(object['kind'])}`);
  const { name, namespace } = meta(object);
  return { descriptor, name, ...(namespace === undefined ? {} : { namespace }) };
}

function replaceEndpoint(name: string, objects: JsonObject[]): Endpoint {
  const arbitrary = fc.constantFrom(...objects).chain((object) => {
    const place = placeOf(object);
    return hostileBody([writable(object), object]).map((body) =>
      withBody('PUT', pathOf(place.descriptor, place.namespace, place.name), body),
    );
  });
  return {
    name,
    arbitrary: honest(name, arbitrary, (c) => {
      const object = objects.find(
        (o) => pathOf(placeOf(o).descriptor, meta(o).namespace, meta(o).name) === c.request.path,
      );
      return object !== undefined && objectAccepted(c.body, placeOf(object));
    }),
  };
}

/** Merge patches: the whole object, its spec or its metadata, mutated; as JSON or merge-patch JSON. */
function patchEndpoint(name: string, objects: JsonObject[]): Endpoint {
  const arbitrary = fc
    .tuple(fc.constantFrom(...objects), fc.constantFrom(JSON_TYPE, 'application/merge-patch+json'))
    .chain(([object, type]) => {
      const place = placeOf(object);
      const whole = writable(object);
      const bases: Json[] = [
        whole,
        { spec: whole['spec'] ?? null },
        { metadata: { labels: { team: 'x' } } },
      ];
      return hostileBody(bases, { yaml: false }).map((body) => {
        const typed = body.contentType === JSON_TYPE ? { ...body, contentType: type } : body;
        return withBody('PATCH', pathOf(place.descriptor, place.namespace, place.name), typed);
      });
    });
  return {
    name,
    arbitrary: honest(name, arbitrary, (c) => {
      const object = objects.find(
        (o) => pathOf(placeOf(o).descriptor, meta(o).namespace, meta(o).name) === c.request.path,
      );
      return object !== undefined && patchAccepted(c.body, placeOf(object), object);
    }),
  };
}

/** A set for apply: valid and mutated objects, as a JSON list, {items}, or YAML documents. */
function applyBody(): fc.Arbitrary<FuzzBody> {
  const valid = [...stored.values()].map(writable);
  const item = fc.oneof(
    { arbitrary: fc.constantFrom(...valid), weight: 1 },
    {
      arbitrary: fc
        .tuple(fc.constantFrom(...valid), fc.array(mutationArb, { minLength: 1, maxLength: 3 }))
        .map(([base, ms]) => ms.reduce<Json>((v, m) => mutate(v, m), base)),
      weight: 3,
    },
  );
  const set = fc
    .tuple(
      fc.array(item, { minLength: 1, maxLength: 4 }),
      fc.constantFrom('list', 'items', 'yaml'),
      fc.oneof({ arbitrary: fc.constant(null), weight: 5 }, { arbitrary: garbleArb, weight: 1 }),
    )
    .map(([items, form, garbling]): FuzzBody => {
      const text =
        form === 'yaml'
          ? yamlDocuments(items)
          : JSON.stringify(form === 'list' ? items : { items });
      const contentType = form === 'yaml' ? YAML_TYPE : JSON_TYPE;
      return garbling === null
        ? { contentType, payload: text, source: `apply-${form}` }
        : { contentType, payload: garble(text, garbling), source: `apply-${form}-garbled` };
    });
  return fc.oneof(
    { arbitrary: set, weight: 10 },
    { arbitrary: arbitraryJsonBody, weight: 2 },
    { arbitrary: randomBytesBody, weight: 1 },
    { arbitrary: wrongTypeBody([valid]), weight: 1 },
  );
}

function applyEndpoint(name: string, path: string, only?: 'json' | 'yaml'): Endpoint {
  const bodies = applyBody().filter(
    (b) =>
      only === undefined ||
      (only === 'yaml' ? b.contentType === YAML_TYPE : b.contentType !== YAML_TYPE),
  );
  return {
    name,
    arbitrary: honest(
      name,
      bodies.map((b) => withBody('POST', path, b)),
      (c) => applyAccepted(c.body),
    ),
  };
}

function simpleEndpoint(
  name: string,
  method: string,
  path: string,
  bases: Json[],
  accepted: (body: FuzzBody) => boolean,
  options: { token?: string; successAllowed?: boolean } = {},
): Endpoint {
  return {
    name,
    arbitrary: honest(
      name,
      hostileBody(bases).map((b) => withBody(method, path, b, options.token)),
      (c) => accepted(c.body),
    ),
    ...(options.successAllowed ? { successAllowed: true } : {}),
  };
}

/**
 * CSRs with one byte flipped where the change certainly breaks them: inside the public
 * key point (then off the curve, or another key the signature was not made with) or in
 * the low bytes of the signature value. (A flip elsewhere may leave an equivalent
 * encoding, e.g. an INTEGER's sign byte, that still verifies: not a fuzz case.)
 */
function brokenCsrBody(): fc.Arbitrary<FuzzBody> {
  const der = Buffer.from(csrPem.replace(/-----[^-]+-----|\s+/g, ''), 'base64');
  const keyAt = der.indexOf(csrPublicKey);
  if (keyAt < 0) throw new Error('the CSR does not hold its raw public key');
  const positions = [
    ...Array.from({ length: 64 }, (_, i) => keyAt + 1 + i),
    ...Array.from({ length: 16 }, (_, i) => der.length - 1 - i),
  ];
  return fc
    .tuple(fc.constantFrom(...positions), fc.integer({ min: 1, max: 255 }))
    .map(([at, xor]) => {
      const copy = Buffer.from(der);
      copy[at] = (copy[at] ?? 0) ^ xor;
      const pem = x509.PemConverter.encode(copy, 'CERTIFICATE REQUEST');
      return {
        contentType: JSON_TYPE,
        payload: JSON.stringify({ csr: pem }),
        source: 'csr-flipped',
      };
    });
}

/**
 * Would the API sign this body's CSR? Asks the library the API uses the same way it
 * does, since it tolerates some encodings (a changed PEM label, INTEGER padding) that
 * a byte-level oracle cannot predict.
 */
async function csrVerifies(body: FuzzBody): Promise<boolean> {
  const csr = csrOf(body);
  if (csr === undefined || csr.trim() === '' || csr.length > 16_384) return false;
  try {
    return await new x509.Pkcs10CertificateRequest(csr).verify();
  } catch {
    return false;
  }
}

/** A valid sync status of owner fuzz-owner (seeded, and the base the fuzzer mutates). */
function syncBaseStatus(): JsonObject {
  const now = new Date().toISOString();
  return {
    owner: 'fuzz-owner',
    repo: 'https://git.example.com/platform/policies.git',
    branch: 'main',
    path: 'policies',
    instance: 'sync-1',
    phase: 'Drifted',
    headCommit: 'a1b2c3d',
    appliedCommit: 'a1b2c3d',
    lastAttemptAt: now,
    lastSyncedAt: now,
    consecutiveFailures: 0,
    result: { created: 1, configured: 2, unchanged: 3, pruned: 0 },
    error: { reason: 'ApplyFailed', message: 'boom', at: now },
    drift: {
      detectedAt: now,
      repaired: false,
      objects: [{ kind: 'Service', namespace: 'shop', name: 'frontend', change: 'modified' }],
    },
  };
}

function endpoints(): Endpoint[] {
  const mesh = targets(true);
  const objects = targets(false);
  const csrCore = csrPem.replace(/-----[^-]+-----|\s+/g, '');
  const syncBase = syncBaseStatus();
  const csrEndpoint = simpleEndpoint(
    'POST /api/v1/certificates',
    'POST',
    '/api/v1/certificates',
    [{ csr: csrPem }],
    (b) => csrAccepted(b, csrCore),
    { token: dataPlaneToken },
  );
  return [
    createEndpoint(),
    replaceEndpoint('PUT /api/v1/namespaces/{ns}/{plural}/{name}', objects),
    patchEndpoint('PATCH /api/v1/namespaces/{ns}/{plural}/{name}', objects),
    replaceEndpoint('PUT /api/v1/meshes/default', mesh),
    patchEndpoint('PATCH /api/v1/meshes/default', mesh),
    applyEndpoint('POST /api/v1/apply (JSON)', '/api/v1/apply', 'json'),
    applyEndpoint('POST /api/v1/apply (YAML)', '/api/v1/apply', 'yaml'),
    applyEndpoint('POST /api/v1/apply?dryRun=true', '/api/v1/apply?dryRun=true'),
    simpleEndpoint(
      'POST /api/v1/tokens',
      'POST',
      '/api/v1/tokens',
      [
        { type: 'api', role: 'viewer', ttl: '1h' },
        { type: 'api', role: 'editor', namespaces: ['shop', 'payments'], ttl: '24h' },
        { type: 'dataplane', role: 'proxyless', service: 'shop/checkout', ttl: '1h' },
        { type: 'dataplane', role: 'edge', gateway: 'edge/public', ttl: '30m' },
      ],
      tokenAccepted,
    ),
    {
      ...csrEndpoint,
      acceptedAsync: (c) => csrVerifies(c.body),
      arbitrary: fc.oneof(
        { arbitrary: csrEndpoint.arbitrary, weight: 3 },
        {
          arbitrary: brokenCsrBody().map((b) =>
            withBody('POST', '/api/v1/certificates', b, dataPlaneToken),
          ),
          weight: 2,
        },
      ),
    },
    simpleEndpoint(
      'POST /api/v1/certificate-authority/rotate',
      'POST',
      '/api/v1/certificate-authority/rotate',
      [{ overlap: '48h' }, { overlap: '1m' }],
      rotationAccepted,
    ),
    simpleEndpoint(
      'PUT /api/v1/syncs/{owner}',
      'PUT',
      '/api/v1/syncs/fuzz-owner',
      [syncBase],
      syncAccepted,
    ),
    simpleEndpoint(
      'POST /api/v1/explain',
      'POST',
      '/api/v1/explain',
      [
        {
          gateway: 'edge/public',
          port: 8080,
          host: 'shop.example.com',
          path: '/api/cart',
          method: 'GET',
          headers: { 'x-canary': '1' },
        },
        { source: 'shop/frontend', host: 'catalog.shop', port: 8080, path: '/', role: 'sidecar' },
      ],
      () => false,
      { successAllowed: true },
    ),
  ];
}

function describeCase(c: FuzzCase, answer?: { status: number; text: string }): string {
  const payload = Buffer.from(c.request.body ?? '');
  const shown =
    payload.length > 600
      ? `${payload.subarray(0, 600).toString()}... (${payload.length} bytes)`
      : payload.toString();
  return `${c.request.method} ${c.request.path} [${c.body.source}] content-type=${String(c.request.contentType)} body=${shown}${
    answer ? ` -> ${answer.status} ${answer.text.slice(0, 600)}` : ''
  }`;
}

beforeAll(async () => {
  stack = await ReliabilityStack.start({ name: SCENARIO });
  // Request logs of 140,000 refusals would cost more CPU than the requests.
  fuzzApi = await stack.startApi({ LOG_LEVEL: 'warn' });
  slowApi = await stack.startApi({
    LOG_LEVEL: 'warn',
    CROSSWAY_API_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    CROSSWAY_API_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
  });
  const client = stack.client();
  await client.apply(seedObjects());
  for (const descriptor of KIND_DESCRIPTORS) {
    const items = await client.listAll(descriptor.kind, { allNamespaces: true });
    for (const item of items as unknown as JsonObject[])
      stored.set(`${descriptor.kind}/${meta(item).namespace ?? ''}/${meta(item).name}`, item);
  }
  dataPlaneToken = await stack.proxylessToken('shop/checkout');
  await client.putSync(syncBaseStatus() as never);
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ]);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'CN=fuzz',
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
  });
  csrPem = csr.toString('pem');
  csrPublicKey = Buffer.from(await webcrypto.subtle.exportKey('raw', keys.publicKey));
  stack.log.info(
    { seed: SEED, bodies: BODIES, objects: stored.size },
    'fuzzing seed (RELIABILITY_FUZZ_SEED)',
  );
});

afterAll(async () => {
  await stack?.close();
});

/**
 * Samples the API process's RSS (MB) until stopped. RSS swings by tens of MB with the
 * garbage collector's cycle under this load, so growth is judged on floors: the lowest
 * sample of the first quarter of the run against the lowest of the last quarter (and
 * the quiet after it). Retained memory raises the floor; uncollected garbage does not.
 */
function rssSampler(api: ApiReplica, everyMs = 250) {
  const samples: number[] = [api.child.rssMb()];
  const take = () => {
    if (api.child.running) samples.push(api.child.rssMb());
  };
  const timer = setInterval(take, everyMs);
  const floor = (from: number, to: number) =>
    Math.min(...samples.slice(from, Math.max(to, from + 1)));
  return {
    take,
    peak: () => Math.max(...samples),
    startFloor: () => floor(0, Math.ceil(samples.length / 4)),
    endFloor: () => floor(Math.floor((samples.length * 3) / 4), samples.length),
    stop: () => clearInterval(timer),
  };
}

interface EndpointRun {
  sent: number;
  ms: number;
  statuses: Record<string, number>;
}

/** Runs `count` bodies of `endpoint` through fc.assert, CONCURRENCY at a time. */
async function fuzz(
  endpoint: Endpoint,
  count: number,
  send: ReturnType<typeof rawClient>['send'],
  seed: number,
): Promise<EndpointRun> {
  const statuses: Record<string, number> = {};
  let sent = 0;
  const started = Date.now();
  const batch = fc.array(endpoint.arbitrary, { minLength: CONCURRENCY, maxLength: CONCURRENCY });
  const property = fc.asyncProperty(batch, async (generated) => {
    let cases = generated;
    const acceptedAsync = endpoint.acceptedAsync;
    if (acceptedAsync !== undefined) {
      const accepted = await Promise.all(cases.map((c) => acceptedAsync(c)));
      cases = cases.filter((_, i) => !accepted[i]);
      const skipped = generated.length - cases.length;
      if (skipped > 0) discarded.set(endpoint.name, (discarded.get(endpoint.name) ?? 0) + skipped);
    }
    const answers = await Promise.all(
      cases.map(async (c) => {
        try {
          return await send(c.request);
        } catch (error) {
          // A dropped connection or a hang is a failure like a 5xx.
          return { status: 0, contentType: '', text: String(error) };
        }
      }),
    );
    sent += cases.length;
    answers.forEach((answer, i) => {
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      const problem = refusalProblem(answer, endpoint.successAllowed);
      const c = cases[i];
      if (problem !== undefined && c !== undefined)
        throw new Error(`${problem}: ${describeCase(c, answer)}`);
    });
  });
  // Cases an async oracle held back are made up in further rounds (new seeds).
  for (let round = 0; sent < count; round++) {
    await fc.assert(property, {
      numRuns: Math.ceil((count - sent) / CONCURRENCY),
      seed: seed + round * 1_000,
      verbose: 0,
    });
  }
  return { sent, ms: Date.now() - started, statuses };
}

describe('hostile input to the REST API', () => {
  it(`refuses ${BODIES} fuzzed bodies per body endpoint with a 4xx problem and writes nothing`, async () => {
    const { send, close } = rawClient(fuzzApi.url, CONCURRENCY);
    try {
      const list = endpoints();
      // Warm up (JIT, zod schema compilation, connection pool) before the RSS baseline.
      for (const endpoint of list) await fuzz(endpoint, 160, send, SEED);
      const revision = await etcdRevision();
      const sampler = rssSampler(fuzzApi);
      const runs: Record<string, EndpointRun> = {};
      let totalSent = 0;
      let totalMs = 0;
      try {
        for (const [index, endpoint] of list.entries()) {
          const run = await fuzz(endpoint, BODIES, send, SEED + index);
          runs[endpoint.name] = run;
          totalSent += run.sent;
          totalMs += run.ms;
          stack.log.info(
            {
              endpoint: endpoint.name,
              sent: run.sent,
              perSecond: Math.round((run.sent / run.ms) * 1000),
              statuses: run.statuses,
              discarded: discarded.get(endpoint.name) ?? 0,
              rssMb: Math.round(fuzzApi.child.rssMb()),
            },
            'endpoint fuzzed',
          );
          expect(run.sent, endpoint.name).toBeGreaterThanOrEqual(BODIES);
          expect(fuzzApi.child.running, `API alive after ${endpoint.name}`).toBe(true);
          expect(await etcdRevision(), `store revision after ${endpoint.name}`).toBe(revision);
        }
      } finally {
        sampler.stop();
      }
      // Two seconds of quiet count towards the end floor (a leak stays, garbage goes).
      for (let i = 0; i < 10; i++) {
        await sleep(200);
        sampler.take();
      }
      const rssStart = sampler.startFloor();
      const rssEnd = sampler.endFloor();
      const ready = await fetch(`${fuzzApi.url}/readyz`);
      expect(ready.status).toBe(200);
      const statuses: Record<string, number> = {};
      for (const run of Object.values(runs))
        for (const [status, n] of Object.entries(run.statuses))
          statuses[status] = (statuses[status] ?? 0) + n;
      reportFigures(SCENARIO, {
        fuzzSeed: SEED,
        fuzzBodiesPerEndpoint: BODIES,
        fuzzEndpoints: list.length,
        fuzzRequests: totalSent,
        fuzzRequestsPerSecond: Math.round((totalSent / totalMs) * 1000),
        fuzzSeconds: Math.round(totalMs / 1000),
        fuzz5xx: Object.entries(statuses)
          .filter(([status]) => Number(status) >= 500 || Number(status) === 0)
          .reduce((sum, [, n]) => sum + n, 0),
        fuzzDiscardedAsValid: [...discarded.values()].reduce((a, b) => a + b, 0),
        apiRssStartFloorMb: Math.round(rssStart),
        apiRssPeakMb: Math.round(sampler.peak()),
        apiRssEndFloorMb: Math.round(rssEnd),
        fuzzStatuses: JSON.stringify(statuses),
      });
      expect(rssEnd - rssStart, 'API RSS floor growth over the fuzzing run (MB)').toBeLessThan(50);
    } finally {
      close();
    }
  });

  it('refuses an oversize body with 413 before it is sent whole, and closes the socket', async () => {
    const rssBefore = slowApi.child.rssMb();
    // Content-Length announces 64 MB; only headers and 64 KB are sent.
    const announced = 64 * 1024 * 1024;
    const declared = await rawExchange(slowApi, async (socket, answered) => {
      socket.write(
        requestHead('POST', '/api/v1/namespaces/shop/services', {
          'content-type': 'application/json',
          'content-length': String(announced),
        }),
      );
      socket.write('{"kind":"Service","metadata":{"name":"big"},"spec":' + ' '.repeat(64 * 1024));
      await answered;
    });
    expect(declared.head).toMatch(/^HTTP\/1\.1 413 /);
    expect(declared.head.toLowerCase()).toContain('connection: close');
    expect(declared.closed, 'the server closes the socket after the 413').toBe(true);

    // A chunked body that never says how long it is: cut once it passes the limit.
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const planned = 64 * 1024 * 1024;
    const chunked = await rawExchange(slowApi, async (socket, answered) => {
      let done = false;
      void answered.then(() => (done = true));
      socket.write(
        requestHead('POST', '/api/v1/apply', {
          'content-type': 'application/json',
          'transfer-encoding': 'chunked',
        }),
      );
      socket.write(`${chunk.length.toString(16)}\r\n[`);
      socket.write(chunk.subarray(1));
      socket.write('\r\n');
      let sent = chunk.length;
      while (!done && sent < planned && !socket.destroyed) {
        // Waits for the kernel to take each chunk, so "sent" is what the server could read.
        const ok = socket.write(`${chunk.length.toString(16)}\r\n`) && socket.write(chunk);
        socket.write('\r\n');
        if (!ok) await Promise.race([new Promise((r) => socket.once('drain', r)), answered]);
        sent += chunk.length;
      }
      return sent;
    });
    expect(chunked.head).toMatch(/^HTTP\/1\.1 413 /);
    expect(chunked.closed).toBe(true);
    const chunkedSent = chunked.result ?? planned;
    expect(chunkedSent, 'bytes sent before the 413').toBeLessThan(planned);
    const rssAfter = slowApi.child.rssMb();
    reportFigures(SCENARIO, {
      oversizeDeclaredAnswerMs: declared.answerMs,
      oversizeChunkedAnswerMs: chunked.answerMs,
      oversizeChunkedBytesSentMb: Math.round(chunkedSent / 1024 / 1024),
      oversizeRssGrowthMb: Math.round(rssAfter - rssBefore),
    });
    // 64 MB announced and up to the 4 MiB limit buffered: far less than the body size.
    expect(rssAfter - rssBefore, 'RSS growth (MB)').toBeLessThan(32);
    expect((await fetch(`${slowApi.url}/readyz`)).status).toBe(200);
  });

  it('cuts off slow clients near the configured timeouts while serving others', async () => {
    const normal = keepServing(slowApi);
    try {
      // Slowloris: the request line, then one header byte every 100 ms, never ending.
      const slowHeaders = rawExchange(slowApi, async (socket, answered) => {
        socket.write('GET /readyz HTTP/1.1\r\nHost: x\r\nX-Slow: ');
        while (!socket.destroyed && !(await settledWithin(answered, 100))) socket.write('a');
      });
      // A body trickled a byte every 100 ms after complete headers.
      const slowBody = rawExchange(slowApi, async (socket, answered) => {
        socket.write(
          requestHead('POST', '/api/v1/namespaces/shop/services', {
            'content-type': 'application/json',
            'content-length': '100000',
          }),
        );
        while (!socket.destroyed && !(await settledWithin(answered, 100))) socket.write(' ');
      });
      const [headers, body] = await Promise.all([slowHeaders, slowBody]);
      for (const [what, exchange, limit] of [
        ['slow headers', headers, HEADERS_TIMEOUT_MS],
        ['slow body', body, REQUEST_TIMEOUT_MS],
      ] as const) {
        expect(exchange.head, what).toMatch(/^HTTP\/1\.1 408 /);
        expect(exchange.closed, `${what}: socket closed`).toBe(true);
        // Node checks deadlines every quarter of the headers timeout; allow for a loaded machine.
        expect(exchange.closedMs, `${what}: cut off after (ms)`).toBeGreaterThanOrEqual(
          limit * 0.9,
        );
        expect(exchange.closedMs, `${what}: cut off after (ms)`).toBeLessThan(limit + 2_500);
      }
      const served = await normal.stop();
      expect(served.failed, 'normal requests failed while slow clients were held').toBe(0);
      expect(served.ok).toBeGreaterThan(3);
      reportFigures(SCENARIO, {
        slowHeadersCutMs: headers.closedMs,
        slowBodyCutMs: body.closedMs,
        headersTimeoutMs: HEADERS_TIMEOUT_MS,
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
        normalRequestsDuringSlowClients: served.ok,
      });
    } finally {
      await normal.stop();
    }
  });
});

function requestHead(method: string, path: string, headers: Record<string, string>): string {
  const lines = [
    `${method} ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    `Authorization: Bearer ${stack.adminToken}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  return lines.join('\r\n') + '\r\n\r\n';
}

/** True when `promise` settles within `ms`. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([promise.then(() => true), sleep(ms).then(() => false)]);
}

interface Exchange<T> {
  /** The status line and headers of the answer ('' if none came). */
  head: string;
  answerMs: number;
  closed: boolean;
  /** Time from connect until the server closed the socket. */
  closedMs: number;
  result: T | undefined;
}

/**
 * Drives a raw socket to `api` with `drive(socket, answered)` (answered resolves on the
 * first byte of an answer), then waits up to 15 s for the server to close it.
 */
async function rawExchange<T>(
  api: ApiReplica,
  drive: (socket: Socket, answered: Promise<void>) => Promise<T>,
): Promise<Exchange<T>> {
  const socket = connect(api.port, '127.0.0.1');
  socket.on('error', () => undefined); // EPIPE/ECONNRESET once the server has hung up
  await new Promise((resolve) => socket.once('connect', resolve));
  const started = Date.now();
  let text = '';
  let answerMs = -1;
  let closedMs = -1;
  const answered = new Promise<void>((resolve) =>
    socket.on('data', (data: Buffer) => {
      if (answerMs < 0) answerMs = Date.now() - started;
      text += data.toString('latin1');
      resolve();
    }),
  );
  const closed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      closedMs = Date.now() - started;
      resolve();
    }),
  );
  const result = await drive(socket, answered);
  const didClose = await settledWithin(closed, 15_000);
  socket.destroy();
  return { head: text.split('\r\n\r\n')[0] ?? '', answerMs, closed: didClose, closedMs, result };
}

/** GET /readyz every 100 ms until stopped; counts answers that were not 200. */
function keepServing(api: ApiReplica) {
  let running = true;
  let ok = 0;
  let failed = 0;
  const loop = (async () => {
    while (running) {
      try {
        const answer = await fetch(`${api.url}/readyz`, { signal: AbortSignal.timeout(5_000) });
        if (answer.status === 200) ok += 1;
        else failed += 1;
      } catch {
        failed += 1;
      }
      await sleep(100);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { ok, failed };
    },
  };
}
