// Simulated data planes for the benchmark (issue 8): worker processes holding many
// ADS streams (SotW or Delta) that subscribe, decode, check references and ACK like
// Envoy, reporting ACKs and problems in batches. See types.ts for the contract.
export type { AckEvent, ProxyProblem, ProxyState, SimulatedProxy, WorkerHandle } from './types';
export { spawnDataPlaneWorker } from './handle';
export {
  connectFleet,
  MAX_WORKERS,
  PROXIES_PER_WORKER,
  spawnDataPlaneFleet,
  splitProxies,
  workersFor,
} from './fleet';
export { CDS, EDS, LDS, RDS, SDS } from './type-urls';
