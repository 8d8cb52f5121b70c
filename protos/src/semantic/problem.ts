import type { ResourceKind } from '../type-url.ts';

export const MISSING_CODES = {
  listeners: 'missing-listener',
  routes: 'missing-route-config',
  clusters: 'missing-cluster',
  endpoints: 'missing-endpoints',
  secrets: 'missing-secret',
} as const;

export type SnapshotProblemCode =
  | 'invalid-resource'
  | 'missing-name'
  | 'duplicate-name'
  | 'duplicate-domain'
  | 'duplicate-wildcard-domain'
  | 'duplicate-filter-chain-match'
  | 'unsupported-filter-chain-match'
  | 'duplicate-address'
  | (typeof MISSING_CODES)[ResourceKind];

/** A problem found inside one resource, before it is tagged with the resource. */
export interface LocalProblem {
  readonly code: SnapshotProblemCode;
  readonly path: string;
  readonly message: string;
}
