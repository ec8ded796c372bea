'use client';

import { ArrowLeftRight, Bell, Building2, Compass, FileText, LayoutDashboard, RefreshCw, Scale, Settings } from 'lucide-react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { cn } from '@/components/ui/cn';
import { can } from '@/lib/app/permissions';
import type { Role } from '@/lib/api/types';

const NAV = [
  { href: '/', label: 'Dashboard', icon: LayoutDashboard },
  { href: '/transactions/', label: 'Transactions', icon: ArrowLeftRight },
  { href: '/reconciliation/', label: 'Reconciliation', icon: Scale },
  { href: '/explore/', label: 'Explore', icon: Compass },
  { href: '/sync/', label: 'Sync', icon: RefreshCw },
  { href: '/alerts/', label: 'Alerts', icon: Bell },
  { href: '/reports/', label: 'Reports', icon: FileText },
  { href: '/clients/', label: 'Clients', icon: Building2 },
] as const;

export function normalizePath(p: string | null): string {
  if (!p) return '/';
  const s = p.replace(/\/+$/, '');
  return s === '' ? '/' : s;
}

export function Sidebar({ role }: { role: Role }) {
  const path = normalizePath(usePathname());
  const items = [...NAV, ...(can(role, 'settings.view') ? [{ href: '/settings/', label: 'Settings', icon: Settings }] : [])];
  return (
    <div className="w-60 shrink-0 border-r border-border bg-panel">
      <nav aria-label="Main" className="sticky top-16 flex flex-col gap-1 px-3 py-4">
        {items.map(({ href, label, icon: Icon }) => {
          const active = normalizePath(href) === path;
          return (
            <Link
              key={href}
              href={href}
              aria-current={active ? 'page' : undefined}
              data-testid={`nav-${label.toLowerCase()}`}
              className={cn(
                'flex items-center gap-3 rounded-sm px-3 py-2 text-body font-medium transition-colors duration-200',
                active ? 'bg-accent/10 text-fg' : 'text-fg-2 hover:bg-input hover:text-fg',
              )}
            >
              <Icon className={cn('h-4 w-4', active && 'text-accent')} aria-hidden />
              {label}
            </Link>
          );
        })}
      </nav>
    </div>
  );
}
