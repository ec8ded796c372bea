'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Plus, Send, Trash2 } from 'lucide-react';
import { useId, useState, type FormEvent } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { Input, Label, Select } from '@/components/ui/input';
import { Dialog } from '@/components/ui/overlay';
import { TableSkeleton } from '@/components/ui/skeleton';
import { InlineError, QueryView } from '@/components/ui/states';
import { useToast } from '@/components/ui/toast';
import { queryKeys } from '@/lib/api/query-keys';
import { formatDateTime, type TimeZone } from '@/lib/dates';
import {
  CHANNEL_KINDS,
  WEBHOOK_FORMATS,
  type Channel,
  type ChannelKind,
  type NewChannel,
  type WebhookFormat,
} from './alert-types';
import { createChannel, deleteChannel, getChannels, testChannel } from './alerts-api';
import { addChannel, dropChannel } from './cache';

export const CHANNEL_KIND_LABEL: Record<ChannelKind, string> = { in_app: 'In-app', webhook: 'Webhook', email: 'E-mail' };

/** Where alerts are sent (admins only: the API lists channels to admins). */
export function ChannelsCard({ tz }: { tz: TimeZone }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<Channel | null>(null);
  const channels = useQuery({ queryKey: queryKeys.alertChannels(), queryFn: ({ signal }) => getChannels(signal) });
  const test = useMutation({
    mutationFn: (c: Channel) => testChannel(c.id),
    onSuccess: (r, c) =>
      toast(
        r.delivered ? `Test sent to “${c.name}”` : `Test to “${c.name}” not delivered: ${r.error ?? r.status}`,
        r.delivered ? 'success' : 'error',
      ),
    onError: (e, c) => toast(`Test to “${c.name}” failed: ${(e as Error).message}`, 'error'),
  });
  const remove = useMutation({
    mutationFn: (c: Channel) => deleteChannel(c.id),
    onSuccess: (_, c) => {
      toast(`Channel “${c.name}” deleted`, 'success');
      setDeleting(null);
      dropChannel(qc, c.id);
    },
  });
  return (
    <Card>
      <CardHeader
        title="Channels"
        description="Where alerts are sent when they fire and resolve. Secrets are stored encrypted and never shown."
        actions={
          <Button size="sm" onClick={() => setAdding(true)} data-testid="channel-add">
            <Plus className="h-4 w-4" aria-hidden /> Add channel
          </Button>
        }
      />
      <div className="mt-3 overflow-x-auto" tabIndex={0} role="region" aria-label="Alert channels">
        <QueryView
          query={channels}
          loading={<TableSkeleton rows={3} cols={5} />}
          errorTitle="Could not load the channels"
          empty={{ title: 'No channels yet', hint: 'Add one to be told when an alert fires.', when: (d) => d.length === 0 }}
        >
          {(items) => (
            <table className="w-full text-left text-body" data-testid="alert-channels">
              <thead>
                <tr className="border-b border-border text-caption uppercase tracking-wide text-muted">
                  <th className="px-4 py-2 font-medium">Name</th>
                  <th className="px-3 py-2 font-medium">Kind</th>
                  <th className="px-3 py-2 font-medium">Target</th>
                  <th className="px-3 py-2 font-medium">Added</th>
                  <th className="px-3 py-2 font-medium">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((c) => (
                  <tr key={c.id} className="border-b border-border/60 last:border-0 hover:bg-input" data-testid="channel-row">
                    <td className="px-4 py-2 font-medium text-fg">
                      {c.name}
                      {!c.enabled ? (
                        <Badge className="ml-2" tone="neutral">
                          off
                        </Badge>
                      ) : null}
                    </td>
                    <td className="px-3 py-2 text-fg-2">
                      {CHANNEL_KIND_LABEL[c.kind] ?? c.kind}
                      {c.format ? ` · ${c.format}` : ''}
                    </td>
                    <td className="px-3 py-2 font-mono text-caption text-fg-2">
                      {c.target ?? '—'}
                      {c.has_secret ? <span className="ml-2 font-sans">· signed</span> : null}
                    </td>
                    <td className="whitespace-nowrap px-3 py-2 font-mono text-caption text-fg-2">
                      {formatDateTime(c.created_at, tz, false)}
                    </td>
                    <td className="whitespace-nowrap px-3 py-2 text-right">
                      <Button
                        size="sm"
                        variant="ghost"
                        onClick={() => test.mutate(c)}
                        loading={test.isPending && test.variables?.id === c.id}
                        aria-label={`Send test to ${c.name}`}
                        data-testid="channel-test"
                      >
                        <Send className="h-3.5 w-3.5" aria-hidden /> Send test
                      </Button>
                      <Button
                        size="sm"
                        variant="ghost"
                        onClick={() => setDeleting(c)}
                        aria-label={`Delete channel ${c.name}`}
                        data-testid="channel-delete"
                      >
                        <Trash2 className="h-3.5 w-3.5" aria-hidden /> Delete
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryView>
      </div>
      {adding ? <AddChannelDialog onClose={() => setAdding(false)} /> : null}
      <Dialog
        open={!!deleting}
        onClose={() => setDeleting(null)}
        title={`Delete “${deleting?.name ?? ''}”?`}
        footer={
          <>
            <Button variant="ghost" onClick={() => setDeleting(null)}>
              Cancel
            </Button>
            <Button
              variant="danger"
              loading={remove.isPending}
              onClick={() => deleting && remove.mutate(deleting)}
              data-testid="channel-delete-confirm"
            >
              Delete
            </Button>
          </>
        }
      >
        <p className="text-body text-fg-2">Rules that send to it stop sending there. Past notifications stay in the history.</p>
        <InlineError error={remove.error} />
      </Dialog>
    </Card>
  );
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The new channel's body, or the error to show. */
export function channelBody(f: {
  name: string;
  kind: ChannelKind;
  url: string;
  format: WebhookFormat;
  chatId: string;
  to: string;
  secret: string;
}): { body: NewChannel | null; error: string | null } {
  const name = f.name.trim();
  if (!name) return { body: null, error: 'Give the channel a name.' };
  if (f.kind === 'webhook') {
    let url: URL;
    try {
      url = new URL(f.url.trim());
    } catch {
      return { body: null, error: 'The webhook URL is not a URL (https://…).' };
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return { body: null, error: 'The webhook URL must be http(s).' };
    if (f.format === 'telegram' && !f.chatId.trim()) return { body: null, error: 'Telegram needs a chat id.' };
    return {
      body: {
        name,
        kind: 'webhook',
        url: url.toString(),
        format: f.format,
        ...(f.format === 'telegram' ? { chat_id: f.chatId.trim() } : {}),
        ...(f.secret ? { secret: f.secret } : {}),
      },
      error: null,
    };
  }
  if (f.kind === 'email') {
    const to = f.to.trim();
    if (!EMAIL_RE.test(to)) return { body: null, error: 'The e-mail address is not valid.' };
    return { body: { name, kind: 'email', to }, error: null };
  }
  return { body: { name, kind: 'in_app' }, error: null };
}

function AddChannelDialog({ onClose }: { onClose: () => void }) {
  const qc = useQueryClient();
  const toast = useToast();
  const formId = useId();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<ChannelKind>('webhook');
  const [url, setUrl] = useState('');
  const [format, setFormat] = useState<WebhookFormat>('slack');
  const [chatId, setChatId] = useState('');
  const [to, setTo] = useState('');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: createChannel,
    onSuccess: (c) => {
      toast(`Channel “${c.name}” added`, 'success');
      addChannel(qc, c);
      onClose();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = channelBody({ name, kind, url, format, chatId, to, secret });
    setError(r.error);
    if (r.body) add.mutate(r.body);
  };
  const id = (k: string) => `${formId}-${k}`;
  return (
    <Dialog
      open
      onClose={onClose}
      title="Add a channel"
      testId="channel-dialog"
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" form={formId} loading={add.isPending} data-testid="channel-save">
            Add
          </Button>
        </>
      }
    >
      <form id={formId} onSubmit={submit} noValidate className="space-y-3">
        <Label htmlFor={id('name')}>
          Name
          <Input id={id('name')} value={name} onChange={(e) => setName(e.target.value)} data-testid="channel-name" />
        </Label>
        <Label htmlFor={id('kind')}>
          Kind
          <Select
            id={id('kind')}
            value={kind}
            onChange={(e) => setKind(e.target.value as ChannelKind)}
            data-testid="channel-kind"
          >
            {CHANNEL_KINDS.map((k) => (
              <option key={k} value={k}>
                {CHANNEL_KIND_LABEL[k]}
              </option>
            ))}
          </Select>
        </Label>
        {kind === 'webhook' ? (
          <>
            <Label htmlFor={id('url')}>
              Webhook URL
              <Input
                id={id('url')}
                type="url"
                placeholder="https://hooks.slack.com/services/…"
                value={url}
                onChange={(e) => setUrl(e.target.value)}
                data-testid="channel-url"
              />
            </Label>
            <Label htmlFor={id('format')}>
              Format
              <Select id={id('format')} value={format} onChange={(e) => setFormat(e.target.value as WebhookFormat)}>
                {WEBHOOK_FORMATS.map((f) => (
                  <option key={f} value={f}>
                    {f === 'json' ? 'Plain JSON' : f.charAt(0).toUpperCase() + f.slice(1)}
                  </option>
                ))}
              </Select>
            </Label>
            {format === 'telegram' ? (
              <Label htmlFor={id('chat')}>
                Telegram chat id
                <Input id={id('chat')} value={chatId} onChange={(e) => setChatId(e.target.value)} />
              </Label>
            ) : null}
            <Label htmlFor={id('secret')}>
              Signing secret (optional; stored encrypted, never shown again)
              <Input
                id={id('secret')}
                type="password"
                autoComplete="new-password"
                value={secret}
                onChange={(e) => setSecret(e.target.value)}
              />
            </Label>
          </>
        ) : null}
        {kind === 'email' ? (
          <Label htmlFor={id('to')}>
            Send to
            <Input
              id={id('to')}
              type="email"
              placeholder="ops@example.com"
              value={to}
              onChange={(e) => setTo(e.target.value)}
              data-testid="channel-to"
            />
          </Label>
        ) : null}
        {kind === 'in_app' ? <p className="text-caption text-fg-2">Shown in the header bell and the alert centre.</p> : null}
        <InlineError error={error ? new Error(error) : add.error} />
      </form>
    </Dialog>
  );
}
