'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { UserPlus } from 'lucide-react';
import { useMemo, useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { DataTable, type Column } from '@/components/ui/data-table';
import { Input, Label, Select } from '@/components/ui/input';
import { Dialog } from '@/components/ui/overlay';
import { TableSkeleton } from '@/components/ui/skeleton';
import { InlineError, QueryView } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { apiGet, apiSend } from '@/lib/api/client';
import type { Body } from '@/lib/api/paths';
import { queryKeys } from '@/lib/api/query-keys';
import { ROLES, type Role, type User } from '@/lib/api/types';
import { useAuth } from '@/lib/app/auth';
import { formatDateTime, formatRelative, type TimeZone } from '@/lib/dates';

export function UsersPanel({ tz }: { tz: TimeZone }) {
  const qc = useQueryClient();
  const toast = useToast();
  const { me } = useAuth();
  const [adding, setAdding] = useState(false);
  const [roleChange, setRoleChange] = useState<{ user: User; role: Role } | null>(null);
  const users = useQuery({ queryKey: queryKeys.users(), queryFn: ({ signal }) => apiGet('/users', { signal }) });
  const patch = useMutation({
    mutationFn: ({ id, body }: { id: string; body: Body<'/users/{user_id}', 'patch'> }) =>
      apiSend('PATCH', '/users/{user_id}', { path: { user_id: id }, body }),
    onSuccess: (u) => {
      toast(`Updated ${u.email}`, 'success');
      setRoleChange(null);
      void qc.invalidateQueries({ queryKey: queryKeys.users() });
    },
    onError: (e) => toast((e as Error).message, 'error'),
  });
  const { mutate, isPending } = patch;
  const columns = useMemo<Column<User>[]>(() => {
    const isSelf = (u: User) => u.id === me?.id || u.email === me?.email;
    return [
      {
        id: 'email',
        header: 'Email',
        cell: (u) => (
          <>
            {u.email} {isSelf(u) ? <span className="text-caption text-muted">(you)</span> : null}
          </>
        ),
      },
      {
        id: 'role',
        header: 'Role',
        cell: (u) => (
          <Select
            aria-label={`Role of ${u.email}`}
            className="h-8"
            value={u.role}
            disabled={isSelf(u) || isPending}
            title={isSelf(u) ? 'You cannot change your own role' : undefined}
            // Nothing changes until the admin confirms in the dialog.
            onChange={(e) => setRoleChange({ user: u, role: e.target.value as Role })}
            data-testid="user-role"
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </Select>
        ),
      },
      {
        id: 'status',
        header: 'Status',
        cell: (u) => <Badge tone={u.is_active ? 'success' : 'neutral'}>{u.is_active ? 'active' : 'disabled'}</Badge>,
      },
      {
        id: 'created',
        header: 'Created',
        cellClassName: 'font-mono text-caption text-fg-2',
        cell: (u) => formatDateTime(u.created_at, tz, false),
      },
      {
        id: 'last_login',
        header: 'Last sign-in',
        cellClassName: 'text-caption text-fg-2',
        cell: (u) => (
          <span title={formatDateTime(u.last_login_at, tz)}>{u.last_login_at ? formatRelative(u.last_login_at) : 'never'}</span>
        ),
      },
      {
        id: 'actions',
        header: '',
        align: 'right',
        cell: (u) =>
          isSelf(u) ? null : (
            <Button
              size="sm"
              variant={u.is_active ? 'danger' : 'secondary'}
              onClick={() => mutate({ id: u.id, body: { is_active: !u.is_active } })}
            >
              {u.is_active ? 'Disable' : 'Enable'}
            </Button>
          ),
      },
    ];
  }, [me, isPending, mutate, tz]);

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
        <QueryView
          query={users}
          loading={<TableSkeleton rows={4} cols={5} />}
          empty={{ when: (data) => data.length === 0, title: 'No users' }}
        >
          {(data) => <DataTable variant="list" testId="users-table" columns={columns} data={data} getRowId={(u) => u.id} />}
        </QueryView>
      </div>
      <AddUserDialog open={adding} onClose={() => setAdding(false)} />
      <Dialog
        open={!!roleChange}
        onClose={() => setRoleChange(null)}
        testId="role-dialog"
        title={roleChange ? roleQuestion(roleChange.user.email, roleChange.role) : ''}
        footer={
          <>
            <Button variant="ghost" onClick={() => setRoleChange(null)} data-testid="role-cancel">
              Cancel
            </Button>
            <Button
              variant="primary"
              loading={isPending}
              onClick={() => roleChange && mutate({ id: roleChange.user.id, body: { role: roleChange.role } })}
              data-testid="role-confirm"
            >
              Change role
            </Button>
          </>
        }
      >
        {roleChange ? (
          <p className="text-body text-fg-2" data-testid="role-consequence">
            {roleConsequence(roleChange.user.role, roleChange.role)}
          </p>
        ) : null}
      </Dialog>
    </Card>
  );
}

const ARTICLE: Record<Role, string> = { admin: 'an admin', analyst: 'an analyst', viewer: 'a viewer' };
const ABILITIES: Record<Role, string> = {
  admin:
    'manage users, roles and API tokens, trigger syncs and backfills, reconcile, resolve and export, and see payer data unmasked',
  analyst:
    'run reconciliations, resolve discrepancies and export, and see payer data unmasked, but not manage users, tokens or syncs',
  viewer: 'read every page with payer data masked, but not export, reconcile, resolve or change anything',
};

/** "Make a@b.c an admin?" */
export function roleQuestion(email: string, role: Role): string {
  return `Make ${email} ${ARTICLE[role]}?`;
}

/** What the change does, said before it is made. */
export function roleConsequence(from: Role, to: Role): string {
  const lose = from === 'admin' && to !== 'admin' ? ' They lose admin rights at their next request.' : '';
  return `They will be able to ${ABILITIES[to]}.${lose} The change is recorded in the audit log.`;
}

function AddUserDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [password, setPassword] = useState('');
  const m = useMutation({
    mutationFn: () => apiSend('POST', '/users', { body: { email: email.trim(), role, password } }),
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
