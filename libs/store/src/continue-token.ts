// List continue tokens: opaque to clients, base64url JSON of the revision every page
// shows and the key the next page starts at (relative to the objects prefix).
import { StoreError } from './errors';

export interface ContinuePosition {
  revision: number;
  /** Next key to read, relative to `<prefix>/objects/`. */
  nextKey: string;
}

export function encodeContinue(position: ContinuePosition): string {
  return Buffer.from(
    JSON.stringify({ rv: position.revision, k: position.nextKey }),
    'utf8',
  ).toString('base64url');
}

export function decodeContinue(token: string): ContinuePosition {
  const invalid = (): StoreError =>
    new StoreError('InvalidContinue', 'the continue token is not one this store issued');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch (cause) {
    throw new StoreError('InvalidContinue', 'the continue token is not one this store issued', {
      cause,
    });
  }
  if (typeof value !== 'object' || value === null || !('rv' in value) || !('k' in value))
    throw invalid();
  const { rv, k } = value;
  if (typeof rv !== 'number' || !Number.isSafeInteger(rv) || rv < 1 || typeof k !== 'string')
    throw invalid();
  return { revision: rv, nextKey: k };
}
