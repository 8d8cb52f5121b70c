// TCPRoute and TLSRoute: L4 forwarding and TLS passthrough by SNI.
import { z } from 'zod';
import { boundedList, dnsLabel, hostname } from '../primitives';
import { backendRef, parentRefs } from './references';

export const l4RouteRule = z.strictObject({
  name: dnsLabel.optional(),
  backendRefs: boundedList(backendRef, 16, 1),
});

export const tcpRouteSpec = z.strictObject({
  parentRefs,
  rules: boundedList(l4RouteRule, 16, 1),
});

export const tlsRouteSpec = z.strictObject({
  parentRefs,
  /** SNI names this route serves; none means every SNI on the listener. */
  hostnames: boundedList(hostname, 16).default([]),
  rules: boundedList(l4RouteRule, 16, 1),
});

export type TCPRouteSpec = z.output<typeof tcpRouteSpec>;
export type TLSRouteSpec = z.output<typeof tlsRouteSpec>;
