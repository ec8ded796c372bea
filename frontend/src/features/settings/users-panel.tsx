'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { UserPlus } from 'lucide-react';
import { useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { Input, Label, Select } from '@/components/ui/input';
import { Dialog } from '@/components/ui/overlay';
import { TableSkeleton } from '@/components/ui/skeleton';
import { EmptyState, ErrorState, InlineError } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { apiGet, apiSend } from '@/lib/api/client';
import { queryKeys } from '@/lib/api/query-keys';
import { ROLES, type Role, type User } from '@/lib/api/types';
import { useAuth } from '@/lib/app/auth';
import { formatDateTime, formatRelative, type TimeZone } from '@/lib/dates';

export function UsersPanel({ tz }: { tz: TimeZone }) {
  const qc = useQueryClient();
  const toast = useToast();
  const { me } = useAuth();
  const [adding, setAdding] = useState(false);
  const users = useQuery({ queryKey: queryKeys.users(), queryFn: ({ signal }) => apiGet<User[]>('/users', undefined, signal) });
  const patch = useMutation({
    mutationFn: ({ id, body }: { id: string; body: Partial<Pick<User, 'role' | 'is_active'>> }) =>
      apiSend<User>('PATCH', `/users/${encodeURIComponent(id)}`, body),
    onSuccess: (u) => {
      toast(`Updated ${u.email}`, 'success');
      void qc.invalidateQueries({ queryKey: queryKeys.users() });
    },
    onError: (e) => toast((e as Error).message, 'error'),
  });

  return (
    <Card>
      <CardHeader
        title="Users and roles"
        description="Admins manage everything; analysts run reconciliation and export; viewers read with payer data masked."
        actions={
          <Button variant="primary" onClick={() => setAdding(true)} data-testid="add-user">
            <UserPlus className="h-4 w-4" aria-hidden /> Add user
          </Button>
        }
      />
      <div className="mt-3">
        {users.isPending ? (
          <TableSkeleton rows={4} cols={5} />
        ) : users.isError ? (
          <ErrorState error={users.error} onRetry={() => void users.refetch()} />
        ) : users.data.length === 0 ? (
          <EmptyState title="No users" />
        ) : (
          <table className="w-full text-left text-body" data-testid="users-table">
            <thead>
              <tr className="border-b border-border text-caption uppercase tracking-wide text-muted">
                <th className="px-4 py-2 font-medium">Email</th>
                <th className="px-4 py-2 font-medium">Role</th>
                <th className="px-4 py-2 font-medium">Status</th>
                <th className="px-4 py-2 font-medium">Created</th>
                <th className="px-4 py-2 font-medium">Last sign-in</th>
                <th className="px-4 py-2" />
              </tr>
            </thead>
            <tbody>
              {users.data.map((u) => {
                const self = u.id === me?.id || u.email === me?.email;
                return (
                  <tr key={u.id} className="border-b border-border/60 last:border-0 hover:bg-input">
                    <td className="px-4 py-2">
                      {u.email} {self ? <span className="text-caption text-muted">(you)</span> : null}
                    </td>
                    <td className="px-4 py-2">
                      <Select
                        aria-label={`Role of ${u.email}`}
                        className="h-8"
                        value={u.role}
                        disabled={self || patch.isPending}
                        onChange={(e) => patch.mutate({ id: u.id, body: { role: e.target.value as Role } })}
                      >
                        {ROLES.map((r) => (
                          <option key={r} value={r}>
                            {r}
                          </option>
                        ))}
                      </Select>
                    </td>
                    <td className="px-4 py-2">
                      <Badge tone={u.is_active ? 'success' : 'neutral'}>{u.is_active ? 'active' : 'disabled'}</Badge>
                    </td>
                    <td className="px-4 py-2 font-mono text-caption text-fg-2">{formatDateTime(u.created_at, tz, false)}</td>
                    <td className="px-4 py-2 text-caption text-fg-2" title={formatDateTime(u.last_login_at, tz)}>
                      {u.last_login_at ? formatRelative(u.last_login_at) : 'never'}
                    </td>
                    <td className="px-4 py-2 text-right">
                      {self ? null : (
                        <Button
                          size="sm"
                          variant={u.is_active ? 'danger' : 'secondary'}
                          onClick={() => patch.mutate({ id: u.id, body: { is_active: !u.is_active } })}
                        >
                          {u.is_active ? 'Disable' : 'Enable'}
                        </Button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </div>
      <AddUserDialog open={adding} onClose={() => setAdding(false)} />
    </Card>
  );
}

function AddUserDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [password, setPassword] = useState('');
  const m = useMutation({
    mutationFn: () => apiSend<User>('POST', '/users', { email: email.trim(), role, password }),
    onSuccess: (u) => {
      toast(`Added ${u.email}`, 'success');
      void qc.invalidateQueries({ queryKey: queryKeys.users() });
      setEmail('');
      setPassword('');
      onClose();
    },
  });
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Add user"
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button
            variant="primary"
            loading={m.isPending}
            disabled={!email.includes('@') || password.length < 12}
            onClick={() => m.mutate()}
          >
            Add user
          </Button>
        </>
      }
    >
      <Label>
        Email
        <Input type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" />
      </Label>
      <Label>
        Role
        <Select value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </Select>
      </Label>
      <Label>
        Initial password <span className="text-muted">(at least 12 characters)</span>
        <Input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
      </Label>
      <InlineError error={m.error} />
    </Dialog>
  );
}
