'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Input, Label } from '@/components/ui/input';
import { InlineError } from '@/components/ui/states';
import { ApiError, apiSend, setCsrfToken } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/query-keys';
import { safeNext } from '@/lib/app/auth';

export function LoginForm() {
  const router = useRouter();
  const params = useSearchParams();
  const qc = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      const me = await apiSend('POST', '/auth/login', { body: { email: email.trim(), password }, skipAuthRedirect: true });
      setCsrfToken(me.csrf_token);
      qc.setQueryData(queryKeys.me(), me);
      router.replace(safeNext(params.get('next')));
    } catch (e) {
      setError(
        e instanceof ApiError && e.status === 401
          ? new Error('Wrong email or password.')
          : e instanceof ApiError && e.status === 429
            ? new Error('Too many attempts. Wait a minute and try again.')
            : e,
      );
      setBusy(false);
    }
  }

  return (
    <Card className="w-full max-w-sm p-8">
      <div className="mb-6 flex items-center gap-2">
        <span className="flex h-9 w-9 items-center justify-center rounded-md bg-accent font-semibold text-white">P</span>
        <div>
          <h1 className="text-h3">PSP Dashboard</h1>
          <p className="text-caption text-muted">Sign in to continue</p>
        </div>
      </div>
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Label>
          Email
          <Input
            name="email"
            type="email"
            autoComplete="username"
            required
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            data-testid="login-email"
          />
        </Label>
        <Label>
          Password
          <Input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="login-password"
          />
        </Label>
        <InlineError error={error} />
        <Button type="submit" variant="primary" className="w-full justify-center" loading={busy} data-testid="login-submit">
          Sign in
        </Button>
      </form>
    </Card>
  );
}
