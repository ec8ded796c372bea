'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, type ReactNode } from 'react';
import { ApiError, apiGet, apiSend, setCsrfToken, setUnauthenticatedHandler } from '../api/client';
import { queryKeys } from '../api/query-keys';
import type { Me } from '../api/types';

interface AuthState {
  me: Me | null;
  loading: boolean;
  error: unknown;
  refetch: () => void;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function loginPath(): string {
  const here = window.location.pathname + window.location.search;
  const onLogin = window.location.pathname.startsWith('/login');
  return onLogin || here === '/' ? '/login/' : `/login/?next=${encodeURIComponent(here)}`;
}

/** Send the browser to the sign-in page (full navigation: drops every cached query). */
export function redirectToLogin(): void {
  if (window.location.pathname.startsWith('/login')) return;
  window.location.assign(loginPath());
}

/** Only same-site paths are accepted as a post-login destination. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/login')) return '/';
  return next;
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  useEffect(() => {
    setUnauthenticatedHandler(redirectToLogin);
    return () => setUnauthenticatedHandler(null);
  }, []);

  const query = useQuery({
    queryKey: queryKeys.me(),
    queryFn: async ({ signal }) => {
      const me = await apiGet('/auth/me', { signal });
      setCsrfToken(me.csrf_token);
      return me;
    },
    staleTime: 5 * 60_000,
    retry: (count, err) => !(err instanceof ApiError && err.status === 401) && count < 2,
  });

  const signOut = useCallback(async () => {
    try {
      await apiSend('POST', '/auth/logout', { skipAuthRedirect: true });
    } finally {
      setCsrfToken(null);
      qc.clear();
      window.location.assign('/login/');
    }
  }, [qc]);

  return (
    <AuthContext.Provider
      value={{
        me: query.data ?? null,
        loading: query.isPending,
        error: query.error,
        refetch: () => void query.refetch(),
        signOut,
      }}
    >
      {children}
    </AuthContext.Provider>
  );
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}
