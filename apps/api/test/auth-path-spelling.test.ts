// Authentication cannot be skipped by spelling an API path differently: the router
// decodes %-escapes, so "/%61pi/v1/..." reaches the same handler as "/api/v1/...",
// and it must need the same token (found by the reliability RBAC matrix).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.close());

const SPELLINGS = [
  '/%61pi/v1/services',
  '/%61%70%69/v1/namespaces/shop/secrets',
  '/api/v1/%73ervices',
  '/%2Fapi/v1/services',
  '/%61pi/v1/tokens',
];

describe('API paths spelled with %-escapes', () => {
  it('answer 401 without a token (or 404 when no route matches), never data', async () => {
    for (const url of SPELLINGS) {
      const answer = await h.request({ method: 'GET', url, token: null });
      expect([401, 404], `${url} answered ${answer.statusCode}: ${answer.body}`).toContain(
        answer.statusCode,
      );
    }
  });

  it('still serve a caller with a token', async () => {
    const answer = await h.request({ method: 'GET', url: '/%61pi/v1/services' });
    expect(answer.statusCode).toBe(200);
  });

  it('refuse a write without a token and write nothing', async () => {
    const before = await h.store.revision();
    const answer = await h.request({
      method: 'POST',
      url: '/%61pi/v1/namespaces/shop/services',
      token: null,
      payload: {
        metadata: { name: 'sneaky' },
        spec: { ports: [{ name: 'http', port: 80, protocol: 'http' }] },
      },
    });
    expect(answer.statusCode).toBe(401);
    expect(await h.store.revision()).toBe(before);
  });
});
