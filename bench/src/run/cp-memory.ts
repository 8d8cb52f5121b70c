// Control-plane memory: RSS and V8 heap used from its /metrics (prom-client process
// metrics, CROSSWAY_METRICS_PORT), else RSS from /proc/<pid>/status.
import type { CrosswayChild } from './child';

export interface MemorySample {
  rssMb: number;
  /** Absent when only /proc was readable. */
  heapUsedMb?: number;
  source: 'metrics' | 'VmRSS';
}

/** A sample value from Prometheus text exposition (first series of that name). */
export function metricValue(text: string, name: string): number | undefined {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'm').exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

export async function sampleMemory(
  child: CrosswayChild,
  metricsPort: number | undefined,
): Promise<MemorySample> {
  if (metricsPort !== undefined) {
    try {
      const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      if (response.ok) {
        const text = await response.text();
        // The control plane prefixes its default metrics with crossway_.
        const either = (name: string) =>
          metricValue(text, `crossway_${name}`) ?? metricValue(text, name);
        const rss = either('process_resident_memory_bytes');
        const heap = either('nodejs_heap_size_used_bytes');
        if (rss !== undefined)
          return {
            rssMb: rss / 1048576,
            ...(heap === undefined ? {} : { heapUsedMb: heap / 1048576 }),
            source: 'metrics',
          };
      }
    } catch {
      // fall back to /proc
    }
  }
  return { rssMb: child.rssMb(), source: 'VmRSS' };
}
