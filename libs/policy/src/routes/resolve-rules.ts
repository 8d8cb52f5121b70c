// Route rules: matches normalized, backends and mirrors resolved, and the action
// each rule takes. A rule whose backends all fail still exists and answers 500.
import type { ObjectIndex, StoredRoute } from '../common/object-index';
import type { GrantCheck } from '../common/reference-grants';
import { resolveBackendRef, type BackendRefInput, type RefProblem } from './resolve-backends';
import { resolveGrpcMatches, resolveHttpMatch } from './resolve-matches';
import type {
  ResolvedBackend,
  ResolvedFilter,
  ResolvedMatch,
  ResolvedMirror,
  ResolvedRule,
  RuleAction,
} from './route-types';

export interface ResolvedRules {
  rules: ResolvedRule[];
  problems: RefProblem[];
}

interface RuleInput {
  name?: string | undefined;
  matches: ResolvedMatch[];
  filters: readonly (
    | ResolvedFilter
    | { type: 'RequestMirror'; requestMirror: { backendRef: BackendRefInput; percent: number } }
  )[];
  backendRefs: readonly BackendRefInput[];
  timeouts?: ResolvedRule['timeouts'] | undefined;
  retry?: ResolvedRule['retry'] | undefined;
}

function actionFor(
  redirect: boolean,
  refCount: number,
  backends: ResolvedBackend[],
  invalidWeight: number,
): RuleAction {
  if (redirect) return { type: 'Redirect' };
  if (refCount === 0)
    return { type: 'DirectResponse', status: 500, reason: 'the rule has no backendRefs' };
  if (backends.length === 0)
    return {
      type: 'DirectResponse',
      status: 500,
      reason: 'no backendRef of the rule resolved (missing or not permitted)',
    };
  if (backends.every((b) => b.weight === 0) && invalidWeight === 0)
    return { type: 'DirectResponse', status: 500, reason: 'every backend has weight 0' };
  return { type: 'Forward', backends, invalidWeight };
}

function resolveRule(
  index: ObjectIndex,
  grants: GrantCheck,
  route: StoredRoute,
  input: RuleInput,
  ruleIndex: number,
  problems: RefProblem[],
): ResolvedRule {
  const at = `spec.rules[${ruleIndex}]`;
  const backends: ResolvedBackend[] = [];
  let invalidWeight = 0;
  input.backendRefs.forEach((ref, i) => {
    const result = resolveBackendRef(index, grants, route, ref, `${at}.backendRefs[${i}]`);
    if (result.ok) backends.push(result.backend);
    else {
      problems.push(result.problem);
      invalidWeight += ref.weight ?? 1;
    }
  });
  const filters: ResolvedFilter[] = [];
  const mirrors: ResolvedMirror[] = [];
  input.filters.forEach((filter, i) => {
    if (filter.type !== 'RequestMirror') {
      filters.push(filter);
      return;
    }
    const { backendRef, percent } = filter.requestMirror;
    const path = `${at}.filters[${i}].requestMirror.backendRef`;
    const result = resolveBackendRef(index, grants, route, backendRef, path);
    if (result.ok) mirrors.push({ backend: { ...result.backend, weight: 1 }, percent });
    else problems.push(result.problem);
  });
  const redirect = filters.some((f) => f.type === 'RequestRedirect');
  const rule: ResolvedRule = {
    index: ruleIndex,
    matches: input.matches,
    filters,
    mirrors,
    action: actionFor(redirect, input.backendRefs.length, backends, invalidWeight),
  };
  if (input.name !== undefined) rule.name = input.name;
  if (input.timeouts !== undefined) rule.timeouts = input.timeouts;
  if (input.retry !== undefined) rule.retry = input.retry;
  return rule;
}

export function resolveRules(
  index: ObjectIndex,
  grants: GrantCheck,
  route: StoredRoute,
): ResolvedRules {
  const problems: RefProblem[] = [];
  const inputs: RuleInput[] = [];
  switch (route.kind) {
    case 'HTTPRoute':
      for (const r of route.spec.rules)
        inputs.push({ ...r, matches: r.matches.map(resolveHttpMatch) });
      break;
    case 'GRPCRoute':
      for (const r of route.spec.rules)
        inputs.push({ ...r, matches: resolveGrpcMatches(r.matches) });
      break;
    case 'TCPRoute':
    case 'TLSRoute':
      for (const r of route.spec.rules)
        inputs.push({ name: r.name, matches: [], filters: [], backendRefs: r.backendRefs });
      break;
  }
  const rules = inputs.map((input, i) => resolveRule(index, grants, route, input, i, problems));
  return { rules, problems };
}
