import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-3 p-6 text-center">
      <p className="font-mono text-h1 text-muted">404</p>
      <p className="text-body text-fg-2">This page does not exist.</p>
      <Link href="/" className="text-accent-fg hover:underline">
        Back to the dashboard
      </Link>
    </main>
  );
}
