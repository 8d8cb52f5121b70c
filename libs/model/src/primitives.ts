// Field-level validators shared by every kind. Each one rejects, at write time,
// a value that Envoy or grpc-js-xds would reject later, and says why.
import { RE2JS } from 're2js';
import { z } from 'zod';
import { isDuration } from './duration';

export const LIMITS = {
  nameLength: 63,
  hostnameLength: 253,
  pathLength: 1024,
  headerNameLength: 256,
  headerValueLength: 4096,
  regexLength: 1024,
  labelValueLength: 63,
  annotationsBytes: 256 * 1024,
  objectBytes: 512 * 1024,
  pemBytes: 256 * 1024,
} as const;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// RFC 9110 token characters.
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;
const FORBIDDEN_IN_HEADER_VALUE = /[\r\n\0]/;
const LABEL_NAME =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const PATH = /^\/[\x21-\x7e]*$/;

/** A DNS-1123 label: lower-case alphanumerics and '-', starting and ending alphanumeric, at most 63. */
export const dnsLabel = z
  .string()
  .max(LIMITS.nameLength, `must be at most ${LIMITS.nameLength} characters`)
  .regex(
    DNS_LABEL,
    "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
  );

export const port = z
  .number({ error: 'must be an integer from 1 to 65535' })
  .int('must be an integer from 1 to 65535')
  .min(1, 'must be an integer from 1 to 65535')
  .max(65535, 'must be an integer from 1 to 65535');

export const duration = z
  .string()
  .refine(
    isDuration,
    'must be a duration like "250ms", "5s" or "1h30m" (GEP-2257: 1-4 components of 1-5 digits with unit h, m, s or ms)',
  );

/** A hostname as Gateway API writes it: lower-case DNS name, optionally with a leading "*." wildcard. No IPs, no port. */
export const hostname = z
  .string()
  .max(LIMITS.hostnameLength, `must be at most ${LIMITS.hostnameLength} characters`)
  .regex(
    HOSTNAME,
    'must be a lower-case DNS hostname, optionally starting with "*." (no IP address, no port)',
  )
  .refine((h) => !/^(\d+\.){3}\d+$/.test(h), 'must be a hostname, not an IP address');

export const headerName = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.headerNameLength, `must be at most ${LIMITS.headerNameLength} characters`)
  .regex(HEADER_NAME, 'must be an HTTP header name (RFC 9110 token characters only)');

export const headerValue = z
  .string()
  .max(LIMITS.headerValueLength, `must be at most ${LIMITS.headerValueLength} characters`)
  .refine((v) => !FORBIDDEN_IN_HEADER_VALUE.test(v), 'must not contain CR, LF or NUL');

/** An absolute request path as Envoy matches it. */
export const httpPath = z
  .string()
  .max(LIMITS.pathLength, `must be at most ${LIMITS.pathLength} characters`)
  .regex(PATH, 'must start with "/" and contain only visible ASCII characters');

/** Why a pattern is not valid RE2, or undefined when it is. Never compiled with JS RegExp. */
export function re2Error(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** A regular expression in Envoy's dialect (Google RE2). */
export const re2Regex = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.regexLength, `must be at most ${LIMITS.regexLength} characters`)
  .superRefine((pattern, ctx) => {
    const error = re2Error(pattern);
    if (error)
      ctx.addIssue({ code: 'custom', message: `must be a valid RE2 regular expression: ${error}` });
  });

export const labelName = z
  .string()
  .max(316, 'must be at most 316 characters')
  .regex(
    LABEL_NAME,
    'must be a label key: an optional DNS prefix and "/", then at most 63 alphanumerics, "-", "_" or "."',
  )
  .refine(
    (k) => (k.split('/').pop() ?? '').length <= 63,
    'the name part must be at most 63 characters',
  );

export const labelValue = z
  .string()
  .max(LIMITS.labelValueLength, `must be at most ${LIMITS.labelValueLength} characters`)
  .regex(
    LABEL_VALUE,
    'must be empty or alphanumerics, "-", "_" or "." starting and ending alphanumeric',
  );

