// Validation failures as field-path violations: `spec.rules[0].backendRefs[1].weight`.
import type { z } from 'zod';

export interface Violation {
  path: string;
  message: string;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment))
      text += text ? `.${segment}` : segment;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text;
}

export function violationsFromZod(
  error: z.ZodError,
  prefix: readonly PropertyKey[] = [],
): Violation[] {
  const violations: Violation[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        violations.push({ path: formatPath([...path, key]), message: 'unknown field' });
    } else if (issue.code === 'invalid_type' && issue.input === undefined) {
      violations.push({
        path: formatPath(path),
        message: `is required${issue.expected ? ` (${issue.expected})` : ''}`,
      });
    } else {
      violations.push({ path: formatPath(path), message: issue.message });
    }
  }
  return violations;
}
