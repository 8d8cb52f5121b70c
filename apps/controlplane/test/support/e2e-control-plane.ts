// The control plane as the live end-to-end tests run it: startControlPlane
// (src/control-plane.ts) on a fixed loopback port over its own etcd store, so a
// test can stop it and start a new one on the same port (a restart).
import { pino } from 'pino';
import { EtcdStore } from '@crossway/store';
import { startControlPlane } from '../../src/control-plane';

export interface RunningControlPlane {
  readonly port: number;
  stop(): Promise<void>;
}

export async function runControlPlane(options: {
  etcdEndpoints: string;
  prefix: string;
  port: number;
}): Promise<RunningControlPlane> {
  const store = new EtcdStore({ endpoints: options.etcdEndpoints, prefix: options.prefix });
  // E2E_LOG=debug shows the control plane's log while debugging a scenario.
  const logger = process.env['E2E_LOG'] ? pino({ level: process.env['E2E_LOG'] }) : false;
  const plane = await startControlPlane({
    store,
    xdsPort: options.port,
    host: '127.0.0.1',
    logger,
    debounceMs: 20,
  });
  await plane.whenReady();
  return {
    port: plane.port,
    stop: async () => {
      await plane.close();
      await store.close();
    },
  };
}
