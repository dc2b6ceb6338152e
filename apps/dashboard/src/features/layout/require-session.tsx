import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useSession } from '../../lib/session';
import type { SignInState } from '../auth/sign-in-page';

/** Signed-out visitors go to the sign-in page, and come back after. */
export function RequireSession({ children }: { children: ReactNode }) {
  const token = useSession();
  const location = useLocation();
  if (!token) {
    const state: SignInState = { from: `${location.pathname}${location.search}` };
    return <Navigate to="/sign-in" replace state={state} />;
  }
  return children;
}
