// Hostile and malformed requests: each gets a clear 4xx problem, the server keeps
// serving, and the store revision does not move.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { service, startHarness, type Harness } from './harness';

interface HostileCase {
  name: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url?: string;
  contentType?: string | null;
  body?: string | Buffer | (() => string | Buffer);
  headers?: Record<string, string>;
  status: number;
}

const json = (value: unknown) => JSON.stringify(value);
const collection = '/api/v1/namespaces/shop/services';
const withSpec = (spec: Record<string, unknown>) =>
  json({ ...service('x'), spec: { ...service('x').spec, ...spec } });
const route = (rules: unknown[]) =>
  json({
    apiVersion: 'crossway.dev/v1alpha1',
    kind: 'HTTPRoute',
    metadata: { name: 'r' },
    spec: { parentRefs: [{ name: 'g' }], rules },
  });

const CASES: HostileCase[] = [
  { name: 'truncated JSON', body: '{"apiVersion":', status: 400 },
  { name: 'a __proto__ key', body: '{"__proto__":{"admin":true},"kind":"Service"}', status: 400 },
  { name: 'a constructor key', body: '{"constructor":{"prototype":{"admin":true}}}', status: 400 },
  {
    name: 'a nested __proto__ key',
    body: '{"metadata":{"labels":{"__proto__":{"x":1}}}}',
    status: 400,
  },
  {
    name: 'arrays nested 10,000 deep',
    body: () => '['.repeat(10_000) + ']'.repeat(10_000),
    status: 400,
  },
  {
    name: 'objects nested 100 deep',
    body: () => '{"a":'.repeat(100) + '1' + '}'.repeat(100),
    status: 400,
  },
  {
    name: 'a body over 4 MiB',
    body: () =>
      json({
        ...service('x'),
        metadata: { name: 'x', annotations: { a: 'x'.repeat(5 * 1024 * 1024) } },
      }),
    status: 413,
  },
  {
    name: 'an array of 300,000 values',
    body: () => `[${'1,'.repeat(299_999)}1]`,
    url: '/api/v1/apply',
    status: 400,
  },
  {
    name: 'invalid UTF-8 in JSON',
    body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
    status: 400,
  },
  {
    name: 'invalid UTF-8 in YAML',
    contentType: 'application/yaml',
    body: Buffer.from([0x6b, 0x3a, 0x20, 0xff, 0xfe, 0x0a]),
    status: 400,
  },
  { name: 'text/plain', contentType: 'text/plain', body: 'hello', status: 415 },
  { name: 'application/xml', contentType: 'application/xml', body: '<a/>', status: 415 },
  { name: 'form data', contentType: 'application/x-www-form-urlencoded', body: 'a=b', status: 415 },
  {
    name: 'duplicate YAML keys',
    contentType: 'application/yaml',
    url: '/api/v1/apply',
    body: 'kind: Service\nkind: Gateway\n',
    status: 400,
  },
  {
    name: 'a YAML alias bomb',
    contentType: 'application/yaml',
    url: '/api/v1/apply',
    body: 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n',
    status: 400,
  },
  {
    name: 'more than 5,000 YAML documents',
    contentType: 'application/yaml',
    url: '/api/v1/apply',
    body: () => 'a: 1\n---\n'.repeat(5_001),
    status: 400,
  },
  {
    name: 'a YAML syntax error',
    contentType: 'application/yaml',
    body: 'kind: [Service\nspec: {',
    status: 400,
  },
  {
    name: 'a YAML tag that builds objects',
    contentType: 'application/yaml',
    body: 'kind: !!js/function "function(){}"\n',
    status: 400,
  },
  { name: 'a JSON array where an object belongs', body: '[]', status: 400 },
  { name: 'a JSON string where an object belongs', body: '"Service"', status: 400 },
  { name: 'a JSON null body', body: 'null', status: 400 },
  { name: 'an empty JSON body', body: '', status: 400 },
  {
    name: 'two YAML documents to a single-object URL',
    contentType: 'application/yaml',
    body: 'a: 1\n---\nb: 2\n',
    status: 400,
  },
  {
    name: 'an unknown kind in an apply',
    url: '/api/v1/apply',
    body: json([{ ...service('x'), kind: 'VirtualService' }]),
    status: 422,
  },
  { name: 'a wrong apiVersion', body: json({ ...service('x'), apiVersion: 'v1' }), status: 422 },
  {
    name: 'an upper-case name',
    body: json({ ...service('x'), metadata: { name: 'Web' } }),
    status: 422,
  },
  {
    name: 'a name of 300 characters',
    body: json({ ...service('x'), metadata: { name: 'a'.repeat(300) } }),
    status: 422,
  },
  {
    name: 'a port given as text',
    body: withSpec({ ports: [{ name: 'http', port: '80' }] }),
    status: 422,
  },
  {
    name: 'a port of 1e309 (Infinity)',
    body: '{"apiVersion":"crossway.dev/v1alpha1","kind":"Service","metadata":{"name":"x"},"spec":{"ports":[{"name":"h","port":1e309}]}}',
    status: 422,
  },
  {
    name: 'a header value with CR LF',
    url: '/api/v1/namespaces/shop/httproutes',
    body: route([
      {
        filters: [
          {
            type: 'RequestHeaderModifier',
            requestHeaderModifier: { set: [{ name: 'x', value: 'a\r\nb: c' }] },
          },
        ],
      },
    ]),
    status: 422,
  },
  {
    name: 'a catastrophic-backtracking regex RE2 refuses',
    url: '/api/v1/namespaces/shop/httproutes',
    body: route([{ matches: [{ path: { type: 'RegularExpression', value: '^(a+)+\\1$' } }] }]),
    status: 422,
  },
  {
    name: 'seventeen rules',
    url: '/api/v1/namespaces/shop/httproutes',
    body: route(Array.from({ length: 17 }, () => ({}))),
    status: 422,
  },
  { name: 'an unknown field', body: withSpec({ replicas: 3 }), status: 422 },
  {
    name: 'a namespace that is not a DNS label in the URL',
    url: '/api/v1/namespaces/Bad_NS/services',
    body: json(service('x', 'Bad_NS')),
    status: 422,
  },
  {
    name: 'a PUT whose body names another object',
    method: 'PUT',
    url: `${collection}/existing`,
    body: json(service('other')),
    status: 422,
  },
  {
    name: 'a JSON Patch instead of a merge patch',
    method: 'PATCH',
    url: `${collection}/existing`,
    contentType: 'application/json-patch+json',
    body: '[{"op":"remove","path":"/spec"}]',
    status: 415,
  },
  {
    name: 'a merge patch that is an array',
    method: 'PATCH',
    url: `${collection}/existing`,
    contentType: 'application/merge-patch+json',
    body: '[1]',
    status: 400,
  },
  {
    name: 'a merge patch removing the spec',
    method: 'PATCH',
    url: `${collection}/existing`,
    contentType: 'application/merge-patch+json',
    body: '{"spec":null}',
    status: 422,
  },
  {
    name: 'a malformed If-Match',
    method: 'DELETE',
    url: `${collection}/existing`,
    contentType: null,
    headers: { 'if-match': 'abc' },
    status: 412,
  },
  {
    name: 'limit that is not a number',
    method: 'GET',
    url: `${collection}?limit=abc`,
    contentType: null,
    status: 400,
  },
  {
    name: 'a negative limit',
    method: 'GET',
    url: `${collection}?limit=-1`,
    contentType: null,
    status: 400,
  },
  {
    name: 'a forged continue token',
    method: 'GET',
    url: `${collection}?limit=1&continue=Zm9vYmFy`,
    contentType: null,
    status: 400,
  },
  {
    name: 'a label selector that does not parse',
    method: 'GET',
    url: `${collection}?labelSelector=a%20in%20(`,
    contentType: null,
    status: 400,
  },
  {
    name: 'a watch revision that is not a number',
    method: 'GET',
    url: '/api/v1/watch?resourceVersion=abc',
    contentType: null,
    status: 400,
  },
  {
    name: 'a watch of an unknown kind',
    method: 'GET',
    url: '/api/v1/watch?kind=Nope',
    contentType: null,
    status: 400,
  },
  {
    name: 'dryRun that is not a boolean',
    url: '/api/v1/apply?dryRun=maybe',
    body: json([service('x')]),
    status: 400,
  },
  {
    name: 'an owner id with spaces',
    url: '/api/v1/apply?owner=a%20b',
    body: json([service('x')]),
    status: 400,
  },
  {
    name: 'a token TTL in days',
    url: '/api/v1/tokens',
    body: json({ type: 'api', role: 'viewer', ttl: '1d' }),
    status: 422,
  },
  {
    name: 'a token role that does not exist',
    url: '/api/v1/tokens',
    body: json({ type: 'api', role: 'root' }),
    status: 422,
  },
  {
    name: 'an encoded path traversal',
    method: 'GET',
    url: `${collection}/..%2F..%2Fsecrets`,
    contentType: null,
    status: 400,
  },
  {
    name: 'an unknown collection',
    method: 'GET',
    url: '/api/v1/namespaces/shop/virtualservices',
    contentType: null,
    status: 404,
  },
  {
    name: 'no bearer token',
    headers: { authorization: '' },
    body: json(service('x')),
    status: 401,
  },
];

describe('hostile requests', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.request({ method: 'POST', url: collection, payload: service('existing') });
  });
  afterAll(async () => h.close());

  it('the table has at least 40 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const revision = await h.store.revision();
    const body = typeof c.body === 'function' ? c.body() : c.body;
    const contentType = c.contentType === undefined ? 'application/json' : c.contentType;
    const answer = await h.app.inject({
      method: c.method ?? 'POST',
      url: c.url ?? collection,
      headers: {
        authorization: `Bearer ${h.tokens.admin}`,
        ...(contentType === null ? {} : { 'content-type': contentType }),
        ...c.headers,
      },
      ...(body === undefined ? {} : { payload: body }),
    });
    expect(answer.statusCode, answer.body.slice(0, 300)).toBe(c.status);
    expect(answer.headers['content-type']).toContain('application/problem+json');
    expect(answer.json()).toMatchObject({ status: c.status, detail: expect.any(String) });
    expect(await h.store.revision()).toBe(revision);
    expect((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
