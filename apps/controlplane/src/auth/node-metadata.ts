// Reads DiscoveryRequest.node (protobufjs object form, either field-name case) into
// plain values: google.protobuf.Struct metadata becomes JSON, locality {region, zone}.
import type { DataPlaneRole, ProxyNode } from '../contracts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(value: Record<string, unknown>, camel: string, snake: string): unknown {
  return value[camel] ?? value[snake];
}

/** A google.protobuf.Value (or an already plain value) as JSON. */
function valueToJson(value: unknown): Json {
  if (!isObject(value)) {
    if (Array.isArray(value)) return value.map(valueToJson);
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      return value;
    return null;
  }
  const text = field(value, 'stringValue', 'string_value');
  if (typeof text === 'string') return text;
  const number = field(value, 'numberValue', 'number_value');
  if (typeof number === 'number') return number;
  const bool = field(value, 'boolValue', 'bool_value');
  if (typeof bool === 'boolean') return bool;
  const struct = field(value, 'structValue', 'struct_value');
  if (isObject(struct)) return structToJson(struct);
  const list = field(value, 'listValue', 'list_value');
  if (isObject(list)) {
    const values = list['values'];
    return Array.isArray(values) ? values.map(valueToJson) : [];
  }
  if ('nullValue' in value || 'null_value' in value) return null;
  // A plain JSON object (metadata not in Struct form).
  return structToJson({ fields: value });
}

/** A google.protobuf.Struct as a JSON object. */
export function structToJson(struct: unknown): Record<string, Json> {
  if (!isObject(struct)) return {};
  const fields = struct['fields'];
  const source = isObject(fields) ? fields : {};
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(source)) out[key] = valueToJson(value);
  return out;
}

const ROLES: ReadonlySet<string> = new Set(['edge', 'sidecar', 'proxyless']);

export type ParsedNode =
  { ok: true; node: ProxyNode; token?: string } | { ok: false; message: string };

function ports(value: Json | undefined): ProxyNode['ports'] {
  if (!Array.isArray(value)) return undefined;
  const out: NonNullable<ProxyNode['ports']> = [];
  for (const item of value) {
    if (!isObject(item) || typeof item['port'] !== 'number') continue;
    const port: { name: string; port: number; targetPort?: number } = {
      name: typeof item['name'] === 'string' ? item['name'] : '',
      port: item['port'],
    };
    if (typeof item['targetPort'] === 'number') port.targetPort = item['targetPort'];
    out.push(port);
  }
  return out;
}

function outbound(value: Json | undefined): ProxyNode['outbound'] {
  if (!Array.isArray(value)) return undefined;
  const out: NonNullable<ProxyNode['outbound']> = [];
  for (const item of value) {
    if (!isObject(item) || typeof item['port'] !== 'number') continue;
    const entry: { port: number; service?: string; servicePort?: number } = { port: item['port'] };
    if (typeof item['service'] === 'string') entry.service = item['service'];
    if (typeof item['servicePort'] === 'number') entry.servicePort = item['servicePort'];
    out.push(entry);
  }
  return out;
}

/** The node's claims and token, or why it is malformed (never echoing the token). */
export function parseNode(raw: unknown): ParsedNode {
  if (!isObject(raw)) return { ok: false, message: 'the request carries no node' };
  const id = raw['id'];
  if (typeof id !== 'string' || id === '') return { ok: false, message: 'node.id is required' };
  const metadata = structToJson(raw['metadata']);
  const role = metadata['role'];
  if (typeof role !== 'string' || !ROLES.has(role))
    return {
      ok: false,
      message: 'node.metadata.role is required: edge, sidecar or proxyless',
    };
  const localityRaw = isObject(raw['locality']) ? raw['locality'] : {};
  const locality: ProxyNode['locality'] = {};
  if (typeof localityRaw['region'] === 'string' && localityRaw['region'] !== '')
    locality.region = localityRaw['region'];
  if (typeof localityRaw['zone'] === 'string' && localityRaw['zone'] !== '')
    locality.zone = localityRaw['zone'];
  const node: ProxyNode = { id, role: role as DataPlaneRole, locality };
  const text = (key: string): string | undefined => {
    const value = metadata[key];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const gateway = text('gateway');
  const service = text('service');
  const workload = text('workload');
  const address = text('address');
  if (gateway !== undefined) node.gateway = gateway;
  if (service !== undefined) node.service = service;
  if (workload !== undefined) node.workload = workload;
  if (address !== undefined) node.address = address;
  const nodePorts = ports(metadata['ports']);
  if (nodePorts !== undefined) node.ports = nodePorts;
  const nodeOutbound = outbound(metadata['outbound']);
  if (nodeOutbound !== undefined) node.outbound = nodeOutbound;
  const providers = metadata['certificateProviders'];
  if (typeof providers === 'boolean') node.certificateProviders = providers;
  if (node.role === 'edge' && node.gateway === undefined)
    return { ok: false, message: 'an edge must send node.metadata.gateway ("ns/name")' };
  if (node.role === 'sidecar' && node.service === undefined)
    return { ok: false, message: 'a sidecar must send node.metadata.service ("ns/name")' };
  const token = text('token');
  return token === undefined ? { ok: true, node } : { ok: true, node, token };
}
