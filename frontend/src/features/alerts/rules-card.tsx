'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Pencil } from 'lucide-react';
import { useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Card, CardHeader } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { GuardedButton } from '@/components/ui/guarded';
import { TableSkeleton } from '@/components/ui/skeleton';
import { QueryView } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { queryKeys } from '@/lib/api/query-keys';
import type { Rule } from './alert-types';
import { getRules, patchRule } from './alerts-api';
import { putRule } from './cache';
import { kindLabel, paramsSummary, scopeText } from './labels';
import { RuleDialog } from './rule-dialog';

/** The rules with their thresholds; admins switch them on/off and edit them, others read. */
export function RulesCard({ editReason }: { editReason: string | null }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [editing, setEditing] = useState<Rule | null>(null);
  const rules = useQuery({ queryKey: queryKeys.alertRules(), queryFn: ({ signal }) => getRules(signal) });
  const toggle = useMutation({
    mutationFn: (r: Rule) => patchRule(r.id, { enabled: !r.enabled }),
    onSuccess: (r) => {
      toast(`Rule “${r.name}” ${r.enabled ? 'enabled' : 'disabled'}`, 'success');
      putRule(qc, r);
    },
    onError: (e) => toast(`Could not change the rule: ${(e as Error).message}`, 'error'),
  });
  return (
    <Card>
      <CardHeader
        title="Rules"
        description={
          editReason
            ? `What makes an alert fire. ${editReason}`
            : 'What makes an alert fire. A rule that resolved does not fire again within its cooldown.'
        }
      />
      <div className="mt-3 overflow-x-auto" tabIndex={0} role="region" aria-label="Alert rules">
        <QueryView
          query={rules}
          loading={<TableSkeleton rows={6} cols={6} />}
          errorTitle="Could not load the rules"
          empty={{ title: 'No rules yet', when: (d) => d.length === 0 }}
        >
          {(items) => (
            <table className="w-full text-left text-body" data-testid="alert-rules">
              <thead>
                <tr className="border-b border-border text-caption uppercase tracking-wide text-muted">
                  <th className="px-4 py-2 font-medium">Rule</th>
                  <th className="px-3 py-2 font-medium">Scope</th>
                  <th className="px-3 py-2 font-medium">Thresholds</th>
                  <th className="px-3 py-2 text-right font-medium">Cooldown</th>
                  <th className="px-3 py-2 font-medium">Enabled</th>
                  <th className="px-3 py-2 font-medium">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((r) => (
                  <tr
                    key={r.id}
                    className="border-b border-border/60 last:border-0 hover:bg-input"
                    data-testid="alert-rule-row"
                    data-rule-id={r.id}
                    data-kind={r.kind}
                  >
                    <td className="px-4 py-2">
                      <span className="flex flex-wrap items-center gap-2">
                        <span className="font-medium text-fg">{r.name}</span>
                        {r.state?.firing ? <Badge tone="failed">{r.state.firing} firing</Badge> : null}
                      </span>
                      <span className="block text-caption text-fg-2">
                        {kindLabel(r.kind) === r.name ? r.severity : `${kindLabel(r.kind)} · ${r.severity}`}
                      </span>
                    </td>
                    <td className="px-3 py-2 text-fg-2">{scopeText(r.scope)}</td>
                    <td className="px-3 py-2 text-caption text-fg-2" data-testid="alert-rule-params">
                      {paramsSummary(r.kind, r.params)}
                    </td>
                    <td className="whitespace-nowrap px-3 py-2 text-right font-mono text-caption">{r.cooldown_minutes} min</td>
                    <td className="px-3 py-2">
                      <EnabledSwitch
                        rule={r}
                        reason={editReason}
                        busy={toggle.isPending && toggle.variables?.id === r.id}
                        onToggle={() => toggle.mutate(r)}
                      />
                    </td>
                    <td className="px-3 py-2 text-right">
                      <GuardedButton
                        reason={editReason}
                        size="sm"
                        variant="ghost"
                        onClick={() => setEditing(r)}
                        aria-label={`Edit rule ${r.name}`}
                        data-testid="alert-rule-edit"
                      >
                        <Pencil className="h-3.5 w-3.5" aria-hidden /> Edit
                      </GuardedButton>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryView>
      </div>
      {editing ? <RuleDialog rule={editing} onClose={() => setEditing(null)} /> : null}
    </Card>
  );
}

function EnabledSwitch({
  rule,
  reason,
  busy,
  onToggle,
}: {
  rule: Rule;
  reason: string | null;
  busy: boolean;
  onToggle: () => void;
}) {
  const on = rule.enabled;
  return (
    <button
      type="button"
      role="switch"
      aria-checked={on}
      aria-label={`Rule ${rule.name} enabled`}
      aria-disabled={reason || busy ? true : undefined}
      title={reason ?? undefined}
      onClick={() => {
        if (!reason && !busy) onToggle();
      }}
      data-testid="alert-rule-enabled"
      className={cn(
        'relative inline-flex h-5 w-9 shrink-0 items-center rounded-full border transition-colors duration-200',
        on ? 'border-accent bg-accent' : 'border-border-hover bg-input',
        (reason || busy) && 'cursor-not-allowed opacity-60',
      )}
    >
      <span
        aria-hidden
        className={cn(
          'inline-block h-3.5 w-3.5 rounded-full shadow transition-transform duration-200',
          on ? 'translate-x-4 bg-white' : 'translate-x-0.5 bg-fg-2',
        )}
      />
    </button>
  );
}
