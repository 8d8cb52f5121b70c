import protobuf from 'protobufjs';
import type { Message } from 'protobufjs';
import { checkedFromObject, type ProtoOptions } from './checked-from-object.ts';
import { ProtosError } from './errors.ts';
import { isRecord } from './json.ts';
import { loadEnvoyProtos } from './load-envoy-protos.ts';
import { toBytes } from './scalars.ts';
import {
  findMessageType,
  lookupMessageType,
  typeNameFromUrl,
  typeNameOf,
  typeUrl,
} from './type-url.ts';

/** google.protobuf.Any in protobufjs object form (what DiscoveryResponse.resources holds). */
export interface AnyObject {
  readonly type_url: string;
  readonly value: Uint8Array;
}

/**
 * Checks `object` against `typeName` (see checkedFromObject), encodes it and wraps it in an Any.
 * Throws ProtosError INVALID_OBJECT, with the problems, when the object does not fit.
 */
export function encodeAny(
  typeName: string,
  object: unknown,
  options: ProtoOptions = {},
): AnyObject {
  const root = options.root ?? loadEnvoyProtos();
  const type = lookupMessageType(root, typeName);
  const checked = checkedFromObject(type, object, { root });
  if (!checked.ok) {
    const first = checked.problems.slice(0, 3).map((p) => `${p.path || '(root)'}: ${p.message}`);
    throw new ProtosError('INVALID_OBJECT', `invalid ${typeNameOf(type)}: ${first.join('; ')}`, {
      problems: checked.problems,
    });
  }
  return { type_url: typeUrl(type.fullName), value: type.encode(checked.message).finish() };
}

export interface DecodedAny {
  readonly typeName: string;
  readonly message: Message;
}

/** Decodes an Any ({type_url, value} with bytes or base64) into a message of its type. */
export function decodeAny(any: unknown, options: ProtoOptions = {}): DecodedAny {
  const root = options.root ?? loadEnvoyProtos();
  const url =
    isRecord(any) || any instanceof protobuf.Message ? Reflect.get(any, 'type_url') : undefined;
  const value =
    isRecord(any) || any instanceof protobuf.Message ? Reflect.get(any, 'value') : undefined;
  if (typeof url !== 'string')
    throw new ProtosError('INVALID_ANY', 'an Any needs a type_url string');
  const type = findMessageType(root, typeNameFromUrl(url));
  if (type === undefined)
    throw new ProtosError('INVALID_ANY', `Any names ${url}, which is not loaded`);
  const bytes = value === undefined ? new Uint8Array() : toBytes(value);
  if (bytes === undefined)
    throw new ProtosError('INVALID_ANY', `the value of an Any of ${url} is not bytes`);
  try {
    return { typeName: typeNameOf(type), message: type.decode(bytes) };
  } catch (cause) {
    throw new ProtosError('INVALID_ANY', `the bytes of an Any of ${url} do not decode`, { cause });
  }
}
