// The hardware floors of the benchmark: raw etcd put -> watch latency and a raw
// grpc-js push to N streams in another process and back.
export { measureEtcdFloor, type EtcdFloorOptions } from './etcd-floor';
export { measureGrpcPushFloor, type GrpcPushFloorOptions } from './grpc-push-floor';
export { percentile, summarize, type LatencySummary } from './percentiles';
