'use client';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { ToastProvider } from '@/components/ui/toast';
import { retryDelay, shouldRetry } from '@/lib/api/client';
import { AuthProvider } from '@/lib/app/auth';
import { PreferencesProvider } from '@/lib/app/preferences';

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            staleTime: 30_000,
            refetchOnWindowFocus: true,
            // HTTP errors show at once with "Retry"; only unreachable-server errors retry (client.ts).
            retry: shouldRetry,
            retryDelay,
          },
        },
      }),
  );
  return (
    <QueryClientProvider client={client}>
      <PreferencesProvider>
        <ToastProvider>
          <AuthProvider>{children}</AuthProvider>
        </ToastProvider>
      </PreferencesProvider>
    </QueryClientProvider>
  );
}
