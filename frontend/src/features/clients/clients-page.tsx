'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { usePalette } from '@/components/charts/palette';
import { PageHeader } from '@/components/layout/app-shell';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { DataTable, type Column } from '@/components/ui/data-table';
import { Input } from '@/components/ui/input';
import { SkeletonStack } from '@/components/ui/skeleton';
import { EmptyState, InlineError, QueryView } from '@/components/ui/states';
import { Tabs } from '@/components/ui/tabs';
import { useToast } from '@/components/ui/toast';
import { errorMessage } from '@/lib/api/client';
import { useAuth } from '@/lib/app/auth';
import { usePreferences } from '@/lib/app/preferences';
import { formatDateTime } from '@/lib/dates';
import { formatMoney, toChartNumber } from '@/lib/money';
import {
  clientKeys,
  getBalances,
  getClients,
  getResellers,
  getServiceProviders,
  PROJECT_SLUG,
  refreshNow,
  setProject,
  type PayShackClient,
  type ReferenceEntry,
} from './clients-api';
import { flatDomain, flatTicks, SOURCE_LABEL } from './clients-format';

type Tab = 'clients' | 'resellers' | 'providers';

export function ClientsPage() {
  const { me } = useAuth();
  const { tz } = usePreferences();
  const toast = useToast();
  const qc = useQueryClient();
  const [tab, setTab] = useState<Tab>('clients');
  const [selected, setSelected] = useState<string | null>(null);
  const isAdmin = me?.role === 'admin';
  const canRefresh = me?.role === 'admin' || me?.role === 'analyst';
  const clients = useQuery({
    queryKey: clientKeys.clients(),
    queryFn: ({ signal }) => getClients(signal),
    refetchInterval: 60_000,
  });
  const refresh = useMutation({
    mutationFn: refreshNow,
    onSuccess: (r) => {
      toast(
        r.status === 'success' ? `Refreshed ${r.clients} clients` : `Refresh ${r.status}: ${r.error ?? ''}`,
        r.status === 'success' ? 'success' : 'error',
      );
      void qc.invalidateQueries({ queryKey: clientKeys.all });
    },
    onError: (e) => toast(`Could not refresh: ${errorMessage(e)}`, 'error'),
  });

  const data = clients.data;
  const current = data?.items.find((c) => c.client_id === selected) ?? data?.items[0] ?? null;

  return (
    <>
      <PageHeader
        title="Clients"
        description="PayShack clients, their balances and the project their pay-ins count under"
        actions={
          canRefresh ? (
            <Button size="sm" onClick={() => refresh.mutate()} loading={refresh.isPending} data-testid="clients-refresh">
              Refresh now
            </Button>
          ) : null
        }
      />
      <div className="mb-4 flex flex-wrap items-center gap-3 text-caption text-muted" data-testid="clients-refreshed">
        <span>
          Last refresh: {data?.refreshed_at ? formatDateTime(data.refreshed_at, tz) : 'never'}
          {data?.last_attempt_at && data.last_attempt_at !== data.refreshed_at
            ? ` · last attempt ${formatDateTime(data.last_attempt_at, tz)}`
            : ''}
        </span>
      </div>
      {data?.last_error ? (
        <Card className="mb-4 border-failed/40" data-testid="clients-last-error">
          <CardBody>
            <p className="text-body text-failed">The last refresh failed: {data.last_error}</p>
            <p className="text-caption text-muted">The figures below are from the last refresh that worked.</p>
          </CardBody>
        </Card>
      ) : null}
      <div className="mb-4">
        <Tabs
          label="Reference data"
          value={tab}
          onChange={setTab}
          items={[
            { value: 'clients', label: 'Clients' },
            { value: 'resellers', label: 'Resellers' },
            { value: 'providers', label: 'Service providers' },
          ]}
        />
      </div>
      {tab === 'clients' ? (
        <div className="grid gap-4">
          <Card>
            <QueryView
              query={clients}
              loading={<SkeletonStack count={4} className="h-10" />}
              errorCard=""
              empty={{
                when: (d) => d.items.length === 0,
                title: 'No clients yet',
                hint: 'They appear after the first reference refresh (every 30 minutes).',
                className: 'py-12',
              }}
            >
              {(d) => (
                <ClientTable clients={d.items} selected={current?.client_id ?? null} onSelect={setSelected} isAdmin={isAdmin} />
              )}
            </QueryView>
          </Card>
          {current ? <BalanceCard client={current} /> : null}
        </div>
      ) : (
        <EntryCard kind={tab} />
      )}
    </>
  );
}

