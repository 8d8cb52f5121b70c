// Loads the edge golden cases: testdata/edge/<case>.in.yaml holds model objects
// (multi-document YAML, validated as the API would); the first Gateway in the file
// is the one whose edge snapshot is rendered to <case>.edge.json.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validateObject, type ValidatedObject } from '@crossway/model';
import { resolvePolicy } from '@crossway/policy';
import { format, resolveConfig } from 'prettier';
import { parseAllDocuments } from 'yaml';
import {
  buildEdgeIr,
  buildSnapshot,
  referencedSecrets,
  stableJson,
  translateEdge,
  type EnvoyResources,
  type Snapshot,
} from '../../src/index';

/** Golden files are formatted with the repo's Prettier config, as `format:check` reads them. */
const GOLDEN_CONFIG_FILE = fileURLToPath(new URL('../../testdata/golden.json', import.meta.url));

export const edgeDir = fileURLToPath(new URL('../../testdata/edge/', import.meta.url));

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates like the API, then restores the server-owned fields the store keeps. */
export function toValidated(raw: unknown, where: string): ValidatedObject {
  const result = validateObject(raw);
  if (!result.ok) throw new Error(`${where}: invalid object: ${JSON.stringify(result.violations)}`);
  const metadata = isRecord(raw) && isRecord(raw['metadata']) ? raw['metadata'] : {};
  const created = metadata['creationTimestamp'];
  result.value.metadata.generation = 1;
  result.value.metadata.creationTimestamp =
    typeof created === 'string' ? created : '2024-01-01T00:00:00Z';
  return result.value;
}

export function loadObjects(path: string): ValidatedObject[] {
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((doc) => doc.toJS())
    .filter((raw) => raw !== null)
    .map((raw, i) => toValidated(raw, `${path} document ${i}`));
}

/** The repo's demo is a case too, read where it lives so the golden file follows it. */
const EXTRA_CASES: Record<string, string> = {
  shop: fileURLToPath(new URL('../../../../examples/shop.yaml', import.meta.url)),
};

export function caseNames(): string[] {
  return [
    ...readdirSync(edgeDir)
      .filter((f) => f.endsWith('.in.yaml'))
      .map((f) => f.slice(0, -'.in.yaml'.length)),
    ...Object.keys(EXTRA_CASES),
  ].sort();
}

export function caseInput(name: string): string {
  return EXTRA_CASES[name] ?? `${edgeDir}${name}.in.yaml`;
}

export interface EdgeResult {
  gateway: string;
  resources: EnvoyResources;
  snapshot: Snapshot;
  /** Conditions other than a plain True, one line each. */
  conditions: string[];
}

function notableConditions(objects: readonly ValidatedObject[]): string[] {
  const { statuses } = resolvePolicy(objects);
  return statuses.flatMap((s) => {
    const who = `${s.kind} ${s.namespace === undefined ? '' : `${s.namespace}/`}${s.name}`;
    const lists = [
      ...(s.status.conditions ? [{ where: '', list: s.status.conditions }] : []),
      ...(s.status.parents ?? []).map((p) => ({
        where: ` parent ${p.parentRef.kind ?? 'Gateway'} ${p.parentRef.namespace ?? ''}/${p.parentRef.name}${p.parentRef.sectionName === undefined ? '' : `/${p.parentRef.sectionName}`}`,
        list: p.conditions,
      })),
      ...(s.status.ancestors ?? []).map((a) => ({
        where: ` ancestor ${a.ancestorRef.kind ?? ''} ${a.ancestorRef.name}`,
        list: a.conditions,
      })),
    ];
    return lists.flatMap(({ where, list }) =>
      list
        .filter((c) => c.status !== 'True' || c.type === 'RuleShadowed')
        .map((c) => `${who}${where}: ${c.type} ${c.status} ${c.reason}: ${c.message}`),
    );
  });
}

export function runEdge(objects: readonly ValidatedObject[]): EdgeResult {
  const first = objects.find((o) => o.kind === 'Gateway');
  if (!first) throw new Error('no Gateway in the case');
  const gateway = `${first.metadata.namespace ?? 'default'}/${first.metadata.name}`;
  const ir = buildEdgeIr(resolvePolicy(objects), gateway);
  if (!ir) throw new Error(`Gateway ${gateway} did not resolve`);
  const resources = translateEdge(ir);
  const snapshot = buildSnapshot(resources, { externalSecrets: referencedSecrets(resources) });
  return { gateway, resources, snapshot, conditions: notableConditions(objects) };
}

/** Sorted keys, then the repo's formatter, so `format:check` and the golden files agree. */
export async function renderGolden(result: EdgeResult): Promise<string> {
  return format(
    stableJson({
      gateway: result.gateway,
      snapshot: result.snapshot.kinds,
      problems: result.snapshot.problems,
      conditions: result.conditions,
    }),
    { ...((await resolveConfig(GOLDEN_CONFIG_FILE)) ?? {}), parser: 'json' },
  );
}
