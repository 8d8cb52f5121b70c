// Percentiles of the end-to-end bench are nearest-rank and summaries round to 0.1 ms.
import { describe, expect, it } from 'vitest';
import { percentile, summarize } from '../src/run/stats';

describe('run stats', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarizes p50, p99, max and count', () => {
    expect(summarize([1.04, 2.06, 3, 4, 10.55])).toEqual({
      p50: 3,
      p99: 10.6,
      max: 10.6,
      samples: 5,
    });
  });
});

describe('control-plane metrics', () => {
  it('reads a sample from Prometheus text', async () => {
    const { metricValue } = await import('../src/run/cp-memory');
    const text = [
      '# HELP crossway_process_resident_memory_bytes Resident memory size in bytes.',
      'crossway_process_resident_memory_bytes 183500800',
      'crossway_nodejs_heap_size_used_bytes{space="x"} 1.5e6',
    ].join('\n');
    expect(metricValue(text, 'crossway_process_resident_memory_bytes')).toBe(183500800);
    expect(metricValue(text, 'crossway_nodejs_heap_size_used_bytes')).toBe(1.5e6);
    expect(metricValue(text, 'process_resident_memory_bytes')).toBeUndefined();
  });
});
