import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  API_VERSION,
  descriptorOf,
  findKind,
  formatDuration,
  KIND_DESCRIPTORS,
  parseDuration,
  validateObject,
  type Violation,
} from '../src/index';
import {
  demoObjects,
  getPath,
  invalidCasesPath,
  setPath,
  unsetPath,
  validObjects,
} from './fixtures';

interface InvalidCase {
  case: string;
  base: string;
  set?: Record<string, unknown>;
  unset?: string[];
  copy?: Record<string, string>;
  grow?: Record<string, number>;
  violations: { path: string; message: string }[];
}

const bases = new Map<string, Record<string, unknown>>();
for (const object of [...demoObjects(), ...validObjects()]) {
  const metadata = object['metadata'] as { name: string; namespace?: string };
  const key = `${String(object['kind'])}/${metadata.namespace ?? ''}/${metadata.name}`;
  if (bases.has(key)) throw new Error(`fixture object ${key} is defined twice`);
  bases.set(key, object);
}

/** "BIG:N" in a fixture stands for a string of N characters. */
function expand(value: unknown): unknown {
  if (typeof value === 'string' && value.startsWith('BIG:'))
    return 'x'.repeat(Number(value.slice(4)));
  if (Array.isArray(value)) return value.map(expand);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expand(v)]));
  return value;
}

function build(c: InvalidCase): unknown {
  const base = bases.get(c.base);
  if (!base) throw new Error(`case "${c.case}": no base object ${c.base}`);
  const object = structuredClone(base);
  for (const [path, value] of Object.entries(c.set ?? {})) setPath(object, path, expand(value));
  for (const [path, from] of Object.entries(c.copy ?? {}))
    setPath(object, path, getPath(object, from));
  for (const path of c.unset ?? []) unsetPath(object, path);
  for (const [path, length] of Object.entries(c.grow ?? {})) {
    const list = getPath(object, path);
    if (!Array.isArray(list) || list.length === 0)
      throw new Error(`case "${c.case}": ${path} is not a non-empty list`);
    setPath(
      object,
      path,
      Array.from({ length }, () => structuredClone(list[0])),
    );
  }
  return object;
}

describe('valid objects', () => {
  const all = [...demoObjects(), ...validObjects()];

  it('the demo set and the valid fixtures cover every kind', () => {
    const kinds = new Set(all.map((o) => o['kind']));
    expect([...kinds].sort()).toEqual(KIND_DESCRIPTORS.map((d) => d.kind).sort());
  });

  it.each(all.map((o) => [`${String(o['kind'])} ${JSON.stringify(o['metadata'])}`, o] as const))(
    '%s is accepted',
    (_, object) => {
      const result = validateObject(object);
      expect(result.ok ? [] : result.violations).toEqual([]);
    },
  );

  it('validation is idempotent: the canonical form validates to itself', () => {
    for (const object of all) {
      const first = validateObject(object);
      if (!first.ok) throw new Error('fixture invalid');
      const second = validateObject(first.value);
      expect(second).toEqual(first);
    }
  });
});

describe('invalid objects are rejected with field paths', () => {
  const cases = parse(readFileSync(invalidCasesPath, 'utf8')) as InvalidCase[];

  it.each(cases.map((c) => [c.case, c] as const))('%s', (_, c) => {
    const result = validateObject(build(c));
    expect(result.ok).toBe(false);
    const violations: Violation[] = result.ok ? [] : result.violations;
    for (const expected of c.violations) {
      const found = violations.some(
        (v) =>
          v.path === expected.path &&
          v.message.toLowerCase().includes(expected.message.toLowerCase()),
      );
      expect(
        found,
        `expected ${JSON.stringify(expected)} among ${JSON.stringify(violations, null, 1)}`,
      ).toBe(true);
    }
  });
});

