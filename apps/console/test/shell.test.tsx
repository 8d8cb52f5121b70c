// The shell: sign-in with a token against the real API, the role shown, a bad token
// refused with the API's reason, and routing between views.
import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { App } from '../src/app';
import { navigate } from '../src/router';
import { TOKEN_KEY } from '../src/session';
import { useConsoleStack } from './support/suite';

const stack = useConsoleStack({}, { afterEachTest: () => sessionStorage.clear() });

describe('sign-in', () => {
  it('signs in with a viewer token and shows the role', async () => {
    render(<App />);
    fireEvent.input(screen.getByLabelText('API token'), {
      target: { value: stack.tokens.viewer },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(screen.getByTestId('whoami').textContent).toContain('viewer'));
    expect(sessionStorage.getItem(TOKEN_KEY)).toBe(stack.tokens.viewer);
    expect(screen.getByRole('navigation', { name: 'Main' }).textContent).toContain('Data planes');
  });

  it('refuses a bad token with the API reason and stays signed out', async () => {
    render(<App />);
    fireEvent.input(screen.getByLabelText('API token'), {
      target: { value: 'cw_0000000000000000_notarealsecretnotarealsecretnotarealsecr' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Sign-in failed');
    expect(alert.textContent).toMatch(/401|token/i);
    expect(sessionStorage.getItem(TOKEN_KEY)).toBeNull();
  });

  it('restores the session from the tab and signs out', async () => {
    sessionStorage.setItem(TOKEN_KEY, stack.tokens.admin);
    navigate('/no-such-view');
    render(<App />);
    await screen.findByText('Not found');
    expect(screen.getByTestId('whoami').textContent).toContain('admin');
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    await screen.findByLabelText('API token');
    expect(sessionStorage.getItem(TOKEN_KEY)).toBeNull();
  });
});
