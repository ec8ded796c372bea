import '@fontsource/inter/400.css';
import '@fontsource/inter/500.css';
import '@fontsource/inter/600.css';
import '@fontsource/inter/700.css';
import '@fontsource/jetbrains-mono/400.css';
import '@fontsource/jetbrains-mono/500.css';
import './globals.css';
import type { Metadata, Viewport } from 'next';
import Script from 'next/script';
import type { ReactNode } from 'react';
import { THEME_BOOT_SCRIPT } from '@/lib/app/preferences';
import { Providers } from './providers';

export const metadata: Metadata = {
  title: 'PSP Dashboard',
  description: 'Payments operations: volumes, reconciliation, sync health.',
  icons: { icon: '/favicon.svg' },
};

export const viewport: Viewport = { themeColor: '#0A0A0F' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" className="dark" suppressHydrationWarning>
      <body>
        {/* Applies the stored theme before first paint. next/script keeps it out of React's
            hydrated tree: a raw <script> in <head> caused intermittent hydration mismatches. */}
        <Script id="theme-boot" strategy="beforeInteractive">
          {THEME_BOOT_SCRIPT}
        </Script>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