export const weight = z
  .number({ error: 'must be an integer from 0 to 1000000' })
  .int('must be an integer from 0 to 1000000')
  .min(0, 'must be an integer from 0 to 1000000')
  .max(1_000_000, 'must be an integer from 0 to 1000000');

export const percentage = z
  .number()
  .min(0, 'must be from 0 to 100')
  .max(100, 'must be from 0 to 100');

/** A list with a documented maximum, as Gateway API bounds its lists. */
export function boundedList<T extends z.ZodType>(item: T, max: number, min = 0) {
  let list = z.array(item).max(max, `must have at most ${max} items`);
  if (min > 0) list = list.min(min, `must have at least ${min} item${min === 1 ? '' : 's'}`);
  return list;
}

/** "ns/name" as the contract writes references in node metadata and explain requests. */
export const namespacedName = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    'must be "namespace/name"',
  );

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\r\n]+?)\r?\n?-----END \1-----/g;

/** The PEM block labels a text holds, or an error when it holds none or has stray text. */
export function pemBlocks(text: string): { labels: string[] } | { error: string } {
  const labels: string[] = [];
  let rest = text;
  for (const match of text.matchAll(PEM_BLOCK)) {
    const body = (match[2] ?? '').replace(/\s+/g, '');
    if (body.length === 0 || body.length % 4 !== 0)
      return { error: `PEM block "${match[1]}" has a malformed base64 body` };
    labels.push(match[1] ?? '');
    rest = rest.replace(match[0], '');
  }
  if (labels.length === 0) return { error: 'must contain a PEM block ("-----BEGIN ...-----")' };
  if (rest.trim() !== '')
    return { error: 'must contain only PEM blocks (text found outside BEGIN/END)' };
  return { labels };
}

/** PEM text whose every block carries one of the given labels. */
export function pem(allowedLabels: readonly string[], what: string) {
  return z
    .string()
    .max(LIMITS.pemBytes, `must be at most ${LIMITS.pemBytes} bytes`)
    .superRefine((text, ctx) => {
      const result = pemBlocks(text);
      if ('error' in result) {
        ctx.addIssue({ code: 'custom', message: `must be PEM-encoded ${what}: ${result.error}` });
        return;
      }
      const wrong = result.labels.find((label) => !allowedLabels.includes(label));
      if (wrong)
        ctx.addIssue({
          code: 'custom',
          message: `must be PEM-encoded ${what}, found a "${wrong}" block`,
        });
    });
}

const encoder = new TextEncoder();
/** Byte length of a string in UTF-8 (works in browsers too: the console validates with this lib). */
export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIPv4(text: string): boolean {
  return IPV4.test(text);
}

export function isIPv6(text: string): boolean {
  if (!text.includes(':') || !/^[0-9A-Fa-f:.]+$/.test(text)) return false;
  try {
    // The WHATWG URL parser implements the full IPv6 grammar, in Node and browsers alike.
    new URL(`http://[${text}]/`);
    return true;
  } catch {
    return false;
  }
}

export const ipAddress = z
  .string()
  .refine((a) => isIPv4(a) || isIPv6(a), 'must be an IPv4 or IPv6 address');

/** An address a proxy can dial: an IP address or a DNS hostname (no wildcard). */
export const address = z
  .string()
  .max(LIMITS.hostnameLength, `must be at most ${LIMITS.hostnameLength} characters`)
  .refine(
    (a) =>
      isIPv4(a) ||
      isIPv6(a) ||
      /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(a),
    'must be an IP address or a lower-case DNS hostname',
  );

export const cidr = z.string().refine((value) => {
  const [ip, bits, extra] = value.split('/');
  if (ip === undefined || extra !== undefined) return false;
  const max = isIPv4(ip) ? 32 : isIPv6(ip) ? 128 : -1;
  if (max < 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= max;
}, 'must be an IP address or CIDR block like "10.0.0.0/8"');

/** Canonical names of Envoy's HTTP methods (Gateway API's HTTPMethod). */
export const httpMethod = z.enum([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
]);

export const positiveInt32 = z
  .number()
  .int('must be an integer')
  .min(1, 'must be at least 1')
  .max(2_147_483_647, 'must be at most 2147483647');
