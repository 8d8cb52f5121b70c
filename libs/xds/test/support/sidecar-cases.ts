// Loads the sidecar golden cases: testdata/sidecar/<case>.in.yaml holds model
// objects; its first line "# sidecar: <ns>/<service> [<workload>]" names the
// sidecar. The Workload's spec.outbound and locality are passed as the node would.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ValidatedObject } from '@crossway/model';
import { resolvePolicy, type ResolvedPolicy } from '@crossway/policy';
import { format, resolveConfig } from 'prettier';
import {
  buildSidecarIr,
  buildSnapshot,
  referencedSecrets,
  stableJson,
  translateSidecar,
  type EnvoyResources,
  type SidecarIr,
  type SidecarOptions,
  type Snapshot,
} from '../../src/index';

export const sidecarDir = fileURLToPath(new URL('../../testdata/sidecar/', import.meta.url));

export interface SidecarTarget {
  service: string;
  workload?: string;
}

/**
 * The demo is a case too (frontend's sidecar), read where it lives; so is the edge
 * case edge-to-mesh-mtls (the receiving sidecar of the edge's mTLS).
 */
const EXTRA_CASES: Record<string, { path: string; target: SidecarTarget }> = {
  shop: {
    path: fileURLToPath(new URL('../../../../examples/shop.yaml', import.meta.url)),
    target: { service: 'shop/frontend', workload: 'frontend-1' },
  },
  'edge-to-mesh-mtls': {
    path: fileURLToPath(new URL('../../testdata/edge/edge-to-mesh-mtls.in.yaml', import.meta.url)),
    target: { service: 'shop/app', workload: 'app-1' },
  },
};

export function sidecarCaseNames(): string[] {
  return [
    ...readdirSync(sidecarDir)
      .filter((f) => f.endsWith('.in.yaml'))
      .map((f) => f.slice(0, -'.in.yaml'.length)),
    ...Object.keys(EXTRA_CASES),
  ].sort();
}

export function sidecarCaseInput(name: string): string {
  return EXTRA_CASES[name]?.path ?? `${sidecarDir}${name}.in.yaml`;
}

/** Reads "# sidecar: ns/name [workload]" from a file's leading comment lines. */
export function parseSidecarTarget(text: string, where: string): SidecarTarget {
  const line = /^#\s*sidecar:\s*(\S+)(?:\s+(\S+))?\s*$/m.exec(text);
  if (!line?.[1]) throw new Error(`${where}: no "# sidecar: ns/name [workload]" line`);
  return line[2] === undefined ? { service: line[1] } : { service: line[1], workload: line[2] };
}

export function sidecarCaseTarget(name: string): SidecarTarget {
  const extra = EXTRA_CASES[name];
  if (extra) return extra.target;
  const path = sidecarCaseInput(name);
  return parseSidecarTarget(readFileSync(path, 'utf8'), path);
}

export interface SidecarResult {
  target: SidecarTarget;
  ir: SidecarIr;
  resources: EnvoyResources;
  snapshot: Snapshot;
  conditions: string[];
}

/** The options a sidecar's node would send: its Service, Workload and that Workload's outbound ports. */
export function sidecarOptions(
  objects: readonly ValidatedObject[],
  target: SidecarTarget,
): SidecarOptions {
  const options: SidecarOptions = { service: target.service };
  if (target.workload === undefined) return options;
  options.workload = target.workload;
  const namespace = target.service.split('/')[0];
  const workload = objects.find(
    (o) =>
      o.kind === 'Workload' &&
      o.metadata.name === target.workload &&
      (o.metadata.namespace ?? 'default') === namespace,
  );
  if (workload?.kind !== 'Workload') return options;
  if (workload.spec.outbound) options.outbound = workload.spec.outbound;
  const { region, zone } = workload.spec.locality;
  if (region !== undefined || zone !== undefined)
    options.locality = {
      ...(region === undefined ? {} : { region }),
      ...(zone === undefined ? {} : { zone }),
    };
  return options;
}

function notableConditions(resolved: ResolvedPolicy): string[] {
  return resolved.statuses.flatMap((s) => {
    const who = `${s.kind} ${s.namespace === undefined ? '' : `${s.namespace}/`}${s.name}`;
    const lists = [
      ...(s.status.conditions ?? []).map((c) => ({ where: '', c })),
      ...(s.status.parents ?? []).flatMap((p) =>
        p.conditions.map((c) => ({ where: ` parent ${p.parentRef.name}`, c })),
      ),
      ...(s.status.ancestors ?? []).flatMap((a) =>
        a.conditions.map((c) => ({ where: ` ancestor ${a.ancestorRef.name}`, c })),
      ),
    ];
    return lists
      .filter(({ c }) => c.status !== 'True')
      .map(({ where, c }) => `${who}${where}: ${c.type} ${c.status} ${c.reason}: ${c.message}`);
  });
}

export function runSidecarOn(
  resolved: ResolvedPolicy,
  objects: readonly ValidatedObject[],
  target: SidecarTarget,
): SidecarResult {
  const ir = buildSidecarIr(resolved, sidecarOptions(objects, target));
  if (!ir) throw new Error(`Service ${target.service} did not resolve`);
  const resources = translateSidecar(ir);
  const snapshot = buildSnapshot(resources, { externalSecrets: referencedSecrets(resources) });
  return { target, ir, resources, snapshot, conditions: notableConditions(resolved) };
}

export function runSidecar(
  objects: readonly ValidatedObject[],
  target: SidecarTarget,
): SidecarResult {
  return runSidecarOn(resolvePolicy(objects), objects, target);
}

/** Sorted keys, then the repo's formatter with its config, so `format:check` and the golden files agree. */
export async function renderSidecarGolden(result: SidecarResult): Promise<string> {
  const config = (await resolveConfig(`${sidecarDir}golden.json`)) ?? {};
  return format(
    stableJson({
      sidecar: result.target,
      snapshot: result.snapshot.kinds,
      problems: result.snapshot.problems,
      conditions: result.conditions,
    }),
    { ...config, parser: 'json' },
  );
}
