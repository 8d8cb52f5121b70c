// Walks a resource in proto3 JSON form along its reflection, calling back for every message
// (Anys are opened by their `@type`), so checks can be written per message type.
import protobuf from 'protobufjs';
import type { Root, Type } from 'protobufjs';
import { isJsonObject, type JsonObject, type JsonValue } from '../json.ts';
import { fieldPath, indexPath, keyPath } from '../paths.ts';
import { findMessageType, typeNameFromUrl, typeNameOf } from '../type-url.ts';
import * as wkt from '../wkt.ts';

export type MessageVisitor = (typeName: string, message: JsonObject, path: string) => void;

export function visitMessages(
  root: Root,
  type: Type,
  value: JsonValue | undefined,
  path: string,
  visit: MessageVisitor,
): void {
  if (!isJsonObject(value)) return;
  const name = typeNameOf(type);
  if (name === wkt.ANY) {
    const url = value['@type'];
    const inner = typeof url === 'string' ? findMessageType(root, typeNameFromUrl(url)) : undefined;
    if (inner === undefined || wkt.hasSpecialJson(typeNameOf(inner))) return;
    const { '@type': _url, ...fields } = value;
    visitMessages(root, inner, fields, path, visit);
    return;
  }
  if (wkt.hasSpecialJson(name)) return;
  visit(name, value, path);
  for (const field of type.fieldsArray) {
    const child = value[field.name];
    const resolved = field.resolvedType;
    if (child === undefined || !(resolved instanceof protobuf.Type)) continue;
    const here = fieldPath(path, field.name);
    if (field.map && isJsonObject(child)) {
      for (const [key, entry] of Object.entries(child)) {
        visitMessages(root, resolved, entry, keyPath(here, key), visit);
      }
    } else if (field.repeated && Array.isArray(child)) {
      child.forEach((item, index) =>
        visitMessages(root, resolved, item, indexPath(here, index), visit),
      );
    } else {
      visitMessages(root, resolved, child, here, visit);
    }
  }
}

export function text(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function objects(value: JsonValue | undefined): JsonObject[] {
  return Array.isArray(value) ? value.filter(isJsonObject) : [];
}
