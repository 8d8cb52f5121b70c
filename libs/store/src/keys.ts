// Key layout, driven by the kind descriptor table:
//   <prefix>/objects/<plural>/<namespace>/<name>   (cluster-scoped: <prefix>/objects/<plural>/<name>)
//   <prefix>/status/<plural>/...                   same shape, the object's status
//   <prefix>/markers/apply/<id>                    an open apply marker (see apply-markers.ts)
import {
  descriptorOf,
  descriptorOfPlural,
  type CrosswayObject,
  type KindName,
} from '@crossway/model';
import { StoreError } from './errors';
import type { ObjectId } from './types';

export const DEFAULT_PREFIX = '/crossway';

export interface KeyRange {
  /** Inclusive. */
  start: string;
  /** Exclusive. */
  end: string;
}

/** The range of every key that starts with `prefix`, which must end in '/'. */
export function prefixRange(prefix: string): KeyRange {
  if (!prefix.endsWith('/')) throw new Error(`prefix "${prefix}" must end with "/"`);
  // '0' is the byte after '/'.
  return { start: prefix, end: `${prefix.slice(0, -1)}0` };
}

/** Orders keys as etcd does (by UTF-8 bytes, which is code point order). */
export function compareKeys(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 puts surrogates (astral code points) below U+E000..U+FFFF; UTF-8 does not.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

function checkSegment(what: string, value: string, id: ObjectId): void {
  if (value === '' || value.includes('/')) {
    throw new StoreError(
      'InvalidArgument',
      `${id.kind} ${what} "${value}" must be non-empty and contain no "/"`,
      {
        details: { kind: id.kind, name: id.name },
      },
    );
  }
}

/** Throws InvalidArgument unless the id fits its kind's scope. */
export function checkId(id: ObjectId): void {
  const descriptor = descriptorOf(id.kind);
  if (descriptor === undefined)
    throw new StoreError('InvalidArgument', `unknown kind "${String(id.kind)}"`);
  checkSegment('name', id.name, id);
  if (descriptor.scope === 'Cluster') {
    if (id.namespace !== undefined) {
      throw new StoreError(
        'InvalidArgument',
        `${id.kind} is cluster-scoped: ${id.name} must have no namespace`,
        {
          details: { kind: id.kind, name: id.name },
        },
      );
    }
  } else if (id.namespace === undefined) {
    throw new StoreError('InvalidArgument', `${id.kind} ${id.name} needs a namespace`, {
      details: { kind: id.kind, name: id.name },
    });
  } else {
    checkSegment('namespace', id.namespace, id);
  }
}

export function idOf(object: CrosswayObject): ObjectId {
  const descriptor = descriptorOf(object.kind);
  if (descriptor === undefined)
    throw new StoreError('InvalidArgument', `unknown kind "${object.kind}"`);
  const { name, namespace } = object.metadata;
  return namespace === undefined
    ? { kind: descriptor.kind, name }
    : { kind: descriptor.kind, namespace, name };
}

export function describeId(id: ObjectId): string {
  return `${id.kind} ${id.namespace === undefined ? id.name : `${id.namespace}/${id.name}`}`;
}

export class KeyLayout {
  readonly prefix: string;
  readonly objects: string;
  readonly status: string;
  readonly records: string;
  readonly applyMarkers: string;

  constructor(prefix: string = DEFAULT_PREFIX) {
    this.prefix = prefix.replace(/\/+$/, '');
    this.objects = `${this.prefix}/objects/`;
    this.status = `${this.prefix}/status/`;
    this.records = `${this.prefix}/records/`;
    this.applyMarkers = `${this.prefix}/markers/apply/`;
  }

  applyMarkerKey(id: string): string {
    return this.applyMarkers + id;
  }

  /**
   * Apply markers and objects in one range ('markers/' sorts before 'objects/'), so one
   * watch sees both in revision order. Keys of neither kind in it are skipped by readers.
   */
  markersAndObjectsRange(): KeyRange {
    return { start: this.applyMarkers, end: prefixRange(this.objects).end };
  }

  private path(id: ObjectId): string {
    const plural = descriptorOf(id.kind).plural;
    return id.namespace === undefined
      ? `${plural}/${id.name}`
      : `${plural}/${id.namespace}/${id.name}`;
  }

  objectKey(id: ObjectId): string {
    return this.objects + this.path(id);
  }

  statusKey(id: ObjectId): string {
    return this.status + this.path(id);
  }

  /** The status key that belongs to an object key. */
  statusKeyOf(objectKey: string): string {
    return this.status + objectKey.slice(this.objects.length);
  }

  /** The id an object key names, or undefined if it names none. */
  idOfObjectKey(key: string): ObjectId | undefined {
    if (!key.startsWith(this.objects)) return undefined;
    const [plural = '', first, second, ...rest] = key.slice(this.objects.length).split('/');
    const descriptor = descriptorOfPlural(plural);
    if (descriptor === undefined || first === undefined || rest.length > 0) return undefined;
    if (descriptor.scope === 'Cluster')
      return second === undefined ? { kind: descriptor.kind, name: first } : undefined;
    return second === undefined
      ? undefined
      : { kind: descriptor.kind, namespace: first, name: second };
  }

  /** The object keys a list reads; filtering by namespace across kinds happens after. */
  listRange(kind: KindName | undefined, namespace: string | undefined): KeyRange {
    if (kind === undefined) return prefixRange(this.objects);
    const descriptor = descriptorOf(kind);
    const base = `${this.objects}${descriptor.plural}/`;
    if (namespace === undefined || descriptor.scope === 'Cluster') return prefixRange(base);
    return prefixRange(`${base}${namespace}/`);
  }
}
