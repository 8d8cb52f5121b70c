// Checks a resolved policy against a scenario's `expect` block. Compact notations:
// a condition is "Status Reason" or "Status Reason ~ text in the message", or
// "absent"; objects are "Kind namespace/name"; route table entries by config name.
import type { Condition } from '@crossway/model';
import { expect } from 'vitest';
import {
  authenticationFor,
  authorizationFor,
  effectiveTrafficPolicy,
  evaluateAuthorization,
  rateLimitsFor,
  reachableServices,
  type ResolvedPolicy,
  type RuleAction,
} from '../../src/index';
import { authorizationRequest, receiverTarget, trafficContext, trafficPolicyField } from './inputs';

type Dict = Record<string, unknown>;

function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function dict(value: unknown, what: string): Dict {
  if (!isDict(value)) throw new Error(`${what}: expected a mapping`);
  return value;
}

function list(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${what}: expected a list`);
  return value;
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new Error(`${what}: expected a string`);
  return value;
}

function splitKey(key: string): { kind: string; namespace?: string; name: string } {
  const [kind = '', ref = ''] = key.split(' ');
  const parts = ref.split('/');
  return parts.length === 2
    ? { kind, namespace: parts[0] ?? '', name: parts[1] ?? '' }
    : { kind, name: ref };
}

export function checkConditions(
  actual: readonly Condition[] | undefined,
  wanted: unknown,
  where: string,
) {
  for (const [type, spec] of Object.entries(dict(wanted, where))) {
    const found = (actual ?? []).find((c) => c.type === type);
    const want = text(spec, `${where}.${type}`);
    if (want === 'absent') {
      expect(found, `${where}: ${type} should be absent`).toBeUndefined();
      continue;
    }
    const [head = '', fragment] = want.split(' ~ ');
    expect(found, `${where}: no ${type} condition in ${JSON.stringify(actual)}`).toBeDefined();
    expect(`${found?.status} ${found?.reason}`, `${where}.${type}: ${found?.message}`).toBe(head);
    if (fragment !== undefined)
      expect(found?.message, `${where}.${type} message`).toContain(fragment);
  }
}

function checkStatus(resolved: ResolvedPolicy, wanted: unknown) {
  for (const [key, spec] of Object.entries(dict(wanted, 'status'))) {
    const id = splitKey(key);
    const entry = resolved.statuses.find(
      (s) => s.kind === id.kind && s.name === id.name && s.namespace === id.namespace,
    );
    expect(entry, `no status for ${key}`).toBeDefined();
    const s = dict(spec, key);
    if (s['conditions']) checkConditions(entry?.status.conditions, s['conditions'], key);
    list(s['parents'] ?? [], key).forEach((p, i) =>
      checkConditions(entry?.status.parents?.[i]?.conditions, p, `${key} parents[${i}]`),
    );
    list(s['ancestors'] ?? [], key).forEach((a, i) =>
      checkConditions(entry?.status.ancestors?.[i]?.conditions, a, `${key} ancestors[${i}]`),
    );
    const listeners = entry?.status['listeners'];
    for (const [name, l] of Object.entries(dict(s['listeners'] ?? {}, key))) {
      const found = Array.isArray(listeners)
        ? listeners.find((x: unknown) => isDict(x) && x['name'] === name)
        : undefined;
      expect(found, `${key}: no listener status ${name}`).toBeDefined();
      const { attachedRoutes, ...conditions } = dict(l, `${key} listener ${name}`);
      if (attachedRoutes !== undefined) expect(found?.attachedRoutes).toBe(attachedRoutes);
      checkConditions(found?.conditions, conditions, `${key} listener ${name}`);
    }
  }
}

function listenerOf(resolved: ResolvedPolicy, ref: string) {
  const [namespace, name, listenerName] = ref.split('/');
  const gateway = resolved.gateways.find((g) => g.namespace === namespace && g.name === name);
  const listener = gateway?.listeners.find((l) => l.name === listenerName);
  if (!listener) throw new Error(`no listener ${ref}`);
  return listener;
}

function portOf(resolved: ResolvedPolicy, ref: string) {
  const [namespace, name, portName] = ref.split('/');
  const service = resolved.services.find((s) => s.namespace === namespace && s.name === name);
  const port = service?.ports.find((p) => p.name === portName);
  if (!port) throw new Error(`no service port ${ref}`);
  return port;
}

function checkTables(resolved: ResolvedPolicy, wanted: unknown) {
  for (const [i, item] of list(wanted, 'tables').entries()) {
    const t = dict(item, `tables[${i}]`);
    let names: string[];
    if (typeof t['listener'] === 'string') {
      const listener = listenerOf(resolved, t['listener']);
      if (t['hosts'] !== undefined) {
        expect(
          listener.virtualHosts.map((v) => v.hostname),
          `tables[${i}] hosts`,
        ).toEqual(t['hosts']);
        continue;
      }
      if (t['l4'] !== undefined) {
        names = listener.l4Routes.map((r) => `${r.name} ${r.hostnames.join(',')}`.trim());
        expect(names, `tables[${i}] l4`).toEqual(t['l4']);
        continue;
      }
      const host = t['host'] ?? '*';
      const vh = listener.virtualHosts.find((v) => v.hostname === host);
      names = (vh?.entries ?? []).map((e) => e.name);
    } else {
      const port = portOf(resolved, text(t['service'], `tables[${i}].service`));
      const consumer = t['consumer'];
      if (t['consumers'] !== undefined) {
        expect(port.routes.consumers.map((c) => c.namespace)).toEqual(t['consumers']);
        continue;
      }
      names = (
        consumer === undefined
          ? port.routes.producer
          : (port.routes.consumers.find((c) => c.namespace === consumer)?.entries ?? [])
      ).map((e) => e.name);
    }
    expect(names, `tables[${i}] ${JSON.stringify(t)}`).toEqual(t['entries']);
  }
}

export function describeAction(action: RuleAction): string {
  switch (action.type) {
    case 'Forward': {
      const backends = action.backends.map(
        (b) => `${b.service.namespace}/${b.service.name}:${b.port}*${b.weight}`,
      );
      const invalid = action.invalidWeight > 0 ? ` +${action.invalidWeight} invalid` : '';
      return `Forward ${backends.join(' ')}${invalid}`;
    }
    case 'Redirect':
      return 'Redirect';
    case 'DirectResponse':
      return `DirectResponse ${action.status}`;
  }
}

function checkActions(resolved: ResolvedPolicy, wanted: unknown) {
  for (const [key, actions] of Object.entries(dict(wanted, 'actions'))) {
    const id = splitKey(key);
    const route = resolved.routes.find(
      (r) => r.kind === id.kind && r.namespace === id.namespace && r.name === id.name,
    );
    expect(
      route?.rules.map((r) => describeAction(r.action)),
      key,
    ).toEqual(actions);
  }
}

function checkEndpoints(resolved: ResolvedPolicy, wanted: unknown) {
  for (const [ref, endpoints] of Object.entries(dict(wanted, 'endpoints'))) {
    const port = portOf(resolved, ref);
    expect(
      port.endpoints.map((e) => `${e.workload} ${e.address}:${e.port}`),
      ref,
    ).toEqual(endpoints);
  }
}

function checkEffective(resolved: ResolvedPolicy, wanted: unknown) {
  for (const [i, item] of list(wanted, 'effective').entries()) {
    const e = dict(item, `effective[${i}]`);
    const context = trafficContext.parse(e['context']);
    const result = effectiveTrafficPolicy(resolved, context);
    const where = `effective[${i}] ${JSON.stringify(context)}`;
    for (const [field, spec] of Object.entries(dict(e['fields'], where))) {
      const f = trafficPolicyField.parse(field);
      const source = result.sources[f];
      const value = result.fields[f];
      if (spec === 'absent') {
        expect(value, `${where}.${field}`).toBeUndefined();
        continue;
      }
      const s = dict(spec, `${where}.${field}`);
      expect(
        source && `${source.level} ${source.kind} ${source.namespace}/${source.name}`,
        `${where}.${field} from`,
      ).toBe(s['from']);
      if (s['value'] !== undefined) expect(value, `${where}.${field} value`).toEqual(s['value']);
    }
  }
}

function checkAuthorization(resolved: ResolvedPolicy, wanted: unknown) {
  for (const [i, item] of list(wanted, 'authorization').entries()) {
    const a = dict(item, `authorization[${i}]`);
    const target = receiverTarget.parse(a['target']);
    const set = authorizationFor(resolved, target);
    const where = `authorization[${i}] ${JSON.stringify(target)}`;
    if (a['default'] !== undefined) expect(set.default, `${where} default`).toBe(a['default']);
    const names = (entries: typeof set.denies) =>
      entries.map((x) => `${x.policy.namespace}/${x.policy.name}`);
    if (a['denies'] !== undefined)
      expect(names(set.denies), `${where} denies`).toEqual(a['denies']);
    if (a['allows'] !== undefined)
      expect(names(set.allows), `${where} allows`).toEqual(a['allows']);
    for (const [j, r] of list(a['requests'] ?? [], where).entries()) {
      const { verdict, ...request } = dict(r, `${where} requests[${j}]`);
      const v = evaluateAuthorization(set, authorizationRequest.parse(request));
      const by = v.by ? ` ${v.by.policy.namespace}/${v.by.policy.name}#${v.by.rule}` : '';
      expect(
        `${v.verdict} ${v.reason}${by}`,
        `${where} requests[${j}] ${JSON.stringify(request)}`,
      ).toBe(verdict);
    }
  }
}

