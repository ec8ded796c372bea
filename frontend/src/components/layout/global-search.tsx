'use client';

import { Search } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { Spinner } from '@/components/ui/spinner';
import { apiGetPaged } from '@/lib/api/client';
import { useAuth } from '@/lib/app/auth';
import { searchHint } from '@/lib/filters';

/**
 * Search by transaction id, order id / c_id, UTR and — for roles that see payer data —
 * e-mail, phone, VPA or payer name (`searchHint`). One hit opens that
 * transaction; several land on the filtered list. "/" focuses the box.
 */
export function GlobalSearch() {
  const router = useRouter();
  const { me } = useAuth();
  const hint = searchHint(me?.role);
  const input = useRef<HTMLInputElement>(null);
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      const typing = t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
      if (e.key === '/' && !typing) {
        e.preventDefault();
        input.current?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  async function submit() {
    const q = value.trim();
    if (!q) return;
    setBusy(true);
    const base = `/transactions/?search=${encodeURIComponent(q)}`;
    try {
      const res = await apiGetPaged('/transactions', { query: { search: q, limit: 2 } });
      const only = res.items.length === 1 ? res.items[0] : undefined;
      router.push(only ? `${base}&id=${encodeURIComponent(only.id)}` : base);
    } catch {
      router.push(base);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      role="search"
      className="relative w-full max-w-md"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <Search className="pointer-events-none absolute left-3 top-1/2 h-4 w-4 -translate-y-1/2 text-muted" aria-hidden />
      <input
        ref={input}
        data-testid="global-search"
        type="search"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        placeholder={`Search ${hint}…`}
        title={`Exact match on ${hint}`}
        aria-label={`Search transactions by ${hint}`}
        className="h-9 w-full rounded-sm border border-border bg-input pl-9 pr-10 text-body text-fg placeholder:text-muted hover:border-border-hover focus:border-accent focus:outline-none"
      />
      <span className="absolute right-3 top-1/2 -translate-y-1/2 text-caption text-muted">
        {busy ? <Spinner className="h-3.5 w-3.5" /> : <kbd className="rounded-sm border border-border px-1">/</kbd>}
      </span>
    </form>
  );
}
