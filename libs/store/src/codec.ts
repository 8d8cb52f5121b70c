// Stored values are JSON. Decoding checks the envelope's shape only: specs are
// validated by the API before they are written.
import {
  API_VERSION,
  type CrosswayObject,
  type ObjectMeta,
  type ObjectStatus,
} from '@crossway/model';
import { StoreError } from './errors';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringMap(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((v) => typeof v === 'string');
}

/** Status is free-form JSON written by the control plane; any object is accepted. */
function isObjectStatus(value: unknown): value is ObjectStatus {
  return isRecord(value);
}

function parse(text: string, key: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new StoreError('Internal', `value at ${key} is not JSON`, { cause });
  }
}

export function encodeObject(object: CrosswayObject): string {
  return JSON.stringify(object);
}

export function decodeObject(text: string, key: string): CrosswayObject {
  const value = parse(text, key);
  if (!isRecord(value) || typeof value['kind'] !== 'string' || !isRecord(value['metadata'])) {
    throw new StoreError('Internal', `value at ${key} is not a stored object`);
  }
  const raw = value['metadata'];
  const name = raw['name'];
  if (typeof name !== 'string')
    throw new StoreError('Internal', `value at ${key} has no metadata.name`);
  const metadata: ObjectMeta = { name };
  const { namespace, labels, annotations, uid, generation, creationTimestamp } = raw;
  if (typeof namespace === 'string') metadata.namespace = namespace;
  if (isStringMap(labels)) metadata.labels = labels;
  if (isStringMap(annotations)) metadata.annotations = annotations;
  if (typeof uid === 'string') metadata.uid = uid;
  if (typeof generation === 'number') metadata.generation = generation;
  if (typeof creationTimestamp === 'string') metadata.creationTimestamp = creationTimestamp;
  return { apiVersion: API_VERSION, kind: value['kind'], metadata, spec: value['spec'] ?? {} };
}

export function encodeStatus(status: ObjectStatus): string {
  return JSON.stringify(status);
}

export function decodeStatus(text: string, key: string): ObjectStatus {
  const value = parse(text, key);
  if (!isObjectStatus(value))
    throw new StoreError('Internal', `value at ${key} is not a status object`);
  return value;
}
