// The snapshot: sorted, hashed and checked for consistency before anything uses it.
import { describe, expect, it } from 'vitest';
import { buildSnapshot, type EnvoyResources } from '../src/index';

function resources(timeout: string): EnvoyResources {
  return {
    listeners: [],
    routes: [],
    clusters: [
      {
        name: 'b',
        type: 'EDS',
        connect_timeout: timeout,
        eds_cluster_config: { eds_config: { ads: {} } },
      },
      {
        name: 'a',
        type: 'EDS',
        connect_timeout: '5s',
        eds_cluster_config: { eds_config: { ads: {} } },
      },
    ],
    endpoints: [
      { cluster_name: 'a', endpoints: [] },
      { cluster_name: 'b', endpoints: [] },
    ],
    secrets: [],
  };
}

describe('buildSnapshot', () => {
  it('sorts resources by name within each kind', () => {
    const snapshot = buildSnapshot(resources('5s'));
    expect(snapshot.kinds.clusters.resources.map((r) => r.name)).toEqual(['a', 'b']);
    expect(snapshot.problems).toEqual([]);
  });

  it('changes only the versions of what changed, folding a cluster into its endpoints', () => {
    const before = buildSnapshot(resources('5s'));
    const after = buildSnapshot(resources('7s'));
    const [a1, b1] = before.kinds.endpoints.resources;
    const [a2, b2] = after.kinds.endpoints.resources;
    expect(a2?.version).toBe(a1?.version);
    expect(b2?.version).not.toBe(b1?.version);
    expect(after.kinds.clusters.version).not.toBe(before.kinds.clusters.version);
    expect(after.kinds.listeners.version).toBe(before.kinds.listeners.version);
  });

  it('reports a listener whose route configuration is missing as inconsistent', () => {
    const snapshot = buildSnapshot({
      ...resources('5s'),
      listeners: [
        {
          name: 'l',
          address: { socket_address: { address: '0.0.0.0', port_value: 80 } },
          filter_chains: [
            {
              filters: [
                {
                  name: 'hcm',
                  typed_config: {
                    '@type':
                      'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
                    stat_prefix: 'l',
                    rds: { route_config_name: 'nowhere', config_source: { ads: {} } },
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    expect(snapshot.problems.map((p) => p.code)).toEqual(['missing-route-config']);
  });
});
