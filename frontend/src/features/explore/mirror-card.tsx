'use client';

import { useQuery } from '@tanstack/react-query';
import { Badge } from '@/components/ui/badge';
import { Card, CardHeader } from '@/components/ui/card';
import { formatDateTime, formatDuration, type TimeZone } from '@/lib/dates';
import { formatCount } from '@/lib/money';
import { exploreKeys, getMirror } from './explore-api';

/** The ClickHouse mirror's feed on the sync page: rows, lag, pending changes, last error (docs/analytics.md). */
export function MirrorCard({ tz }: { tz: TimeZone }) {
  const mirror = useQuery({
    queryKey: exploreKeys.mirror(),
    queryFn: ({ signal }) => getMirror(signal),
    refetchInterval: 15_000,
  });
  const m = mirror.data;
  if (!m) return null;
  const tone = !m.configured
    ? 'neutral'
    : m.last_error
      ? 'failed'
      : m.lag_seconds !== null && m.lag_seconds < 300
        ? 'success'
        : 'pending';
  return (
    <Card className="mb-6" data-testid="mirror-card">
      <CardHeader
        title="Analytics mirror"
        description={
          m.configured
            ? `ClickHouse (${m.mode}) fed from PostgreSQL; Explore reads it when caught up.`
            : 'Not configured: Explore answers from PostgreSQL (set CLICKHOUSE_URL or CLICKHOUSE_EMBEDDED).'
        }
        actions={
          <Badge tone={tone} data-testid="mirror-lag">
            {!m.configured ? 'Off' : m.lag_seconds === null ? 'Not fed yet' : `Lag ${formatDuration(m.lag_seconds * 1000)}`}
          </Badge>
        }
      />
      {m.configured ? (
        <dl className="grid grid-cols-2 gap-4 p-4 text-body sm:grid-cols-4">
          <div>
            <dt className="text-caption text-muted">Rows in mirror</dt>
            <dd className="tabular-nums">{m.rows === null ? '—' : formatCount(m.rows)}</dd>
          </div>
          <div>
            <dt className="text-caption text-muted">Changes waiting</dt>
            <dd className="tabular-nums">{m.pending_rows === null ? '—' : formatCount(m.pending_rows)}</dd>
          </div>
          <div>
            <dt className="text-caption text-muted">Last fed</dt>
            <dd>{formatDateTime(m.last_fed_at, tz, false)}</dd>
          </div>
          <div>
            <dt className="text-caption text-muted">Last error</dt>
            <dd className={m.last_error ? 'text-failed' : 'text-muted'}>{m.last_error ?? 'None'}</dd>
          </div>
        </dl>
      ) : null}
    </Card>
  );
}
