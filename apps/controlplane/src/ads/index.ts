// The ADS server (SotW and Delta) of the control plane.
export {
  DEFAULT_MAX_MESSAGE_BYTES,
  startAdsServer,
  type AdsKeepalive,
  type AdsServer,
  type AdsServerOptions,
} from './ads-server';
