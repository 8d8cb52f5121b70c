import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@crossway/store';
import { build } from '../src/server';
import { storeTokenRecords } from '../src/token-records';
import { ADMIN, service, capturedLogger } from './harness';

describe('audit log', () => {
  it('records every write and every denied request with actor, action, object, source and result', async () => {
    const { logger, lines } = capturedLogger();
    const store = new MemoryStore();
    const app = await build({
      store,
      tokens: storeTokenRecords(store),
      adminToken: ADMIN,
      logger,
    });
    await app.inject({
      method: 'POST',
      url: '/api/v1/namespaces/shop/services',
      headers: { authorization: `Bearer ${ADMIN}` },
      payload: service('a'),
    });
    await app.inject({
      method: 'DELETE',
      url: '/api/v1/namespaces/shop/services/a',
      headers: { authorization: 'Bearer wrong' },
    });
    await app.close();
    const audits = lines
      .map((l) => l['audit'])
      .filter((a): a is Record<string, unknown> => typeof a === 'object' && a !== null);
    expect(audits).toEqual([
      expect.objectContaining({
        actor: 'bootstrap-admin',
        action: 'create',
        object: 'Service/shop/a',
        source: '127.0.0.1',
        result: 'created',
      }),
      expect.objectContaining({
        actor: 'anonymous',
        action: 'DELETE /api/v1/namespaces/:ns/services/:name',
        result: 'denied',
        reason: 'malformed token',
      }),
    ]);
    expect(JSON.stringify(lines)).not.toContain(ADMIN);
  });
});