function checkReceivers(resolved: ResolvedPolicy, wanted: unknown) {
  for (const [i, item] of list(wanted, 'receivers').entries()) {
    const r = dict(item, `receivers[${i}]`);
    const target = receiverTarget.parse(r['target']);
    const names = (ps: { policy: { namespace: string; name: string } }[]) =>
      ps.map((p) => `${p.policy.namespace}/${p.policy.name}`);
    if (r['rateLimits'] !== undefined)
      expect(names(rateLimitsFor(resolved, target)), `receivers[${i}] rateLimits`).toEqual(
        r['rateLimits'],
      );
    if (r['authentication'] !== undefined)
      expect(names(authenticationFor(resolved, target)), `receivers[${i}] authentication`).toEqual(
        r['authentication'],
      );
  }
}

function checkReachable(resolved: ResolvedPolicy, wanted: unknown) {
  for (const [ref, services] of Object.entries(dict(wanted, 'reachable'))) {
    const [namespace = '', name = ''] = ref.split('/');
    const reachable = reachableServices(resolved, { namespace, name }).map(
      (s) => `${s.namespace}/${s.name}`,
    );
    expect(reachable, ref).toEqual(services);
  }
}

function checkListeners(resolved: ResolvedPolicy, wanted: unknown) {
  for (const [ref, spec] of Object.entries(dict(wanted, 'listeners'))) {
    const listener = listenerOf(resolved, ref);
    expect(listener, ref).toMatchObject(dict(spec, ref));
  }
}

const CHECKS: Record<string, (resolved: ResolvedPolicy, wanted: unknown) => void> = {
  status: checkStatus,
  tables: checkTables,
  actions: checkActions,
  endpoints: checkEndpoints,
  effective: checkEffective,
  authorization: checkAuthorization,
  receivers: checkReceivers,
  reachable: checkReachable,
  listeners: checkListeners,
};

export function checkExpectations(resolved: ResolvedPolicy, expectations: Dict): void {
  for (const [key, wanted] of Object.entries(expectations)) {
    const check = CHECKS[key];
    if (!check)
      throw new Error(`unknown expectation "${key}" (known: ${Object.keys(CHECKS).join(', ')})`);
    check(resolved, wanted);
  }
}
