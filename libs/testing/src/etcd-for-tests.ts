// One etcd per test process, unless the run already provides one (scripts/with-etcd.mjs
// and CI export CROSSWAY_TEST_ETCD_ENDPOINTS). Tests sharing it must isolate themselves
// by key prefix, and must not compact it: compaction is global to an etcd.
import { startEtcd, type EtcdProcess } from './etcd-process';

export const TEST_ETCD_ENV = 'CROSSWAY_TEST_ETCD_ENDPOINTS';

let shared: Promise<EtcdProcess> | undefined;

/** Endpoint(s) of the etcd shared by this test process (comma separated if several). */
export async function etcdEndpointForTests(): Promise<string> {
  const fromEnv = process.env[TEST_ETCD_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return fromEnv.trim();
  // startEtcd kills its members and removes their temp dirs when the process exits.
  shared ??= startEtcd();
  try {
    return (await shared).endpoint;
  } catch (error) {
    shared = undefined;
    throw error;
  }
}

/** A key prefix no other test uses, e.g. `/test/store-3f9c2a1b`. */
export function uniqueTestPrefix(label = 'test'): string {
  return `/test/${label}-${crypto.randomUUID().slice(0, 8)}`;
}
