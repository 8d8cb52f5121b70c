// Prometheus metrics of the xDS server on a given registry, fed as ProxyEvents:
// connected proxies by role, pushes, bytes sent and NACKs by type, push latency
// (store change seen -> ACK), and snapshot builds with their duration. As the ADS
// server's AdsGuardEvents: requests accepted and refused by the per-stream limits,
// and stream authentications by result (a request refused for its size never counts).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { AdsGuardEvents } from './ads/index';
import type { ProxyEvents } from './contracts';
import type { SnapshotBuildInfo } from './snapshots/index';

export interface ControlPlaneMetrics extends ProxyEvents, AdsGuardEvents {
  /** Feed for SnapshotSourceOptions.onBuild. */
  snapshotBuilt(build: SnapshotBuildInfo): void;
}

/** The short type name of a type URL ("envoy.config.cluster.v3.Cluster" -> "Cluster"). */
function typeLabel(typeUrl: string): string {
  return typeUrl.slice(typeUrl.lastIndexOf('.') + 1);
}

export function controlPlaneMetrics(registry: Registry): ControlPlaneMetrics {
  const registers = [registry];
  const connected = new Gauge({
    name: 'crossway_xds_connected_proxies',
    help: 'Data planes connected to this control plane, by role',
    labelNames: ['role'],
    registers,
  });
  for (const role of ['edge', 'sidecar', 'proxyless']) connected.set({ role }, 0);
  const pushes = new Counter({
    name: 'crossway_xds_pushes_total',
    help: 'xDS responses sent, by resource type',
    labelNames: ['type'],
    registers,
  });
  const bytes = new Counter({
    name: 'crossway_xds_sent_bytes_total',
    help: 'Encoded bytes of xDS responses sent, by resource type',
    labelNames: ['type'],
    registers,
  });
  const nacks = new Counter({
    name: 'crossway_xds_nacks_total',
    help: 'xDS responses a data plane rejected, by resource type',
    labelNames: ['type'],
    registers,
  });
  const latency = new Histogram({
    name: 'crossway_xds_push_latency_seconds',
    help: 'From a store change seen by the control plane to its ACK by a data plane',
    labelNames: ['type'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const builds = new Counter({
    name: 'crossway_snapshot_builds_total',
    help: 'Rebuilds of the watched snapshot groups',
    registers,
  });
  const buildDuration = new Histogram({
    name: 'crossway_snapshot_build_duration_seconds',
    help: 'Duration of a rebuild of the watched snapshot groups',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const requests = new Counter({
    name: 'crossway_xds_requests_total',
    help: 'xDS requests handled (within the per-stream limits), by stream kind',
    labelNames: ['stream'],
    registers,
  });
  const limited = new Counter({
    name: 'crossway_xds_requests_limited_total',
    help: 'xDS requests refused by the per-stream limits (the stream is ended), by stream kind and reason (rate, names, queue)',
    labelNames: ['stream', 'reason'],
    registers,
  });
  const authentications = new Counter({
    name: 'crossway_xds_authentications_total',
    help: 'xDS stream authentications (token and node checked), by result (ok or the refusal code)',
    labelNames: ['result'],
    registers,
  });

  return {
    accepted: (stream) => requests.inc({ stream }),
    limited: (stream, reason) => limited.inc({ stream, reason }),
    authenticated: (result) => authentications.inc({ result }),
    connected: (node) => connected.inc({ role: node.role }),
    disconnected: (node) => connected.dec({ role: node.role }),
    sent: (_node, push) => {
      const type = typeLabel(push.typeUrl);
      pushes.inc({ type });
      bytes.inc({ type }, push.bytes);
    },
    acked: (_node, ack) => {
      const seconds = (Date.now() - ack.changeSeenAt) / 1000;
      if (ack.changeSeenAt > 0 && seconds >= 0)
        latency.observe({ type: typeLabel(ack.typeUrl) }, seconds);
    },
    nacked: (_node, nack) => nacks.inc({ type: typeLabel(nack.typeUrl) }),
    snapshotBuilt: (build) => {
      builds.inc();
      buildDuration.observe(build.durationSeconds);
    },
  };
}
