// @crossway/testing: real infrastructure for tests (etcd members on free ports).
export { ETCD_INSTALL_HINT, etcdArgs, findEtcdBinary, freePort, startEtcd } from './etcd-process';
export type { EtcdProcess, StartEtcdOptions } from './etcd-process';
export { etcdEndpointForTests, TEST_ETCD_ENV, uniqueTestPrefix } from './etcd-for-tests';
