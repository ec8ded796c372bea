'use client';

import { Bell, LogOut, Moon, Sun, User } from 'lucide-react';
import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { AlertBell } from '@/features/alerts/alert-bell';
import { Badge } from '@/components/ui/badge';
import { cn } from '@/components/ui/cn';
import { Tabs } from '@/components/ui/tabs';
import { useAuth } from '@/lib/app/auth';
import type { LiveState } from '@/lib/app/live-updates';
import { usePreferences } from '@/lib/app/preferences';
import type { TimeZone } from '@/lib/dates';
import { useSyncStatus } from './freshness';
import { GlobalSearch } from './global-search';

export function Header({ live }: { live: LiveState }) {
  const { theme, setTheme, tz, setTz } = usePreferences();
  const { me, signOut } = useAuth();
  const sync = useSyncStatus();
  const failing = (sync.data?.sources ?? []).filter((s) => s.status === 'failed');
  const incomplete = (sync.data?.sources ?? []).filter((s) => s.status === 'incomplete');
  const alertParts = [
    { list: failing, what: 'failing', names: 'Failing' },
    { list: incomplete, what: 'incomplete', names: 'Incomplete (data may be missing)' },
  ]
    .filter((x) => x.list.length)
    .map((x) => ({
      count: `${x.list.length} source(s) ${x.what}`,
      names: `${x.names}: ${x.list.map((s) => s.source).join(', ')}`,
    }));
  const [menu, setMenu] = useState(false);
  const menuRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!menu) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !menuRef.current?.contains(e.target as Node)) setMenu(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [menu]);

  return (
    <header className="sticky top-0 z-30 flex h-16 shrink-0 items-center gap-4 border-b border-border bg-panel px-4">
      <Link href="/" className="flex w-52 shrink-0 items-center gap-2 font-semibold">
        <span className="flex h-8 w-8 items-center justify-center rounded-md bg-accent text-white">P</span>
        PSP Dashboard
      </Link>
      <GlobalSearch />
      <div className="ml-auto flex items-center gap-2">
        <span
          className={cn('flex items-center gap-1.5 text-caption', live === 'open' ? 'text-success' : 'text-muted')}
          title={live === 'open' ? 'Live updates connected' : 'Live updates reconnecting'}
        >
          <span className={cn('h-2 w-2 rounded-full', live === 'open' ? 'bg-success' : 'bg-muted')} aria-hidden />
          {live === 'open' ? 'Live' : 'Offline'}
        </span>
        <Tabs<TimeZone>
          label="Time zone"
          size="sm"
          value={tz}
          onChange={setTz}
          items={[
            { value: 'UTC', label: 'UTC' },
            { value: 'Asia/Kolkata', label: 'IST' },
          ]}
        />
        {/* The alert centre's bell; the sync-health link below stands in when the server has no alerts API. */}
        <AlertBell
          fallback={
            <Link
              href="/sync/"
              className="relative rounded-sm p-2 text-fg-2 hover:bg-input hover:text-fg"
              aria-label={alertParts.length ? `Alerts: ${alertParts.map((x) => x.count).join(', ')}` : 'Alerts: none'}
              title={alertParts.length ? alertParts.map((x) => x.names).join('\n') : 'No alerts'}
            >
              <Bell className="h-4 w-4" />
              {alertParts.length ? (
                <span
                  className={cn('absolute right-1.5 top-1.5 h-2 w-2 rounded-full', failing.length ? 'bg-failed' : 'bg-pending')}
                />
              ) : null}
            </Link>
          }
        />
        <button
          type="button"
          onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
          className="rounded-sm p-2 text-fg-2 hover:bg-input hover:text-fg"
          aria-label={theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'}
        >
          {theme === 'dark' ? <Sun className="h-4 w-4" /> : <Moon className="h-4 w-4" />}
        </button>
        <div className="relative" ref={menuRef}>
          <button
            type="button"
            onClick={() => setMenu((m) => !m)}
            aria-haspopup="menu"
            aria-expanded={menu}
            data-testid="user-menu"
            className="flex items-center gap-2 rounded-sm px-2 py-1.5 text-fg-2 hover:bg-input hover:text-fg"
          >
            <User className="h-4 w-4" aria-hidden />
            <span className="max-w-40 truncate text-caption">{me?.email}</span>
          </button>
          {menu ? (
            <div
              role="menu"
              className="absolute right-0 top-full z-40 mt-1 w-56 rounded-md border border-border bg-overlay p-1 shadow-xl"
            >
              <div className="px-3 py-2">
                <p className="truncate text-body">{me?.email}</p>
                <Badge tone="accent" className="mt-1" data-testid="user-role">
                  {me?.role}
                </Badge>
              </div>
              <button
                role="menuitem"
                type="button"
                onClick={() => void signOut()}
                className="flex w-full items-center gap-2 rounded-sm px-3 py-2 text-left text-body text-fg-2 hover:bg-input hover:text-fg"
              >
                <LogOut className="h-4 w-4" aria-hidden /> Sign out
              </button>
            </div>
          ) : null}
        </div>
      </div>
    </header>
  );
}
