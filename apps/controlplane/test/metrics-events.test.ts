// controlPlaneMetrics as a ProxyEvents consumer: each event moves the metric a
// Prometheus user reads, labelled by role or by short resource type name.
import { Registry } from 'prom-client';
import { expect, it } from 'vitest';
import { TYPE_URLS, type ProxyNode } from '../src/contracts';
import { controlPlaneMetrics } from '../src/metrics';

const SIDECAR: ProxyNode = { id: 's-1', role: 'sidecar', service: 'shop/frontend', locality: {} };

it('turns proxy events and snapshot builds into metrics', async () => {
  const registry = new Registry();
  const metrics = controlPlaneMetrics(registry);
  metrics.connected(SIDECAR, 'sotw');
  metrics.connected({ ...SIDECAR, id: 's-2' }, 'delta');
  metrics.disconnected(SIDECAR);
  metrics.sent(SIDECAR, {
    typeUrl: TYPE_URLS.clusters,
    version: 'v1',
    bytes: 300,
    changeSeenAt: 1,
  });
  metrics.sent(SIDECAR, {
    typeUrl: TYPE_URLS.clusters,
    version: 'v2',
    bytes: 200,
    changeSeenAt: 1,
  });
  metrics.acked(SIDECAR, {
    typeUrl: TYPE_URLS.clusters,
    version: 'v2',
    changeSeenAt: Date.now() - 1500,
  });
  metrics.nacked(SIDECAR, {
    typeUrl: TYPE_URLS.listeners,
    version: 'v1',
    error: 'bad',
    objects: ['HTTPRoute shop/a'],
  });
  metrics.snapshotBuilt({ durationSeconds: 0.02, groups: 3, changed: 1 });

  const text = await registry.metrics();
  expect(text).toContain('crossway_xds_connected_proxies{role="sidecar"} 1');
  expect(text).toContain('crossway_xds_connected_proxies{role="edge"} 0');
  expect(text).toContain('crossway_xds_pushes_total{type="Cluster"} 2');
  expect(text).toContain('crossway_xds_sent_bytes_total{type="Cluster"} 500');
  expect(text).toContain('crossway_xds_nacks_total{type="Listener"} 1');
  // 1.5 s from change to ACK: in the 2.5 s bucket, not in the 1 s one.
  expect(text).toContain('crossway_xds_push_latency_seconds_bucket{le="1",type="Cluster"} 0');
  expect(text).toContain('crossway_xds_push_latency_seconds_bucket{le="2.5",type="Cluster"} 1');
  expect(text).toContain('crossway_snapshot_builds_total 1');
  expect(text).toContain('crossway_snapshot_build_duration_seconds_count 1');
});
