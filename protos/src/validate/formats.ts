// String formats of protoc-gen-validate's well-known rules, after its Go implementation.
import { RE2JS } from 're2js';

export function isHostname(value: string): boolean {
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  if (name.length === 0 || name.length > 253) return false;
  return name
    .split('.')
    .every(
      (label) =>
        label.length > 0 &&
        label.length <= 63 &&
        !label.startsWith('-') &&
        !label.endsWith('-') &&
        /^[A-Za-z0-9-]+$/.test(label),
    );
}

export function isIpv4(value: string): boolean {
  const parts = value.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

export function isIpv6(value: string): boolean {
  let text = value;
  let groupsNeeded = 8;
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.slice(lastColon + 1).includes('.')) {
    if (!isIpv4(text.slice(lastColon + 1))) return false;
    text = `${text.slice(0, lastColon + 1)}0`;
    groupsNeeded = 7;
  }
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (half: string | undefined): string[] | undefined => {
    if (half === undefined || half === '') return [];
    const parts = half.split(':');
    return parts.every((p) => /^[0-9A-Fa-f]{1,4}$/.test(p)) ? parts : undefined;
  };
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  if (head === undefined || tail === undefined) return false;
  const count = head.length + tail.length;
  return halves.length === 2 ? count < groupsNeeded : count === groupsNeeded;
}

export function isIp(value: string): boolean {
  return isIpv4(value) || isIpv6(value);
}

export function isEmail(value: string): boolean {
  if (value.length > 254) return false;
  const at = value.lastIndexOf('@');
  if (at <= 0) return false;
  const local = value.slice(0, at);
  return (
    local.length <= 64 && /^[^\s@<>()[\],;:"\\]+$/.test(local) && isHostname(value.slice(at + 1))
  );
}

const PERCENT_OK = /^(?:[^%]|%[0-9A-Fa-f]{2})*$/;
// Control characters and spaces, which no URI may hold.
const FORBIDDEN = RE2JS.compile('[\\x00-\\x20\\x7F]');

export function isUriRef(value: string): boolean {
  return PERCENT_OK.test(value) && !FORBIDDEN.test(value);
}

export function isUri(value: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value) && isUriRef(value);
}

export function isUuid(value: string): boolean {
  return /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(
    value,
  );
}

// PGV's header regexes; `+-.` in the name class is a range, so `,` is allowed too (as in PGV).
const HEADER_NAME_STRICT = RE2JS.compile("^:?[0-9a-zA-Z!#$%&'*+-.^_|~\\x60]+$");
const HEADER_VALUE_STRICT = RE2JS.compile('^[^\\x00-\\x08\\x0A-\\x1F\\x7F]*$');
const HEADER_LOOSE = RE2JS.compile('^[^\\x00\\x0A\\x0D]*$');

export type KnownRegex = 'HTTP_HEADER_NAME' | 'HTTP_HEADER_VALUE';

export function matchesKnownRegex(kind: KnownRegex, value: string, strict: boolean): boolean {
  if (!strict) return HEADER_LOOSE.test(value);
  return (kind === 'HTTP_HEADER_NAME' ? HEADER_NAME_STRICT : HEADER_VALUE_STRICT).test(value);
}

const patterns = new Map<string, RE2JS | Error>();

/** RE2 search (not full match), as PGV's Go code does; undefined when the pattern is invalid. */
export function re2Test(pattern: string, input: string | Uint8Array): boolean | undefined {
  let compiled = patterns.get(pattern);
  if (compiled === undefined) {
    try {
      compiled = RE2JS.compile(pattern);
    } catch (error) {
      compiled = error instanceof Error ? error : new Error(String(error));
    }
    patterns.set(pattern, compiled);
  }
  return compiled instanceof Error ? undefined : compiled.test(input);
}
