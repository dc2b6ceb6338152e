import { useSyncExternalStore } from 'react';

/**
 * The admin token, kept for the browser tab's session (sessionStorage): closing the tab
 * signs out. One small store that React reads through `useSession()`.
 */
const STORAGE_KEY = 'hookyard.token';

type Listener = () => void;
const listeners = new Set<Listener>();

/** Why the last session ended, shown once on the sign-in page. */
let signOutReason: string | null = null;

function notify(): void {
  for (const listener of listeners) listener();
}

export function getToken(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function signIn(token: string): void {
  sessionStorage.setItem(STORAGE_KEY, token.trim());
  signOutReason = null;
  notify();
}

export function signOut(reason: string | null = null): void {
  sessionStorage.removeItem(STORAGE_KEY);
  signOutReason = reason;
  notify();
}

export function takeSignOutReason(): string | null {
  const reason = signOutReason;
  signOutReason = null;
  return reason;
}

function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The current token, or null when signed out; re-renders on sign-in and sign-out. */
export function useSession(): string | null {
  return useSyncExternalStore(subscribe, getToken, () => null);
}

/**
 * A link printed by the server carries the token in its fragment (`/#token=…`, never sent
 * over the network): sign in with it at once and drop it from the address bar and history.
 * Returns whether a token was found.
 */
export function adoptTokenFromFragment(location: Location, history: History): boolean {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = params.get('token')?.trim();
  if (!token) return false;
  signIn(token);
  params.delete('token');
  const rest = params.toString();
  history.replaceState(
    history.state,
    '',
    `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`,
  );
  return true;
}
