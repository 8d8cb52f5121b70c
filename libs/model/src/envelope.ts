// The Kubernetes-style envelope shared by every kind, and the status shapes the
// control plane writes. Server-owned metadata and status from a client are
// accepted on input (so GET-then-apply round-trips) and dropped.
import { z } from 'zod';
import { dnsLabel, labelName, labelValue, LIMITS, utf8Length } from './primitives';

import { API_VERSION } from './constants';
export {
  API_VERSION,
  DEFAULT_NAMESPACE,
  SYSTEM_NAMESPACE,
  OWNER_ANNOTATION,
  SOURCE_FILE_ANNOTATION,
  SOURCE_COMMIT_ANNOTATION,
} from './constants';

const serverOwned = z.unknown().optional();

export const metadataInput = z.strictObject({
  name: dnsLabel,
  namespace: dnsLabel.optional(),
  labels: z.record(labelName, labelValue).optional(),
  annotations: z
    .record(labelName, z.string())
    .optional()
    .refine(
      (a) => a === undefined || utf8Length(JSON.stringify(a)) <= LIMITS.annotationsBytes,
      `annotations must total at most ${LIMITS.annotationsBytes} bytes`,
    ),
  uid: serverOwned,
  resourceVersion: serverOwned,
  generation: serverOwned,
  creationTimestamp: serverOwned,
});

export interface ObjectMeta {
  name: string;
  /** Absent on cluster-scoped kinds (Mesh). */
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
  /** The store revision of the object's last spec or metadata write, as text. */
  resourceVersion?: string;
  /** Bumped on every change of spec, never on metadata-only or status writes. */
  generation?: number;
  /** RFC 3339; set once at creation and kept across updates and re-applies. */
  creationTimestamp?: string;
}

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime?: string;
}

export interface ObjectReference {
  kind: string;
  name: string;
  namespace?: string;
  sectionName?: string;
  port?: number;
}

export interface ObjectStatus {
  conditions?: Condition[];
  parents?: { parentRef: ObjectReference; controllerName?: string; conditions: Condition[] }[];
  ancestors?: { ancestorRef: ObjectReference; conditions: Condition[] }[];
  dataPlanes?: { acked: number; nacked: number; pending: number };
  keySha256?: string;
  [extra: string]: unknown;
}

export interface CrosswayObject<K extends string = string, S = unknown> {
  apiVersion: typeof API_VERSION;
  kind: K;
  metadata: ObjectMeta;
  spec: S;
  status?: ObjectStatus;
}

/** "namespace/name" (or just "name" for cluster-scoped objects), for logs and messages. */
export function objectKey(object: { metadata: Pick<ObjectMeta, 'name' | 'namespace'> }): string {
  const { namespace, name } = object.metadata;
  return namespace === undefined ? name : `${namespace}/${name}`;
}
