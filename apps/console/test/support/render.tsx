// Rendering a view the way the console shows it: inside a signed-in session whose
// client talks to the test's real API over loopback.
import { render } from '@testing-library/preact';
import type { ComponentChildren } from 'preact';
import { mayWrite, SessionContext, signIn, type Session } from '../../src/session';
import type { ConsoleStack } from './stack';

/** A session for `token` against the stack (as the sign-in form makes one). */
export async function sessionFor(stack: ConsoleStack, token: string): Promise<Session> {
  const session = await signIn(token, () => undefined, stack.url);
  return { ...session, canWrite: (kind, ns) => mayWrite(session.me, kind, ns) };
}

/** Renders `ui` signed in with `token` (admin by default). */
export async function renderSignedIn(
  stack: ConsoleStack,
  ui: ComponentChildren,
  token = stack.tokens.admin,
) {
  const session = await sessionFor(stack, token);
  return {
    session,
    ...render(<SessionContext.Provider value={session}>{ui}</SessionContext.Provider>),
  };
}
