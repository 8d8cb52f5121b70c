// Slow clients: CROSSWAY_API_REQUEST_TIMEOUT_MS and CROSSWAY_API_HEADERS_TIMEOUT_MS are
// validated settings, and a server built with short ones answers 408 and hangs up on a
// client that trickles its headers or body, while the defaults stay production-sane.
import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '@crossway/store';
import { build, slowClientOptions } from '../src/server';
import { loadSettings } from '../src/settings';
import { storeTokenRecords } from '../src/token-records';

describe('slow-client settings', () => {
  it('default to 30 s for a request and 10 s for its headers', () => {
    const loaded = loadSettings({});
    expect(loaded.ok && loaded.settings.apiTimeouts).toEqual({
      requestMs: 30_000,
      headersMs: 10_000,
    });
  });

  it('take both variables, and a short request limit pulls the headers limit down', () => {
    const both = loadSettings({
      CROSSWAY_API_REQUEST_TIMEOUT_MS: '2000',
      CROSSWAY_API_HEADERS_TIMEOUT_MS: '1500',
    });
    expect(both.ok && both.settings.apiTimeouts).toEqual({ requestMs: 2000, headersMs: 1500 });
    const short = loadSettings({ CROSSWAY_API_REQUEST_TIMEOUT_MS: '3000' });
    expect(short.ok && short.settings.apiTimeouts).toEqual({ requestMs: 3000, headersMs: 3000 });
  });

  it('refuse bad values naming the variable', () => {
    const errorsOf = (env: Record<string, string>) => {
      const loaded = loadSettings(env);
      return loaded.ok ? [] : loaded.errors;
    };
    expect(errorsOf({ CROSSWAY_API_REQUEST_TIMEOUT_MS: 'soon' })[0]).toMatch(
      /^CROSSWAY_API_REQUEST_TIMEOUT_MS: /,
    );
    expect(errorsOf({ CROSSWAY_API_HEADERS_TIMEOUT_MS: '10' })[0]).toMatch(
      /^CROSSWAY_API_HEADERS_TIMEOUT_MS: must be at least 100/,
    );
    expect(errorsOf({ CROSSWAY_API_REQUEST_TIMEOUT_MS: '1.5' })[0]).toMatch(
      /^CROSSWAY_API_REQUEST_TIMEOUT_MS: must be a whole number/,
    );
    expect(
      errorsOf({
        CROSSWAY_API_REQUEST_TIMEOUT_MS: '1000',
        CROSSWAY_API_HEADERS_TIMEOUT_MS: '5000',
      }),
    ).toEqual([
      'CROSSWAY_API_HEADERS_TIMEOUT_MS: must not exceed CROSSWAY_API_REQUEST_TIMEOUT_MS (1000): the headers are part of the request',
    ]);
  });

  it('check deadlines often enough that a short one is not overshot by Node’s 30 s default', () => {
    expect(slowClientOptions()).toEqual({
      requestTimeout: 30_000,
      connectionTimeout: 60_000,
      http: { headersTimeout: 10_000, connectionsCheckingInterval: 2_500 },
    });
    expect(slowClientOptions({ requestMs: 400, headersMs: 300 }).http).toEqual({
      headersTimeout: 300,
      connectionsCheckingInterval: 75,
    });
  });
});

describe('a server with short slow-client limits', () => {
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    const store = new MemoryStore();
    app = await build({
      store,
      tokens: storeTokenRecords(store),
      adminToken: 'timeouts-admin-token-0123',
      timeouts: { requestMs: 600, headersMs: 400 },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
  });

  afterAll(async () => {
    await app.close();
  });

  /** Writes `head`, then `trickle` every 50 ms until the server answers; resolves with the answer and when it closed. */
  function trickle(head: string, byte: string): Promise<{ answer: string; closedMs: number }> {
    return new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      const started = Date.now();
      let answer = '';
      socket.on('error', () => undefined);
      socket.on('data', (data: Buffer) => (answer += data.toString()));
      const timer = setInterval(() => {
        if (!socket.destroyed) socket.write(byte);
      }, 50);
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ answer, closedMs: Date.now() - started });
      });
      socket.write(head);
    });
  }

  it('answers 408 and hangs up on headers sent a byte at a time', async () => {
    const { answer, closedMs } = await trickle('GET /healthz HTTP/1.1\r\nX-Slow: ', 'a');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(closedMs).toBeGreaterThanOrEqual(350);
    expect(closedMs).toBeLessThan(3_000);
  });

  it('answers 408 and hangs up on a body sent a byte at a time', async () => {
    const head =
      'POST /api/v1/apply HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer timeouts-admin-token-0123\r\n' +
      'Content-Type: application/json\r\nContent-Length: 10000\r\n\r\n';
    const { answer, closedMs } = await trickle(head, ' ');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(closedMs).toBeGreaterThanOrEqual(550);
    expect(closedMs).toBeLessThan(3_000);
  });

  it('still serves a prompt request', async () => {
    const answer = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(answer.status).toBe(200);
  });
});
