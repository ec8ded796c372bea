import { LoginForm } from '@/features/auth/login-form';

export const metadata = { title: 'Sign in · PSP Dashboard' };

export default function LoginPage() {
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      {/* Not under Suspense: the form must be in the static HTML, so that it can be typed
          into and posted before the scripts load (only its URL-dependent part waits). */}
      <LoginForm />
    </main>
  );
}
