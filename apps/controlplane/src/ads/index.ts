// The ADS server (SotW and Delta) of the control plane.
export {
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_REQUEST_BYTES,
  startAdsServer,
  type AdsKeepalive,
  type AdsServer,
  type AdsServerOptions,
} from './ads-server';
export {
  BYTES_PER_TOKEN,
  DEFAULT_REQUEST_LIMITS,
  NAMES_PER_TOKEN,
  NodeBuckets,
  requestCost,
  TokenBucket,
  type AdsGuardEvents,
  type RequestLimits,
} from './request-limits';
