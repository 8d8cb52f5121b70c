// CIDR membership for IPv4 and IPv6, on bigints (no I/O, no platform net module).
import { isIPv4, isIPv6 } from '@crossway/model';

interface ParsedIp {
  family: 4 | 6;
  value: bigint;
}

function parseIPv4(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function parseIPv6(text: string): bigint | undefined {
  let head = text;
  let tail4: bigint | undefined;
  const lastColon = text.lastIndexOf(':');
  const maybe4 = text.slice(lastColon + 1);
  if (maybe4.includes('.')) {
    if (!isIPv4(maybe4)) return undefined;
    tail4 = parseIPv4(maybe4);
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const left = halves[0] === '' || halves[0] === undefined ? [] : halves[0].split(':');
  const right =
    halves.length === 2 && halves[1] !== '' && halves[1] !== undefined ? halves[1].split(':') : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  let value = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  if (tail4 !== undefined) value = (value & ~0xffffffffn) | tail4;
  return value;
}

export function parseIp(text: string): ParsedIp | undefined {
  if (isIPv4(text)) return { family: 4, value: parseIPv4(text) };
  if (isIPv6(text)) {
    const value = parseIPv6(text);
    return value === undefined ? undefined : { family: 6, value };
  }
  return undefined;
}

/** Whether `ip` lies in `block` ("10.0.0.0/8", "fd00::/8", or a single address). */
export function ipInBlock(ip: string, block: string): boolean {
  const [base = '', bitsText] = block.split('/');
  const address = parseIp(ip);
  const network = parseIp(base);
  if (!address || !network || address.family !== network.family) return false;
  const width = network.family === 4 ? 32 : 128;
  const bits = bitsText === undefined ? width : Number(bitsText);
  const shift = BigInt(width - bits);
  return address.value >> shift === network.value >> shift;
}