describe('envelope', () => {
  const service = () => structuredClone(bases.get('Service/shop/checkout') ?? {});

  it('server-owned metadata and status sent by a client are dropped', () => {
    const input = service();
    Object.assign(input['metadata'] as object, {
      uid: 'u',
      resourceVersion: '7',
      generation: 3,
      creationTimestamp: '2020-01-01T00:00:00Z',
    });
    input['status'] = { conditions: [] };
    const result = validateObject(input);
    if (!result.ok) throw new Error(JSON.stringify(result.violations));
    expect(result.value.metadata).toEqual({
      name: 'checkout',
      namespace: 'shop',
      labels: { team: 'payments' },
    });
    expect(result.value).not.toHaveProperty('status');
  });

  it('a namespaced object without a namespace lands in "default"', () => {
    const input = service();
    delete (input['metadata'] as Record<string, unknown>)['namespace'];
    const result = validateObject(input);
    expect(result.ok && result.value.metadata.namespace).toBe('default');
  });

  it('defaults are applied explicitly: Mesh settings, port protocol, weights, service account', () => {
    const mesh = validateObject({
      apiVersion: API_VERSION,
      kind: 'Mesh',
      metadata: { name: 'default' },
      spec: {},
    });
    expect(mesh.ok && mesh.value.spec).toEqual({
      trustDomain: 'cluster.local',
      mtls: { mode: 'PERMISSIVE' },
      ca: { certTTL: '24h' },
      defaultAuthorization: 'ALLOW',
      outboundPolicy: 'AllowAny',
    });
    const svc = validateObject({
      apiVersion: API_VERSION,
      kind: 'Service',
      metadata: { name: 'a' },
      spec: { ports: [{ name: 'p', port: 1 }] },
    });
    expect(svc.ok && svc.value.spec).toEqual({
      ports: [{ name: 'p', port: 1, protocol: 'http' }],
      serviceAccount: 'a',
    });
    const route = validateObject({
      apiVersion: API_VERSION,
      kind: 'HTTPRoute',
      metadata: { name: 'r' },
      spec: { parentRefs: [{ name: 'g' }], rules: [{ backendRefs: [{ name: 'a', port: 1 }] }] },
    });
    expect(route.ok && route.value.spec).toEqual({
      parentRefs: [{ kind: 'Gateway', name: 'g' }],
      hostnames: [],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          filters: [],
          backendRefs: [{ kind: 'Service', name: 'a', port: 1, weight: 1 }],
        },
      ],
    });
  });

  it('something that is not an object is one violation at the root', () => {
    expect(validateObject('hello')).toEqual({
      ok: false,
      violations: [{ path: '', message: expect.stringContaining('must be an object') }],
    });
  });
});

describe('kind descriptor table', () => {
  it('names every kind once, with a unique plural and a namespaced scope except Mesh', () => {
    const plurals = KIND_DESCRIPTORS.map((d) => d.plural);
    expect(new Set(plurals).size).toBe(plurals.length);
    expect(KIND_DESCRIPTORS.filter((d) => d.scope === 'Cluster').map((d) => d.kind)).toEqual([
      'Mesh',
    ]);
    expect(plurals).toEqual([
      'meshes',
      'services',
      'workloads',
      'gateways',
      'httproutes',
      'grpcroutes',
      'tcproutes',
      'tlsroutes',
      'referencegrants',
      'secrets',
      'trafficpolicies',
      'authorizationpolicies',
      'ratelimitpolicies',
      'authenticationpolicies',
    ]);
  });

  it('finds a kind by kind, plural, singular or short name', () => {
    expect(findKind('HTTPRoute')?.plural).toBe('httproutes');
    expect(findKind('httproutes')?.kind).toBe('HTTPRoute');
    expect(findKind('svc')?.kind).toBe('Service');
    expect(findKind('AuthorizationPolicy')).toBe(descriptorOf('AuthorizationPolicy'));
    expect(findKind('virtualservice')).toBeUndefined();
  });
});

describe('durations', () => {
  it('parses and formats GEP-2257 durations', () => {
    expect(parseDuration('1h30m30s500ms')).toBe(5_430_500);
    expect(parseDuration('00060m')).toBe(3_600_000);
    expect(parseDuration('0s')).toBe(0);
    expect(parseDuration('1.5s')).toBeUndefined();
    expect(parseDuration('1h1h1h1h1h')).toBeUndefined();
    expect(formatDuration(5_430_500)).toBe('1h30m30s500ms');
    expect(formatDuration(0)).toBe('0s');
  });
});
