'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useRouter, useSearchParams } from 'next/navigation';
import { Suspense, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Input, Label } from '@/components/ui/input';
import { InlineError } from '@/components/ui/states';
import { ApiError, apiSend, setCsrfToken } from '@/lib/api/client';
import { API_BASE } from '@/lib/api/paths';
import { queryKeys } from '@/lib/api/query-keys';
import { safeNext } from '@/lib/app/auth';

/** Where the form posts natively before the page's scripts run (docs/auth.md). */
export const LOGIN_FORM_ACTION = `${API_BASE}/auth/login-form`;

/** `?error=` of a redirect back from the plain form post. */
const FORM_ERRORS: Record<string, string> = {
  invalid: 'Wrong email or password.',
  rate_limited: 'Too many attempts. Wait a minute and try again.',
  unavailable: 'Sign-in is unavailable right now. Try again shortly.',
  missing: 'Enter your email and password.',
};

/**
 * A real form: before hydration the browser posts it to `/auth/login-form` (303 back to
 * `next`, or here with `?error=`); once the scripts run, the submit is taken over and
 * sent as JSON. The inputs are uncontrolled so what was typed (or filled in by a password
 * manager) before hydration is what gets submitted — controlled inputs would be reset to
 * the empty state on hydration.
 */
export function LoginForm() {
  const router = useRouter();
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const email = String(data.get('email') ?? '').trim();
    const password = String(data.get('password') ?? '');
    setBusy(true);
    setError(null);
    try {
      const me = await apiSend('POST', '/auth/login', { body: { email, password }, skipAuthRedirect: true });
      setCsrfToken(me.csrf_token);
      qc.setQueryData(queryKeys.me(), me);
      router.replace(safeNext(new URLSearchParams(window.location.search).get('next')));
    } catch (e) {
      setError(
        e instanceof ApiError && e.status === 401
          ? new Error(FORM_ERRORS.invalid)
          : e instanceof ApiError && e.status === 429
            ? new Error(FORM_ERRORS.rate_limited)
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
        method="post"
        action={LOGIN_FORM_ACTION}
        onSubmit={(e) => void submit(e)}
        data-testid="login-form"
      >
        {/* Needs the URL: rendered after hydration (absent from the static HTML, where a
            native post then lands on `/`). */}
        <Suspense>
          <FromTheUrl hideError={error !== null} />
        </Suspense>
        <Label>
          Email
          <Input name="email" type="email" autoComplete="username" required autoFocus data-testid="login-email" />
        </Label>
        <Label>
          Password
          <Input name="password" type="password" autoComplete="current-password" required data-testid="login-password" />
        </Label>
        <InlineError error={error} />
        <Button type="submit" variant="primary" className="w-full justify-center" loading={busy} data-testid="login-submit">
          Sign in
        </Button>
      </form>
    </Card>
  );
}

/** `next` for the native post, and the error a redirect back from it carries. */
function FromTheUrl({ hideError }: { hideError: boolean }) {
  const params = useSearchParams();
  const next = safeNext(params.get('next'));
  const code = params.get('error');
  return (
    <>
      <input type="hidden" name="next" value={next === '/' ? '' : next} readOnly />
      {code && !hideError ? <InlineError error={new Error(FORM_ERRORS[code] ?? FORM_ERRORS.invalid)} /> : null}
    </>
  );
}
