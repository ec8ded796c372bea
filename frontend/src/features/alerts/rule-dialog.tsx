'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Input, Label, Select } from '@/components/ui/input';
import { Dialog } from '@/components/ui/overlay';
import { InlineError } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import type { AlertSeverity, Rule } from './alert-types';
import { patchRule } from './alerts-api';
import { putRule } from './cache';
import { kindLabel, paramSpecs, scopeText, validateCooldown, validateParams } from './labels';

/** Edit a rule's thresholds, cooldown and severity (admins); numbers are checked before the PATCH. */
export function RuleDialog({ rule, onClose }: { rule: Rule; onClose: () => void }) {
  const qc = useQueryClient();
  const toast = useToast();
  const formId = useId();
  const specs = paramSpecs(rule.kind, rule.params);
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(specs.map((s) => [s.key, rule.params?.[s.key] == null ? '' : String(rule.params[s.key])])),
  );
  const [cooldown, setCooldown] = useState(String(rule.cooldown_minutes ?? ''));
  const [severity, setSeverity] = useState<AlertSeverity>(rule.severity);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: (body: Parameters<typeof patchRule>[1]) => patchRule(rule.id, body),
    onSuccess: (saved) => {
      toast(`Rule “${rule.name}” saved`, 'success');
      putRule(qc, saved);
      onClose();
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { params, errors: paramErrors } = validateParams(rule.kind, values);
    const cooldownError = validateCooldown(cooldown);
    const all = { ...paramErrors, ...(cooldownError ? { cooldown_minutes: cooldownError } : {}) };
    setErrors(all);
    if (Object.keys(all).length) return;
    save.mutate({ params: { ...rule.params, ...params }, cooldown_minutes: Number(cooldown.trim()), severity });
  };

  const field = (key: string) => `${formId}-${key}`;
  return (
    <Dialog
      open
      onClose={onClose}
      title={`Edit “${rule.name}”`}
      testId="rule-dialog"
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" form={formId} loading={save.isPending} data-testid="rule-save">
            Save
          </Button>
        </>
      }
    >
      <p className="text-caption text-fg-2">
        {kindLabel(rule.kind)} · scope {scopeText(rule.scope)}
      </p>
      <form id={formId} onSubmit={submit} noValidate className="space-y-3">
        {specs.map((s) => (
          <Label key={s.key} htmlFor={field(s.key)}>
            {s.label} ({s.unit || 'number'})
            <Input
              id={field(s.key)}
              name={s.key}
              inputMode={s.integer ? 'numeric' : 'decimal'}
              value={values[s.key] ?? ''}
              onChange={(e) => setValues((v) => ({ ...v, [s.key]: e.target.value }))}
              aria-invalid={errors[s.key] ? true : undefined}
              aria-describedby={errors[s.key] ? `${field(s.key)}-error` : undefined}
              data-testid={`rule-param-${s.key}`}
            />
            {errors[s.key] ? (
              <span id={`${field(s.key)}-error`} className="text-caption text-failed" data-testid="rule-field-error">
                {errors[s.key]}
              </span>
            ) : null}
          </Label>
        ))}
        <Label htmlFor={field('cooldown')}>
          Cooldown after resolving (minutes)
          <Input
            id={field('cooldown')}
            inputMode="numeric"
            value={cooldown}
            onChange={(e) => setCooldown(e.target.value)}
            aria-invalid={errors.cooldown_minutes ? true : undefined}
            aria-describedby={errors.cooldown_minutes ? `${field('cooldown')}-error` : undefined}
            data-testid="rule-cooldown"
          />
          {errors.cooldown_minutes ? (
            <span id={`${field('cooldown')}-error`} className="text-caption text-failed" data-testid="rule-field-error">
              {errors.cooldown_minutes}
            </span>
          ) : null}
        </Label>
        <Label htmlFor={field('severity')}>
          Severity
          <Select id={field('severity')} value={severity} onChange={(e) => setSeverity(e.target.value as AlertSeverity)}>
            <option value="critical">Critical</option>
            <option value="warning">Warning</option>
          </Select>
        </Label>
        <InlineError error={save.error} />
      </form>
    </Dialog>
  );
}
