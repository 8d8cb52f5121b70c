// Reads the key that seals the CA private key from the process environment:
// CROSSWAY_CA_KEY_FILE (32 raw bytes, or base64/hex text of 32 bytes) or CROSSWAY_CA_KEY
// (base64/hex). The file wins when both are set. Errors name the variable, never the value.
import { readFileSync } from 'node:fs';

export const CA_KEY_FILE_ENV = 'CROSSWAY_CA_KEY_FILE';
export const CA_KEY_ENV = 'CROSSWAY_CA_KEY';

const HEX = /^[0-9a-fA-F]{64}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

function decodeText(text: string, variable: string): Buffer {
  const trimmed = text.trim();
  if (HEX.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (BASE64.test(trimmed)) {
    const bytes = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === 32) return bytes;
  }
  throw new Error(
    `${variable} must hold 32 bytes as base64 or hex text${variable === CA_KEY_FILE_ENV ? ' (or 32 raw bytes)' : ''}`,
  );
}

export function encryptionKeyFromEnv(env: Record<string, string | undefined>): Buffer | undefined {
  const file = env[CA_KEY_FILE_ENV];
  if (file !== undefined && file !== '') {
    let content: Buffer;
    try {
      content = readFileSync(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new Error(`${CA_KEY_FILE_ENV}: cannot read ${file} (${code})`);
    }
    if (content.length === 32) return content;
    return decodeText(content.toString('latin1'), CA_KEY_FILE_ENV);
  }
  const value = env[CA_KEY_ENV];
  if (value !== undefined && value !== '') return decodeText(value, CA_KEY_ENV);
  return undefined;
}
