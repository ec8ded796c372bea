'use client';

import { PageHeader } from '@/components/layout/app-shell';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/states';
import { Tabs } from '@/components/ui/tabs';
import { useAuth } from '@/lib/app/auth';
import { can } from '@/lib/app/permissions';
import { usePreferences } from '@/lib/app/preferences';
import { useUrlState } from '@/lib/app/use-url-state';
import { AuditPanel } from './audit-panel';
import { TokensPanel } from './tokens-panel';
import { UsersPanel } from './users-panel';

type Tab = 'users' | 'tokens' | 'audit';

export function SettingsPage() {
  const { me } = useAuth();
  const { tz } = usePreferences();
  const { params, replace } = useUrlState();
  const raw = params.get('tab');
  const tab: Tab = raw === 'tokens' || raw === 'audit' ? raw : 'users';
  if (!can(me?.role, 'settings.view')) {
    return (
      <Card>
        <EmptyState title="Settings are for admins" hint="Ask an admin if you need a role change or an API token." />
      </Card>
    );
  }
  return (
    <>
      <PageHeader
        title="Settings"
        actions={
          <Tabs<Tab>
            label="Settings section"
            value={tab}
            onChange={(t) => replace(new URLSearchParams(t === 'users' ? {} : { tab: t }))}
            items={[
              { value: 'users', label: 'Users' },
              { value: 'tokens', label: 'API tokens' },
              { value: 'audit', label: 'Audit log' },
            ]}
          />
        }
      />
      {tab === 'users' ? <UsersPanel tz={tz} /> : tab === 'tokens' ? <TokensPanel tz={tz} /> : <AuditPanel tz={tz} />}
    </>
  );
}
