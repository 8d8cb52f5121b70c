// Topology: Gateways -> routes -> Services -> Workloads, mesh calls, attached policies.
export function TopologyView() {
  return <h1>Topology</h1>;
}
