// Kubernetes label selectors: "a=b, c!=d, e in (x,y), f notin (z), g, !h".
export type LabelRequirement =
  | { key: string; operator: 'In' | 'NotIn'; values: string[] }
  | { key: string; operator: 'Exists' | 'DoesNotExist' };

export interface LabelSelector {
  requirements: LabelRequirement[];
}

const KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Splits on commas that are not inside parentheses. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else current += ch;
  }
  terms.push(current);
  return terms.map((t) => t.trim());
}

export function parseLabelSelector(
  text: string,
): { ok: true; selector: LabelSelector } | { ok: false; error: string } {
  const requirements: LabelRequirement[] = [];
  if (text.trim() === '') return { ok: true, selector: { requirements } };
  for (const term of splitTerms(text)) {
    let match: RegExpMatchArray | null;
    let requirement: LabelRequirement;
    if ((match = term.match(/^(\S+?)\s*(==|!=|=)\s*(\S*)$/))) {
      const [, key = '', op, value = ''] = match;
      requirement = { key, operator: op === '!=' ? 'NotIn' : 'In', values: [value] };
    } else if ((match = term.match(/^(\S+)\s+(in|notin)\s*\(([^()]*)\)$/))) {
      const [, key = '', op, list = ''] = match;
      const values = list.split(',').map((v) => v.trim());
      requirement = { key, operator: op === 'in' ? 'In' : 'NotIn', values };
    } else if ((match = term.match(/^!\s*(\S+)$/))) {
      requirement = { key: match[1] ?? '', operator: 'DoesNotExist' };
    } else if ((match = term.match(/^(\S+)$/))) {
      requirement = { key: match[1] ?? '', operator: 'Exists' };
    } else {
      return { ok: false, error: `cannot parse label selector term "${term}"` };
    }
    if (!KEY.test(requirement.key))
      return { ok: false, error: `invalid label key "${requirement.key}" in "${term}"` };
    if ('values' in requirement) {
      const bad = requirement.values.find((v) => !VALUE.test(v) || v.length > 63);
      if (bad !== undefined)
        return { ok: false, error: `invalid label value "${bad}" in "${term}"` };
    }
    requirements.push(requirement);
  }
  return { ok: true, selector: { requirements } };
}

export function matchesLabelSelector(
  selector: LabelSelector,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  const all = labels ?? {};
  return selector.requirements.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(all, r.key);
    const value = all[r.key];
    switch (r.operator) {
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      case 'In':
        return has && value !== undefined && r.values.includes(value);
      case 'NotIn':
        return !has || value === undefined || !r.values.includes(value);
    }
  });
}
