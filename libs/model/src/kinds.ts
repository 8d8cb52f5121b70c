// The kind descriptor table: one entry per kind drives the store (key prefix),
// the REST API (plural, scope) and the CLI (names). Adding a kind is one entry in
// kind-table.ts (names, scope, category) plus its spec schema here.
import type { z } from 'zod';
import {
  kindInfo,
  type KindCategory,
  type KindInfo,
  type Scope,
  type TableKindName,
} from './kind-table';
import { authenticationPolicySpec } from './kinds/authentication-policy';
import { authorizationPolicySpec } from './kinds/authorization-policy';
import { gatewaySpec } from './kinds/gateway';
import { grpcRouteSpec } from './kinds/grpc-route';
import { httpRouteSpec } from './kinds/http-route';
import { meshSpec } from './kinds/mesh';
import { rateLimitPolicySpec } from './kinds/rate-limit-policy';
import { referenceGrantSpec } from './kinds/reference-grant';
import { secretSpec } from './kinds/secret';
import { serviceSpec } from './kinds/service';
import { tcpRouteSpec, tlsRouteSpec } from './kinds/l4-routes';
import { trafficPolicySpec } from './kinds/traffic-policy';
import { workloadSpec } from './kinds/workload';

export type { KindCategory, Scope };

export interface KindDescriptor<
  K extends string = string,
  S extends z.ZodType = z.ZodType,
> extends KindInfo<K> {
  spec: S;
}

function kind<K extends TableKindName, S extends z.ZodType>(name: K, spec: S) {
  return { ...kindInfo(name), spec };
}

/** The kind table (kind-table.ts) with each kind's spec schema. */
export const KIND_DESCRIPTORS = [
  kind('Mesh', meshSpec),
  kind('Service', serviceSpec),
  kind('Workload', workloadSpec),
  kind('Gateway', gatewaySpec),
  kind('HTTPRoute', httpRouteSpec),
  kind('GRPCRoute', grpcRouteSpec),
  kind('TCPRoute', tcpRouteSpec),
  kind('TLSRoute', tlsRouteSpec),
  kind('ReferenceGrant', referenceGrantSpec),
  kind('Secret', secretSpec),
  kind('TrafficPolicy', trafficPolicySpec),
  kind('AuthorizationPolicy', authorizationPolicySpec),
  kind('RateLimitPolicy', rateLimitPolicySpec),
  kind('AuthenticationPolicy', authenticationPolicySpec),
] as const;

export type KindName = (typeof KIND_DESCRIPTORS)[number]['kind'];
export type AnyKindDescriptor = (typeof KIND_DESCRIPTORS)[number];
export type DescriptorOf<K extends KindName> = Extract<AnyKindDescriptor, { kind: K }>;
export type SpecOf<K extends KindName> = z.output<DescriptorOf<K>['spec']>;
/** What a client writes for a kind's spec, before defaults. */
export type SpecInputOf<K extends KindName> = z.input<DescriptorOf<K>['spec']>;

export const KIND_NAMES: readonly KindName[] = KIND_DESCRIPTORS.map((d) => d.kind);

const byKind = new Map<string, AnyKindDescriptor>(KIND_DESCRIPTORS.map((d) => [d.kind, d]));
const byName = new Map<string, AnyKindDescriptor>();
for (const d of KIND_DESCRIPTORS) {
  for (const name of [d.kind.toLowerCase(), d.plural, d.singular, ...d.shortNames])
    byName.set(name, d);
}

export function isKindName(value: unknown): value is KindName {
  return typeof value === 'string' && byKind.has(value);
}

export function descriptorOf<K extends KindName>(kind: K): DescriptorOf<K>;
export function descriptorOf(kind: string): AnyKindDescriptor | undefined;
export function descriptorOf(kind: string): AnyKindDescriptor | undefined {
  return byKind.get(kind);
}

/** Looks a kind up by any of its names: Kind, plural, singular or short name (case-insensitive). */
export function findKind(name: string): AnyKindDescriptor | undefined {
  return byKind.get(name) ?? byName.get(name.toLowerCase());
}

export function descriptorOfPlural(plural: string): AnyKindDescriptor | undefined {
  return KIND_DESCRIPTORS.find((d) => d.plural === plural);
}
