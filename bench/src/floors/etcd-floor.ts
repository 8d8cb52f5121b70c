// The etcd floor: raw put -> watch event latency against a real etcd, with the etcd3
// client and nothing of Crossway in between. Sequential samples on one key under a
// throwaway prefix (deleted afterwards), after a short warm-up.
import { randomUUID } from 'node:crypto';
import { Etcd3 } from 'etcd3';
import type { Logger } from 'pino';
import { summarize, type LatencySummary } from './percentiles';

export interface EtcdFloorOptions {
  /** Unmeasured puts first (connection set-up, JIT). Default min(20, samples). */
  warmup?: number;
  /** A sample that sees no event within this long fails the measurement. Default 5000 ms. */
  timeoutMs?: number;
  logger?: Logger;
}

/** Put -> watch event latency in ms (p50, p99) over `samples` sequential puts. */
export async function measureEtcdFloor(
  endpoint: string,
  samples: number,
  options: EtcdFloorOptions = {},
): Promise<LatencySummary> {
  const warmup = options.warmup ?? Math.min(20, samples);
  const timeoutMs = options.timeoutMs ?? 5000;
  const client = new Etcd3({ hosts: endpoint.split(',').map((h) => h.trim()) });
  const key = `/crossway-bench/floor/${randomUUID()}`;
  let expected = '';
  let seen: ((at: number) => void) | undefined;
  try {
    const watcher = await client.watch().key(key).create();
    watcher.on('put', (kv) => {
      const at = performance.now();
      if (kv.value.toString() === expected) seen?.(at);
    });
    options.logger?.info({ endpoint, samples, warmup }, 'etcd floor: measuring put -> watch');
    const latencies: number[] = [];
    for (let i = 0; i < warmup + samples; i++) {
      expected = String(i);
      const event = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`etcd floor: no watch event within ${timeoutMs} ms`)),
          timeoutMs,
        );
        seen = (at) => {
          clearTimeout(timer);
          resolve(at);
        };
      });
      const started = performance.now();
      const [, at] = await Promise.all([client.put(key).value(expected).exec(), event]);
      if (i >= warmup) latencies.push(at - started);
    }
    await watcher.cancel();
    await client.delete().key(key).exec();
    const summary = summarize(latencies);
    options.logger?.info(summary, 'etcd floor measured');
    return summary;
  } finally {
    client.close();
  }
}
