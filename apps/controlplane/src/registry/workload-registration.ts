// Sidecar self-registration: a sidecar that sends its address and ports gets a Workload
// (named after node.metadata.workload, else its node id) in its Service's namespace,
// annotated `crossway.dev/owner: dataplane/<node id>`. Once the sidecar disconnects
// and is not back (on any control-plane instance) within the grace period, the
// Workload is deleted. Workloads not owned by that data plane are never touched.
import { API_VERSION, validateObject, type CrosswayObject } from '@crossway/model';
import { isStoreError, type Store } from '@crossway/store';
import type { Logger } from 'pino';
import type { ProxyNode } from '../contracts';

export const OWNER_ANNOTATION = 'crossway.dev/owner';

export interface WorkloadRegistrationOptions {
  store: Store;
  logger: Logger;
  /** How long a disconnected sidecar's Workload stays. Default 30 s. */
  graceMs: number;
  /** True while the node is connected to some control-plane instance. */
  stillConnected: (nodeId: string) => Promise<boolean>;
}

export interface WorkloadRegistration {
  connected(node: ProxyNode): void;
  disconnected(node: ProxyNode): void;
  /** Cancels pending removals (the Workloads stay). */
  close(): void;
  /** Settles pending writes (tests). */
  idle(): Promise<void>;
}

function dnsName(text: string): string {
  const name = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return name === '' ? 'workload' : name;
}

/** The Workload a node asks for, or undefined if it sent no address or ports. */
export function workloadFor(node: ProxyNode): CrosswayObject | undefined {
  if (node.role !== 'sidecar' || node.address === undefined || node.service === undefined)
    return undefined;
  if (node.ports === undefined || node.ports.length === 0) return undefined;
  const [namespace = '', service = ''] = node.service.split('/');
  const spec: Record<string, unknown> = {
    service,
    address: node.address,
    locality: node.locality,
    ports: node.ports,
  };
  if (node.outbound !== undefined && node.outbound.length > 0) spec['outbound'] = node.outbound;
  return {
    apiVersion: API_VERSION,
    kind: 'Workload',
    metadata: {
      name: dnsName(node.workload ?? node.id),
      namespace,
      annotations: { [OWNER_ANNOTATION]: `dataplane/${node.id}` },
    },
    spec,
  } as CrosswayObject;
}

function sameSpec(a: CrosswayObject, b: CrosswayObject): boolean {
  return (
    JSON.stringify((a as { spec?: unknown }).spec) ===
    JSON.stringify((b as { spec?: unknown }).spec)
  );
}

export function createWorkloadRegistration(
  options: WorkloadRegistrationOptions,
): WorkloadRegistration {
  const log = options.logger.child({ component: 'workload-registration' });
  const removals = new Map<string, ReturnType<typeof setTimeout>>();
  const pending = new Set<Promise<void>>();
  const track = (work: Promise<void>): void => {
    const done = work.catch((error: unknown) =>
      log.warn({ err: error }, 'workload registration failed'),
    );
    pending.add(done);
    void done.finally(() => pending.delete(done));
  };

  const register = async (node: ProxyNode, wanted: CrosswayObject): Promise<void> => {
    const validated = validateObject(wanted);
    if (!validated.ok) {
      log.warn(
        { node: node.id, violations: validated.violations },
        'sidecar sent a Workload that is not valid; not registered',
      );
      return;
    }
    const object = validated.value as CrosswayObject;
    const id = {
      kind: 'Workload' as const,
      namespace: object.metadata.namespace ?? '',
      name: object.metadata.name,
    };
    const current = await options.store.get(id);
    if (current === undefined) {
      await options.store.create(object);
      log.info({ node: node.id, workload: `${id.namespace}/${id.name}` }, 'workload registered');
      return;
    }
    if (current.metadata.annotations?.[OWNER_ANNOTATION] !== `dataplane/${node.id}`) {
      log.warn(
        { node: node.id, workload: `${id.namespace}/${id.name}` },
        'a Workload of that name exists and is not owned by this data plane; left alone',
      );
      return;
    }
    if (sameSpec(current, object)) return;
    const update = { ...object, metadata: { ...object.metadata } };
    await options.store.update(
      update,
      current.metadata.resourceVersion === undefined
        ? {}
        : { expectedResourceVersion: current.metadata.resourceVersion },
    );
  };

  const remove = async (node: ProxyNode, wanted: CrosswayObject): Promise<void> => {
    if (await options.stillConnected(node.id)) return;
    const id = {
      kind: 'Workload' as const,
      namespace: wanted.metadata.namespace ?? '',
      name: wanted.metadata.name,
    };
    const current = await options.store.get(id);
    if (current?.metadata.annotations?.[OWNER_ANNOTATION] !== `dataplane/${node.id}`) return;
    try {
      await options.store.delete(
        id,
        current.metadata.resourceVersion === undefined
          ? {}
          : { expectedResourceVersion: current.metadata.resourceVersion },
      );
      log.info({ node: node.id, workload: `${id.namespace}/${id.name}` }, 'workload removed');
    } catch (error) {
      if (!isStoreError(error) || (error.code !== 'NotFound' && error.code !== 'Conflict'))
        throw error;
    }
  };

  return {
    connected: (node) => {
      const wanted = workloadFor(node);
      if (wanted === undefined) return;
      const timer = removals.get(node.id);
      if (timer !== undefined) clearTimeout(timer);
      removals.delete(node.id);
      track(register(node, wanted));
    },
    disconnected: (node) => {
      const wanted = workloadFor(node);
      if (wanted === undefined) return;
      const previous = removals.get(node.id);
      if (previous !== undefined) clearTimeout(previous);
      const timer = setTimeout(() => {
        removals.delete(node.id);
        track(remove(node, wanted));
      }, options.graceMs);
      timer.unref();
      removals.set(node.id, timer);
    },
    close: () => {
      for (const timer of removals.values()) clearTimeout(timer);
      removals.clear();
    },
    idle: async () => {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
