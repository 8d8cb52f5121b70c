// POST /api/v1/certificate-authority/rotate cannot be undone, so a body that is not
// `{overlap?}` is refused instead of being read as "no overlap given" (the fuzzer of
// the reliability suite found lists and strings rotating the CA).
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '@crossway/store';
import { build } from '../src/server';
import { storeTokenRecords } from '../src/token-records';

const ADMIN = 'rotate-admin-token-0123456';
let app: FastifyInstance;
let store: MemoryStore;

beforeAll(async () => {
  store = new MemoryStore();
  app = await build({
    store,
    tokens: storeTokenRecords(store),
    adminToken: ADMIN,
    identity: { encryptionKey: randomBytes(32) },
  });
});

afterAll(async () => {
  await app.close();
});

function rotate(payload?: string) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/certificate-authority/rotate',
    headers: {
      authorization: `Bearer ${ADMIN}`,
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(payload === undefined ? {} : { payload }),
  });
}

describe('CA rotation body', () => {
  it.each([
    ['a list', '[1]', 400, []],
    ['a string', '"48h"', 400, []],
    ['a number', '7', 400, []],
    ['a JSON null', 'null', 400, []],
    ['a misspelt field', '{"overlapp":"48h"}', 422, ['overlapp']],
    ['an overlap and an extra field', '{"overlap":"48h","force":true}', 422, ['force']],
    ['an overlap under a minute', '{"overlap":"30s"}', 422, ['overlap']],
  ])('refuses %s and rotates nothing', async (_what, payload, status, paths) => {
    const before = await store.revision();
    const answer = await rotate(payload);
    expect(answer.statusCode).toBe(status);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((answer.json() as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(
      paths,
    );
    expect(await store.revision()).toBe(before);
  });

  it('rotates with no body, an empty object or a valid overlap', async () => {
    for (const payload of [undefined, '{}', '{"overlap":"48h"}']) {
      const answer = await rotate(payload);
      expect(answer.statusCode, String(payload)).toBe(200);
    }
  });
});
