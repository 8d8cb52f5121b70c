// The proxy registry: connected data planes in the store, under leases.
export {
  createProxyRegistry,
  type ProxyRegistry,
  type ProxyRegistryOptions,
} from './proxy-registry';
export {
  PROXIES_AREA,
  recordId,
  type ProxyNack,
  type ProxyRecord,
  type TypeName,
  type TypeVersions,
} from './proxy-record';
export { OWNER_ANNOTATION, workloadFor } from './workload-registration';
