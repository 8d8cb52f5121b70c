// The policy layer's string patterns ("*", exact, "abc*" prefix, "*abc" suffix,
// as patternMatches reads them) as explicit IR matches.
import type { IrPatternMatch } from '../http-filter-ir';

export function patternToIr(pattern: string): IrPatternMatch {
  if (pattern === '*') return { kind: 'Any' };
  if (pattern.endsWith('*')) return { kind: 'Prefix', value: pattern.slice(0, -1) };
  if (pattern.startsWith('*')) return { kind: 'Suffix', value: pattern.slice(1) };
  return { kind: 'Exact', value: pattern };
}
