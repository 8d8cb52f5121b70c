// The SDS secrets a sidecar's resources name (workload certificate, trust bundle,
// external CAs), in listeners and clusters alike. The identity and SDS layer
// serves them; the snapshot check is told they exist elsewhere.
import type { EnvoyResources } from './resources';

export function sidecarSecretNames(resources: EnvoyResources): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) {
      const record = value as Record<string, unknown>;
      const name = record['name'];
      if ('sds_config' in record && typeof name === 'string') found.add(name);
      Object.values(record).forEach(visit);
    }
  };
  visit(resources.listeners);
  visit(resources.clusters);
  return [...found].sort();
}
