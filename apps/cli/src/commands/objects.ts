// get, describe and delete: reading and removing objects by kind and name.
import { KIND_DESCRIPTORS } from '@crossway/model';
import { kindOf, type ApiObject, type ProxyInfo } from '@crossway/client';
import { EXIT } from '../exit-codes';
import { loadManifests } from '../manifests';
import { checkFormat, objectsTable, render, table } from '../output';
import type { RunContext } from '../run-context';
import { stringify } from 'yaml';

export interface GetFlags {
  namespace?: string;
  allNamespaces?: boolean;
  selector?: string;
  output: string;
}

export async function getCommand(
  ctx: RunContext,
  kindName: string,
  name: string | undefined,
  flags: GetFlags,
): Promise<number> {
  const format = checkFormat(flags.output);
  const kind = kindOf(kindName);
  const client = ctx.client();
  if (name !== undefined) {
    const object = await client.get(kind.kind, name, flags.namespace);
    ctx.out.out(
      format === 'json' || format === 'yaml'
        ? render(format, object)
        : objectsTable([object], format === 'wide', false),
    );
    return EXIT.ok;
  }
  const all = Boolean(flags.allNamespaces) && kind.scope === 'Namespaced';
  const items = await client.listAll(kind.kind, {
    ...(all ? { allNamespaces: true } : {}),
    ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }),
    ...(flags.selector === undefined ? {} : { labelSelector: flags.selector }),
  });
  if (format === 'json' || format === 'yaml') {
    ctx.out.out(render(format, { items }));
    return EXIT.ok;
  }
  if (items.length === 0) {
    ctx.out.err(
      all
        ? `No ${kind.plural} found.`
        : `No ${kind.plural} found in ${flags.namespace ?? 'default'}.`,
    );
    return EXIT.ok;
  }
  ctx.out.out(objectsTable(items, format === 'wide', all));
  return EXIT.ok;
}

function refersTo(ref: unknown, object: ApiObject): boolean {
  if (typeof ref !== 'object' || ref === null) return false;
  const r = ref as { kind?: string; name?: string };
  return r.kind === object.kind && r.name === object.metadata.name;
}

function targetsOf(policy: ApiObject): unknown[] {
  const spec = policy.spec as { targetRef?: unknown; targetRefs?: unknown[] };
  return [...(spec.targetRef ? [spec.targetRef] : []), ...(spec.targetRefs ?? [])];
}

/** The proxies whose config this object can reach: its Gateway/Service, or a route's parents. */
function affects(object: ApiObject, proxy: ProxyInfo): boolean {
  const ns = object.metadata.namespace ?? 'default';
  const targets = new Set<string>();
  if (object.kind === 'Gateway' || object.kind === 'Service')
    targets.add(`${ns}/${object.metadata.name}`);
  const spec = object.spec as { parentRefs?: { name?: string; namespace?: string }[] };
  for (const p of spec.parentRefs ?? []) targets.add(`${p.namespace ?? ns}/${p.name ?? ''}`);
  if (object.kind === 'Mesh') return true;
  return (
    (proxy.gateway !== undefined && targets.has(proxy.gateway)) ||
    (proxy.service !== undefined && targets.has(proxy.service))
  );
}

export async function describeCommand(
  ctx: RunContext,
  kindName: string,
  name: string,
  flags: { namespace?: string },
): Promise<number> {
  const kind = kindOf(kindName);
  const client = ctx.client();
  const object = await client.get(kind.kind, name, flags.namespace);
  const { out } = ctx;
  const meta = object.metadata;
  out.out(`Name:        ${meta.name}`);
  if (meta.namespace) out.out(`Namespace:   ${meta.namespace}`);
  out.out(`Kind:        ${object.kind}`);
  out.out(`Generation:  ${meta.generation ?? ''}`);
  out.out(`Created:     ${meta.creationTimestamp ?? ''}`);
  for (const [key, value] of Object.entries(meta.labels ?? {}))
    out.out(`Label:       ${key}=${value}`);
  for (const [key, value] of Object.entries(meta.annotations ?? {}))
    out.out(`Annotation:  ${key}=${value}`);
  out.out('Spec:');
  out.out(stringify(object.spec).trimEnd().replace(/^/gm, '  '));

  out.out('Conditions:');
  const rows: string[][] = [];
  const status = object.status ?? {};
  for (const c of status.conditions ?? []) rows.push(['-', c.type, c.status, c.reason, c.message]);
  for (const p of status.parents ?? [])
    for (const c of p.conditions)
      rows.push([
        `parent ${p.parentRef.kind}/${p.parentRef.name}`,
        c.type,
        c.status,
        c.reason,
        c.message,
      ]);
  for (const a of status.ancestors ?? [])
    for (const c of a.conditions)
      rows.push([
        `ancestor ${a.ancestorRef.kind}/${a.ancestorRef.name}`,
        c.type,
        c.status,
        c.reason,
        c.message,
      ]);
  out.out(
    rows.length === 0
      ? '  <none>'
      : table(['FOR', 'TYPE', 'STATUS', 'REASON', 'MESSAGE'], rows).replace(/^/gm, '  '),
  );

  out.out('Attached policies:');
  const policies: string[] = [];
  for (const d of KIND_DESCRIPTORS.filter((k) => k.category === 'policy')) {
    const items =
      object.kind === 'Mesh'
        ? await client.listAll(d.kind, { allNamespaces: true })
        : await client.listAll(d.kind, { namespace: meta.namespace ?? 'default' });
    for (const p of items)
      if (targetsOf(p).some((t) => refersTo(t, object)))
        policies.push(`${p.kind}/${p.metadata.namespace ?? ''}/${p.metadata.name}`);
  }
  out.out(policies.length === 0 ? '  <none>' : policies.map((p) => `  ${p}`).join('\n'));

  out.out('Affected proxies:');
  const proxies = (await client.proxies()).filter((p) => affects(object, p));
  out.out(
    proxies.length === 0
      ? '  <none>'
      : proxies.map((p) => `  ${p.id} (${p.role}${p.nack ? ', NACKed' : ''})`).join('\n'),
  );
  return EXIT.ok;
}

export async function deleteCommand(
  ctx: RunContext,
  kindName: string | undefined,
  name: string | undefined,
  flags: { namespace?: string; filename?: string[] },
): Promise<number> {
  const client = ctx.client();
  const targets: { kind: string; name: string; namespace?: string }[] = [];
  if (flags.filename && flags.filename.length > 0) {
    for (const l of loadManifests(flags.filename, { cwd: ctx.out.cwd })) {
      const meta = l.object['metadata'] as { name: string; namespace?: string };
      targets.push({
        kind: String(l.object['kind']),
        name: meta.name,
        ...(meta.namespace === undefined ? {} : { namespace: meta.namespace }),
      });
    }
  } else if (kindName !== undefined && name !== undefined) {
    targets.push({
      kind: kindOf(kindName).kind,
      name,
      ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }),
    });
  } else {
    ctx.out.err('delete needs <kind> <name> or -f <file|dir>');
    return EXIT.usage;
  }
  for (const t of targets) {
    await client.delete(t.kind, t.name, t.namespace);
    ctx.out.out(`${t.kind.toLowerCase()}/${t.namespace ?? 'default'}/${t.name} deleted`);
  }
  return EXIT.ok;
}
