// Proxies that get the same config form a group and share one snapshot. The key
// holds the role, the target and every node input that changes the config:
// edge: gateway + locality; sidecar: service, workload, ports, outbound, locality;
// proxyless: service + certificate providers. Locality only matters when some
// TrafficPolicy uses locality failover: builds are shared across localities otherwise.
import { stableJson } from '@crossway/xds';
import type { ProxyNode } from '../contracts';

export function groupKey(node: ProxyNode, withLocality = true): string {
  const locality = withLocality
    ? { region: node.locality.region, zone: node.locality.zone }
    : undefined;
  switch (node.role) {
    case 'edge':
      return stableJson({ role: 'edge', gateway: node.gateway, locality });
    case 'sidecar':
      return stableJson({
        role: 'sidecar',
        service: node.service,
        workload: node.workload,
        ports: node.ports,
        outbound: node.outbound,
        locality,
      });
    case 'proxyless':
      return stableJson({
        role: 'proxyless',
        service: node.service,
        certificateProviders: node.certificateProviders ?? true,
      });
  }
}
