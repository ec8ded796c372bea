import { Suspense } from 'react';
import { LoginForm } from '@/features/auth/login-form';

export const metadata = { title: 'Sign in · PSP Dashboard' };

export default function LoginPage() {
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <Suspense>
        <LoginForm />
      </Suspense>
    </main>
  );
}
