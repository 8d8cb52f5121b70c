import { describe, expect, it } from 'vitest';
import { matchesLabelSelector, parseLabelSelector } from '../src/index';

function matches(selector: string, labels: Record<string, string> | undefined): boolean {
  const parsed = parseLabelSelector(selector);
  if (!parsed.ok) throw new Error(parsed.error);
  return matchesLabelSelector(parsed.selector, labels);
}

describe('label selectors', () => {
  const labels = { team: 'payments', tier: 'backend', 'app.kubernetes.io/part-of': 'shop' };

  it('equality and inequality select by value', () => {
    expect(matches('team=payments', labels)).toBe(true);
    expect(matches('team==payments', labels)).toBe(true);
    expect(matches('team!=payments', labels)).toBe(false);
    expect(matches('team!=web', labels)).toBe(true);
    expect(matches('team!=web', undefined)).toBe(true);
  });

  it('set-based terms and existence work, combined with AND', () => {
    expect(matches('tier in (frontend, backend)', labels)).toBe(true);
    expect(matches('tier notin (backend)', labels)).toBe(false);
    expect(matches('app.kubernetes.io/part-of', labels)).toBe(true);
    expect(matches('!canary', labels)).toBe(true);
    expect(matches('team=payments,!tier', labels)).toBe(false);
    expect(
      matches('team=payments, tier in (backend), app.kubernetes.io/part-of=shop', labels),
    ).toBe(true);
  });

  it('an empty selector selects everything', () => {
    expect(matches('', undefined)).toBe(true);
  });

  it('a malformed selector is an error naming the term', () => {
    expect(parseLabelSelector('team in payments')).toEqual({
      ok: false,
      error: expect.stringContaining('team in payments'),
    });
    expect(parseLabelSelector('te am=x')).toMatchObject({ ok: false });
    expect(parseLabelSelector('team=pay ments')).toMatchObject({ ok: false });
  });
});
