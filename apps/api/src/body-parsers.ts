// Request body parsing that refuses hostile input with a clear 4xx before any of
// it reaches a handler: invalid UTF-8, prototype keys, deep nesting, huge
// collections, duplicate YAML keys and YAML alias bombs.
import type { FastifyInstance } from 'fastify';
import { parseAllDocuments } from 'yaml';
import { ApiProblem } from './problems';

export const BODY_LIMITS = {
  bytes: 4 * 1024 * 1024,
  depth: 64,
  nodes: 200_000,
  yamlDocuments: 5_000,
  yamlAliases: 100,
} as const;

const JSON_TYPES = ['application/json', 'application/merge-patch+json'];
const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decode(body: Buffer): string {
  try {
    return utf8.decode(body);
  } catch (cause) {
    throw new ApiProblem('BadRequest', 'request body is not valid UTF-8', [], { cause });
  }
}

/** Walks a parsed value without recursion, enforcing depth, size and key rules. */
export function checkStructure(root: unknown): void {
  const stack: { value: unknown; depth: number; path: string }[] = [
    { value: root, depth: 0, path: '' },
  ];
  let nodes = 0;
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop() as { value: unknown; depth: number; path: string };
    if (++nodes > BODY_LIMITS.nodes)
      throw new ApiProblem('BadRequest', `request body has more than ${BODY_LIMITS.nodes} values`);
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= BODY_LIMITS.depth)
      throw new ApiProblem(
        'BadRequest',
        `request body is nested deeper than ${BODY_LIMITS.depth} levels`,
        [{ path, message: 'nested too deeply' }],
      );
    if (Array.isArray(value)) {
      value.forEach((item, i) =>
        stack.push({ value: item, depth: depth + 1, path: `${path}[${i}]` }),
      );
      continue;
    }
    for (const key of Object.keys(value)) {
      const at = path ? `${path}.${key}` : key;
      if (FORBIDDEN_KEYS.has(key))
        throw new ApiProblem('BadRequest', `request body uses the reserved key "${key}"`, [
          { path: at, message: 'reserved key' },
        ]);
      stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1, path: at });
    }
  }
}

export function parseJsonBody(body: Buffer): unknown {
  const text = decode(body);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new ApiProblem(
      'BadRequest',
      `request body is not valid JSON: ${cause instanceof Error ? cause.message : String(cause)}`,
      [],
      { cause },
    );
  }
  checkStructure(value);
  return value;
}

/** Parses multi-document YAML; one document gives that value, several give `{documents: [...]}` via parseYamlDocuments. */
export function parseYamlDocuments(body: Buffer): unknown[] {
  const text = decode(body);
  const documents = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true, strict: true });
  const list = Array.isArray(documents) ? documents : [documents];
  if (list.length > BODY_LIMITS.yamlDocuments)
    throw new ApiProblem(
      'BadRequest',
      `request body has more than ${BODY_LIMITS.yamlDocuments} YAML documents`,
    );
  const values: unknown[] = [];
  list.forEach((doc, index) => {
    // Warnings (unresolved tags such as !!js/function) are refused like errors.
    const error = doc.errors[0] ?? doc.warnings[0];
    if (error) {
      const line = error.linePos?.[0].line;
      throw new ApiProblem(
        'BadRequest',
        `YAML document ${index + 1}${line === undefined ? '' : ` line ${line}`}: ${error.message.split('\n')[0]}`,
        [],
        { cause: error },
      );
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: BODY_LIMITS.yamlAliases });
    } catch (cause) {
      throw new ApiProblem(
        'BadRequest',
        `YAML document ${index + 1}: ${cause instanceof Error ? cause.message : String(cause)}`,
        [],
        { cause },
      );
    }
    if (value === null || value === undefined) return;
    checkStructure(value);
    values.push(value);
  });
  return values;
}

/** A YAML body as the handlers see it. */
export class YamlDocuments {
  constructor(readonly documents: unknown[]) {}
}

export function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    JSON_TYPES,
    { parseAs: 'buffer', bodyLimit: BODY_LIMITS.bytes },
    (_req, body, done) => {
      try {
        done(null, parseJsonBody(body as Buffer));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
  app.addContentTypeParser(
    YAML_TYPES,
    { parseAs: 'buffer', bodyLimit: BODY_LIMITS.bytes },
    (_req, body, done) => {
      try {
        done(null, new YamlDocuments(parseYamlDocuments(body as Buffer)));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
}
