// Validation of query parameters shared by several routes.
import { ApiProblem } from '../problems';

const OWNER = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** An apply owner id: what goes into the crossway.dev/owner annotation. */
export function parseOwner(value: string): string {
  if (!OWNER.test(value))
    throw new ApiProblem('BadRequest', 'owner must be 1-63 letters, digits, "-", "_" or "."', [
      { path: 'owner', message: 'invalid owner id' },
    ]);
  return value;
}
