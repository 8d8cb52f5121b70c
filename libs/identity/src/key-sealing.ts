// Seals the CA private key for storage: AES-256-GCM with a random 12-byte IV and the
// 16-byte auth tag, as versioned text "v1.<iv>.<tag>.<ciphertext>" (base64url parts).
// A wrong key fails the tag check and says so, never showing the key or plaintext.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const AAD = Buffer.from('crossway-ca-key/v1');

function checkKey(key: Buffer): void {
  if (key.length !== 32) {
    throw new Error(`the CA encryption key must be 32 bytes (got ${key.length})`);
  }
}

export function sealKey(plaintext: string, key: Buffer): string {
  checkKey(key);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(AAD);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv, tag, ciphertext]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

export function unsealKey(sealed: string, key: Buffer): string {
  checkKey(key);
  const parts = sealed.split('.');
  const [version, iv, tag, ciphertext] = parts;
  if (
    parts.length !== 4 ||
    version !== VERSION ||
    iv === undefined ||
    tag === undefined ||
    ciphertext === undefined
  ) {
    throw new Error(`the stored CA key is not in a known sealed format (expected ${VERSION})`);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(AAD);
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(ciphertext, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new Error('CA key cannot be decrypted: wrong CROSSWAY_CA_KEY?');
  }
}