function ClientTable({
  clients,
  selected,
  onSelect,
  isAdmin,
}: {
  clients: PayShackClient[];
  selected: string | null;
  onSelect: (id: string) => void;
  isAdmin: boolean;
}) {
  const { tz } = usePreferences();
  const columns: Column<PayShackClient>[] = [
    {
      id: 'name',
      header: 'Client',
      cell: (c) => (
        <div className="flex items-center gap-2" data-testid="client-name" data-client-id={c.client_id}>
          <span className="font-medium text-fg">{c.name}</span>
          {c.active ? null : <Badge tone="neutral">Inactive</Badge>}
        </div>
      ),
    },
    {
      id: 'reseller',
      header: 'Reseller',
      cell: (c) => c.reseller_name ?? c.reseller_id ?? '—',
      className: 'hidden lg:table-cell',
    },
    {
      id: 'balance',
      header: 'Balance',
      align: 'right',
      cell: (c) => (
        <span className="tabular-nums" data-testid="client-balance">
          {formatMoney(c.balance, { currency: c.currency })}
        </span>
      ),
    },
    {
      id: 'project',
      header: 'Project',
      cell: (c) => (isAdmin ? <ProjectEditor client={c} /> : <ProjectLabel client={c} />),
    },
    {
      id: 'refreshed',
      header: 'Refreshed',
      cell: (c) => formatDateTime(c.refreshed_at, tz, false),
      className: 'hidden md:table-cell',
    },
  ];
  return (
    <DataTable
      columns={columns}
      data={clients}
      getRowId={(c) => c.client_id}
      onRowClick={(c) => onSelect(c.client_id)}
      rowTestId="client-row"
      rowClassName={(c) => (c.client_id === selected ? 'bg-accent/5' : '')}
      caption="PayShack clients"
      testId="clients-table"
    />
  );
}

function ProjectLabel({ client }: { client: PayShackClient }) {
  return (
    <div className="flex items-center gap-2" data-testid="client-project">
      <span className="text-fg">{client.project ?? '—'}</span>
      <Badge tone={client.project_source === 'admin' ? 'accent' : 'neutral'}>{SOURCE_LABEL[client.project_source]}</Badge>
    </div>
  );
}

function ProjectEditor({ client }: { client: PayShackClient }) {
  const toast = useToast();
  const qc = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(client.project ?? '');
  const save = useMutation({
    mutationFn: (project: string | null) => setProject(client.client_id, project),
    onSuccess: (c) => {
      toast(`${c.name} now counts under ${c.project ?? 'no project'}`, 'success');
      setEditing(false);
      void qc.invalidateQueries({ queryKey: clientKeys.all });
      void qc.invalidateQueries({ queryKey: ['metrics'] });
      void qc.invalidateQueries({ queryKey: ['transactions'] });
    },
    onError: (e) => toast(`Could not change the project: ${errorMessage(e)}`, 'error'),
  });
  if (!editing) {
    return (
      <div className="flex items-center gap-2" onClick={(e) => e.stopPropagation()}>
        <ProjectLabel client={client} />
        <Button
          size="sm"
          variant="ghost"
          onClick={() => setEditing(true)}
          data-testid="client-project-edit"
          aria-label={`Change the project of ${client.name}`}
        >
          Change
        </Button>
      </div>
    );
  }
  const slug = value.trim();
  const valid = slug === '' || PROJECT_SLUG.test(slug);
  const confirmAndSave = (project: string | null) => {
    const what = project ?? 'the default mapping';
    if (window.confirm(`Count every pay-in of ${client.name} (stored and future) under ${what}? Figures are recomputed.`)) {
      save.mutate(project);
    }
  };
  return (
    <form
      className="flex flex-wrap items-center gap-2"
      onClick={(e) => e.stopPropagation()}
      onSubmit={(e) => {
        e.preventDefault();
        if (valid && slug) confirmAndSave(slug);
      }}
    >
      <Input
        aria-label={`Project of ${client.name}`}
        value={value}
        onChange={(e) => setValue(e.target.value)}
        className="h-8 w-36"
        aria-invalid={!valid}
        data-testid="client-project-input"
      />
      <Button
        size="sm"
        variant="primary"
        type="submit"
        disabled={!valid || !slug}
        loading={save.isPending}
        data-testid="client-project-save"
      >
        Save
      </Button>
      {client.project_source === 'admin' ? (
        <Button size="sm" variant="secondary" onClick={() => confirmAndSave(null)} data-testid="client-project-reset">
          Use default
        </Button>
      ) : null}
      <Button size="sm" variant="ghost" onClick={() => setEditing(false)}>
        Cancel
      </Button>
      {!valid ? <span className="text-caption text-failed">Lower-case letters, digits, _ and -</span> : null}
    </form>
  );
}

