'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { KeyRound } from 'lucide-react';
import { useMemo, useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { CopyButton } from '@/components/ui/copy-button';
import { DataTable, type Column } from '@/components/ui/data-table';
import { Input, Label, Select } from '@/components/ui/input';
import { Dialog } from '@/components/ui/overlay';
import { TableSkeleton } from '@/components/ui/skeleton';
import { InlineError, QueryView } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { apiGet, apiSend } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/query-keys';
import { TOKEN_SCOPES, type ApiToken, type CreatedToken, type TokenScope } from '@/lib/api/types';
import { formatDateTime, formatRelative, type TimeZone } from '@/lib/dates';

const MONO = 'font-mono text-caption text-fg-2';
const SMALL = 'text-caption text-fg-2';

function NameAndEmail({ name, email }: { name: string; email: string | null }) {
  return (
    <>
      {name}
      {email ? <span className="block text-caption text-muted">{email}</span> : null}
    </>
  );
}

export function TokensPanel({ tz }: { tz: TimeZone }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const tokens = useQuery({ queryKey: queryKeys.tokens(), queryFn: ({ signal }) => apiGet('/tokens', { signal }) });
  const revoke = useMutation({
    mutationFn: (t: ApiToken) => apiSend('DELETE', '/tokens/{token_id}', { path: { token_id: t.id } }),
    onSuccess: () => {
      toast('Token revoked', 'success');
      setRevoking(null);
      void qc.invalidateQueries({ queryKey: queryKeys.tokens() });
    },
  });
  const columns = useMemo<Column<ApiToken>[]>(() => {
    const when = (ts: string) => formatDateTime(ts, tz, false);
    return [
      { id: 'name', header: 'Name', cell: (t) => <NameAndEmail name={t.name} email={t.user_email} /> },
      { id: 'prefix', header: 'Prefix', cell: (t) => (t.prefix ? `${t.prefix}…` : '—'), cellClassName: MONO },
      { id: 'scope', header: 'Scope', cell: (t) => t.scope, cellClassName: SMALL },
      { id: 'created', header: 'Created', cell: (t) => when(t.created_at), cellClassName: MONO },
      {
        id: 'last_used',
        header: 'Last used',
        cell: (t) => (t.last_used_at ? formatRelative(t.last_used_at) : 'never'),
        cellClassName: SMALL,
      },
      { id: 'expires', header: 'Expires', cell: (t) => when(t.expires_at), cellClassName: MONO },
      {
        id: 'status',
        header: 'Status',
        cell: (t) => <Badge tone={t.status === 'active' ? 'success' : 'neutral'}>{t.status}</Badge>,
      },
      {
        id: 'actions',
        header: '',
        align: 'right',
        cell: (t) =>
          t.status === 'active' ? (
            <Button size="sm" variant="danger" onClick={() => setRevoking(t)}>
              Revoke
            </Button>
          ) : null,
      },
    ];
  }, [tz]);
  return (
    <Card>
      <CardHeader
        title="API tokens"
        description="For scripts and BI tools (Authorization: Bearer …). A token is shown once, when created."
        actions={
          <Button variant="primary" onClick={() => setCreating(true)} data-testid="create-token">
            <KeyRound className="h-4 w-4" aria-hidden /> Create token
          </Button>
        }
      />
      <div className="mt-3">
        <QueryView
          query={tokens}
          loading={<TableSkeleton rows={3} cols={5} />}
          empty={{ when: (data) => data.length === 0, title: 'No API tokens' }}
        >
          {(data) => <DataTable variant="list" testId="tokens-table" columns={columns} data={data} getRowId={(t) => t.id} />}
        </QueryView>
      </div>
      <CreateTokenDialog open={creating} onClose={() => setCreating(false)} />
      <Dialog
        open={!!revoking}
        onClose={() => setRevoking(null)}
        title="Revoke token?"
        footer={
          <>
            <Button variant="ghost" onClick={() => setRevoking(null)}>
              Cancel
            </Button>
            <Button variant="danger" loading={revoke.isPending} onClick={() => revoking && revoke.mutate(revoking)}>
              Revoke
            </Button>
          </>
        }
      >
        <p className="text-body text-fg-2">
          Anything using <span className="font-medium text-fg">{revoking?.name}</span> stops working immediately.
        </p>
        <InlineError error={revoke.error} />
      </Dialog>
    </Card>
  );
}

const SCOPE_LABELS: Record<TokenScope, string> = {
  viewer: 'viewer — read, payer data masked',
  analyst: 'analyst — read, run and resolve reconciliations, export',
  admin: 'admin — everything you can do',
  read: 'read-only — your role, GET requests only',
};

function CreateTokenDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [days, setDays] = useState('90');
  const [scope, setScope] = useState<TokenScope>('viewer');
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const m = useMutation({
    mutationFn: () => {
      const n = Number(days);
      // No expiry given: the server sets the longest it allows (TOKEN_MAX_DAYS).
      const expires_at = n > 0 ? new Date(Date.now() + n * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined;
      return apiSend('POST', '/tokens', { body: { name: name.trim(), expires_at, scope } });
    },
    onSuccess: (t) => {
      setCreated(t);
      void qc.invalidateQueries({ queryKey: queryKeys.tokens() });
    },
  });
  const close = () => {
    setCreated(null);
    setName('');
    setScope('viewer');
    m.reset();
    onClose();
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      title={created ? 'Token created' : 'Create API token'}
      testId="token-dialog"
      footer={
        created ? (
          <Button variant="primary" onClick={close}>
            I have stored it
          </Button>
        ) : (
          <>
            <Button variant="ghost" onClick={close}>
              Cancel
            </Button>
            <Button variant="primary" loading={m.isPending} disabled={!name.trim()} onClick={() => m.mutate()}>
              Create
            </Button>
          </>
        )
      }
    >
      {created ? (
        <>
          <p className="rounded-sm border border-pending/40 bg-pending/10 px-3 py-2 text-caption text-pending">
            Copy this token now. It will not be shown again.
          </p>
          <div className="flex items-center gap-2 rounded-sm border border-border bg-bg p-2">
            <code className="min-w-0 flex-1 break-all font-mono text-caption text-fg" data-testid="new-token">
              {created.token}
            </code>
            <CopyButton value={created.token} label="Copy token" />
          </div>
        </>
      ) : (
        <>
          <Label>
            Name
            <Input value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Finance BI nightly export" />
          </Label>
          <Label>
            Scope
            <Select value={scope} onChange={(e) => setScope(e.target.value as TokenScope)} data-testid="token-scope">
              {TOKEN_SCOPES.map((s) => (
                <option key={s} value={s}>
                  {SCOPE_LABELS[s]}
                </option>
              ))}
            </Select>
          </Label>
          <Label>
            Expires after (days; at most 90 unless the server allows more)
            <Input type="number" min={1} max={3650} value={days} onChange={(e) => setDays(e.target.value)} />
          </Label>
          <InlineError error={m.error} />
        </>
      )}
    </Dialog>
  );
}
