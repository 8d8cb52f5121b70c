// Derived config names: a reader of a config dump traces each one back to the
// object that made it. Never random, never order-dependent.

export function clusterName(service: { namespace: string; name: string }, port: number): string {
  return `outbound|${port}||${service.name}.${service.namespace}`;
}

export function gatewayPortName(
  gateway: { namespace: string; name: string },
  port: number,
): string {
  return `gateway/${gateway.namespace}/${gateway.name}/port/${port}`;
}

export function gatewayListenerName(
  gateway: { namespace: string; name: string },
  section: string,
): string {
  return `gateway/${gateway.namespace}/${gateway.name}/listener/${section}`;
}

export function secretName(secret: { namespace: string; name: string }): string {
  return `secret/${secret.namespace}/${secret.name}`;
}