function BalanceCard({ client }: { client: PayShackClient }) {
  const { tz } = usePreferences();
  const p = usePalette();
  const history = useQuery({
    queryKey: clientKeys.balances(client.client_id, {}),
    queryFn: ({ signal }) => getBalances(client.client_id, {}, signal),
  });
  const axis = { stroke: p.axis, fontSize: 11, tickLine: false, axisLine: false } as const;
  return (
    <Card data-testid="balance-card">
      <CardHeader
        title={`Balance of ${client.name}`}
        description="The last 30 days: each change a refresh saw (refreshes run every 30 minutes)"
      />
      <CardBody>
        {history.isPending ? (
          <SkeletonStack count={3} className="h-10" />
        ) : history.isError ? (
          <InlineError error={history.error} />
        ) : history.data.length === 0 ? (
          <EmptyState title="No balance recorded in these 30 days" />
        ) : (
          <div role="img" aria-label={`Balance of ${client.name} over the last 30 days`}>
            <ResponsiveContainer width="100%" height={240}>
              <LineChart
                data={history.data.map((pt) => ({ at: pt.at, raw: pt.balance, value: toChartNumber(pt.balance) }))}
                margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
              >
                <CartesianGrid stroke={p.grid} strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="at" {...axis} tickFormatter={(v: string) => formatDateTime(v, tz, false)} minTickGap={48} />
                <YAxis
                  {...axis}
                  width={88}
                  domain={flatDomain}
                  ticks={flatTicks(history.data.map((pt) => toChartNumber(pt.balance)))}
                  allowDecimals={false}
                  tickFormatter={(v: number) => formatMoney(String(Math.round(v)), { decimals: 0 })}
                />
                <Tooltip
                  contentStyle={{ background: p.tooltipBg, border: `1px solid ${p.tooltipBorder}`, borderRadius: 6 }}
                  labelStyle={{ color: p.text }}
                  labelFormatter={(v) => formatDateTime(String(v), tz)}
                  formatter={(_v, _n, item) => [formatMoney((item.payload as { raw: string }).raw), 'Balance']}
                />
                <Line
                  type="stepAfter"
                  dataKey="value"
                  stroke={p.accent}
                  strokeWidth={2}
                  dot={history.data.length <= 2 ? { r: 4, fill: p.accent } : false}
                  isAnimationActive={false}
                />
              </LineChart>
            </ResponsiveContainer>
            {history.data.length === 1 ? (
              <p className="mt-2 text-caption text-muted" data-testid="balance-single">
                One reading so far: the line starts once a later refresh sees the balance again.
              </p>
            ) : null}
          </div>
        )}
      </CardBody>
    </Card>
  );
}

function EntryCard({ kind }: { kind: 'resellers' | 'providers' }) {
  const { tz } = usePreferences();
  const query = useQuery({
    queryKey: kind === 'resellers' ? clientKeys.resellers() : clientKeys.providers(),
    queryFn: ({ signal }) => (kind === 'resellers' ? getResellers(signal) : getServiceProviders(signal)),
  });
  const columns: Column<ReferenceEntry>[] = [
    { id: 'name', header: 'Name', cell: (e) => <span className="font-medium text-fg">{e.name ?? '—'}</span> },
    { id: 'id', header: 'Id', cell: (e) => <span className="font-mono text-caption">{e.id}</span> },
    {
      id: 'active',
      header: 'State',
      cell: (e) => (e.active ? <Badge tone="success">Active</Badge> : <Badge tone="neutral">Inactive</Badge>),
    },
    { id: 'refreshed', header: 'Refreshed', cell: (e) => formatDateTime(e.refreshed_at, tz, false) },
  ];
  return (
    <Card>
      <QueryView
        query={query}
        loading={<SkeletonStack count={3} className="h-10" />}
        errorCard=""
        empty={{ when: (d) => d.length === 0, title: 'Nothing here yet', className: 'py-12' }}
      >
        {(d) => (
          <DataTable
            columns={columns}
            data={d}
            getRowId={(e) => e.id}
            caption={kind === 'resellers' ? 'Resellers' : 'Service providers'}
            testId={`${kind}-table`}
          />
        )}
      </QueryView>
    </Card>
  );
}
