// NACKs reach the log with the error text and the objects behind them; tokens never do.
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ProxyNode } from '../src/contracts';
import { proxyEventLog } from '../src/event-log';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

const node: ProxyNode = { id: 'edge-7', role: 'edge', gateway: 'edge/public', locality: {} };

describe('proxy event log', () => {
  it('logs a NACK at warn with its error, type, version and the objects behind it', () => {
    const { lines, logger } = capture();
    proxyEventLog(logger).nacked(node, {
      typeUrl: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
      version: 'v1',
      error: 'duplicate domain shop.example.com',
      objects: ['HTTPRoute shop/storefront'],
    });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        proxy: 'edge-7',
        gateway: 'edge/public',
        version: 'v1',
        error: 'duplicate domain shop.example.com',
        objects: ['HTTPRoute shop/storefront'],
      }),
    ]);
  });

  it('logs connects and disconnects, and nothing for ACKs', () => {
    const { lines, logger } = capture();
    const log = proxyEventLog(logger);
    log.connected(node, 'sotw');
    log.acked(node, { typeUrl: 't', version: 'v', changeSeenAt: 0 });
    log.disconnected(node);
    expect(lines.map((l) => l['msg'])).toEqual(['data plane connected', 'data plane disconnected']);
  });
});
