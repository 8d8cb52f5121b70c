// The envoy.config.core.v3.Node a simulated proxy sends with its first request
// (contract "Data-plane handshake"): a unique id, an empty locality and metadata
// saying what it is, as a google.protobuf.Struct in protobufjs object form.
import type { SimulatedProxy } from './types';

function stringValue(value: string): Record<string, unknown> {
  return { stringValue: value };
}

export function nodeMessage(proxy: SimulatedProxy): Record<string, unknown> {
  const fields: Record<string, unknown> = { role: stringValue(proxy.role) };
  if (proxy.gateway !== undefined) fields['gateway'] = stringValue(proxy.gateway);
  if (proxy.service !== undefined) fields['service'] = stringValue(proxy.service);
  if (proxy.workload !== undefined) fields['workload'] = stringValue(proxy.workload);
  return {
    id: proxy.id,
    cluster: proxy.service ?? proxy.gateway ?? 'bench',
    locality: {},
    metadata: { fields },
    user_agent_name: 'crossway-bench-dataplane',
  };
}
