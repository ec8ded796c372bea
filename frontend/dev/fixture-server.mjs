#!/usr/bin/env node
/**
 * DEV-ONLY PREVIEW SERVER — not used by tests, not shipped, not the backend.
 *
 * Serves made-up fixture JSON at /api/v1 (following shared/spec/api-contract.md) so the UI
 * can be looked at without the real FastAPI backend. Everything else is either the static
 * export in ./out (default) or proxied to `next dev` (--proxy http://127.0.0.1:3000).
 *
 *   npm run build && node dev/fixture-server.mjs            # http://127.0.0.1:4000
 *   npx next dev -p 3000 & node dev/fixture-server.mjs --proxy http://127.0.0.1:3000
 *
 * Sign in with any password; an email containing "viewer" or "analyst" gets that role,
 * anything else is admin.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.resolve(here, '..', 'out');
const args = process.argv.slice(2);
const PORT = Number(process.env.PORT || (args.includes('--port') ? args[args.indexOf('--port') + 1] : 4000));
const PROXY = args.includes('--proxy') ? args[args.indexOf('--proxy') + 1] : null;

// ---- deterministic fixture world --------------------------------------------------------
let seed = 42;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
const PROJECTS = ['91game', 'luckyspin', 'rummyking', 'cricstar', 'ludomax', 'teenpatti'];
const NAMES = ['Asha Rao', 'Vikram Shah', 'Priya Nair', 'Rohit Verma', 'Neha Gupta', 'Arjun Iyer'];
const NOW = Date.now();
const DAY = 86_400_000;

const txns = [];
for (let i = 0; i < 1800; i++) {
  const created = new Date(NOW - Math.floor(rnd() * 35 * DAY) - Math.floor(rnd() * 3600_000));
  const r = rnd();
  const status = r < 0.86 ? 'success' : r < 0.95 ? 'failed' : r < 0.99 ? 'pending' : 'refunded';
  const paise = Math.floor(rnd() * 500000) + 10000;
  const amount = (paise / 100).toFixed(2);
  const source = rnd() < 0.62 ? 'vima' : 'payshack';
  const name = pick(NAMES);
  const cid = `CO${(100000 + i).toString()}`;
  txns.push({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    source,
    source_id: source === 'vima' ? String(1067251098160838656n + BigInt(i)) : `PS-${700000 + i}`,
    reference_id: `REF${900000 + i}`,
    client_operation_id: cid,
    order_id: `ORD-${cid}`,
    project: pick(PROJECTS),
    merchant_id: `M-${(i % 7) + 1}`,
    amount: Number(amount),
    currency: 'INR',
    fee: Number(((paise * 0.02) / 100).toFixed(2)),
    status,
    original_status: status === 'failed' ? pick(['DECLINED', 'TIMEOUT', 'INSUFFICIENT_FUNDS']) : status.toUpperCase(),
    user_id: `U${1000 + (i % 300)}`,
    user_email: `${name.split(' ')[0].toLowerCase()}.${i % 300}@example.in`,
    user_phone: `+9198${String(10000000 + ((i * 7919) % 89999999)).padStart(8, '0')}`,
    user_name: name,
    country: 'IN',
    utr: status === 'success' ? `UTR${String(400000000000 + i * 37)}` : null,
    payment_method: pick(['UPI', 'UPI', 'CARD', 'NETBANKING']),
    payment_product: pick(['collect', 'intent', 'qr']),
    created_at: created.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    updated_at: new Date(created.getTime() + 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    completed_at: status === 'pending' ? null : new Date(created.getTime() + 90_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  });
}
txns.sort((a, b) => (a.created_at < b.created_at ? 1 : -1));

// Paise arithmetic: integers, so sums are exact (the real backend uses Decimal).
const paise = (n) => Math.round(Number(n) * 100);
const rupees = (p) => Number((p / 100).toFixed(2));
const offsetMs = (tz) => (tz === 'Asia/Kolkata' ? 5.5 * 3600_000 : 0);
const localDate = (iso, tz) => new Date(Date.parse(iso) + offsetMs(tz)).toISOString().slice(0, 10);

function filterTx(q, { dates = true } = {}) {
  const tz = q.get('timezone') || 'UTC';
  const s = (q.get('search') || '').toLowerCase();
  return txns.filter(
    (t) =>
      (!q.get('source') || t.source === q.get('source')) &&
      (!q.get('project') || t.project === q.get('project')) &&
      (!q.get('status') || t.status === q.get('status')) &&
      (!dates || !q.get('from_date') || localDate(t.created_at, tz) >= q.get('from_date')) &&
      (!dates || !q.get('to_date') || localDate(t.created_at, tz) <= q.get('to_date')) &&
      (!s ||
        [t.id, t.order_id, t.client_operation_id, t.utr, t.user_email, t.user_phone].some(
          (v) => v && v.toLowerCase().includes(s),
        )),
  );
}

function summarize(list) {
  const by = (key) => {
    const o = {};
    for (const t of list) {
      o[t[key]] ??= { count: 0, p: 0 };
      o[t[key]].count++;
      o[t[key]].p += paise(t.amount);
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, { count: v.count, amount: rupees(v.p) }]));
  };
  const total = list.reduce((a, t) => a + paise(t.amount), 0);
  return { total, by_status: by('status'), by_source: by('source') };
}

const pct = (a, b) => (b ? Number(((a / b) * 100).toFixed(1)) : null);

function overview(q) {
  const list = filterTx(q);
  const from = q.get('from_date'),
    to = q.get('to_date');
  const span = (Date.parse(to) - Date.parse(from)) / DAY + 1;
  const prevQ = new URLSearchParams(q);
  prevQ.set('from_date', new Date(Date.parse(from) - span * DAY).toISOString().slice(0, 10));
  prevQ.set('to_date', new Date(Date.parse(from) - DAY).toISOString().slice(0, 10));
  const prev = filterTx(prevQ);
  const cur = summarize(list),
    pr = summarize(prev);
  const ch = (a, b) => (b ? Number((((a - b) / b) * 100).toFixed(1)) : null);
  const succ = cur.by_status.success?.count ?? 0;
  return {
    period: { from, to },
    total: { count: list.length, amount: rupees(cur.total), currency: 'INR' },
    by_status: {
      success: { count: 0, amount: 0 },
      failed: { count: 0, amount: 0 },
      pending: { count: 0, amount: 0 },
      ...cur.by_status,
    },
    by_source: cur.by_source,
    conversion_rate: pct(succ, list.length),
    avg_ticket: list.length ? rupees(Math.round(cur.total / list.length)) : null,
    trends: {
      total_change: ch(cur.total, pr.total),
      success_change: ch(paise(cur.by_status.success?.amount ?? 0), paise(pr.by_status.success?.amount ?? 0)),
      failed_change: ch(cur.by_status.failed?.count ?? 0, pr.by_status.failed?.count ?? 0),
    },
  };
}

function trends(q) {
  const tz = q.get('timezone') || 'UTC';
  const g = q.get('granularity') || 'hour';
  const off = offsetMs(tz);
  const step = g === 'hour' ? 3600_000 : g === 'day' ? DAY : 7 * DAY;
  const start = Date.parse(`${q.get('from_date')}T00:00:00Z`) - off;
  const end = Date.parse(`${q.get('to_date')}T00:00:00Z`) - off + DAY;
  const points = [];
  for (let t = start; t < end; t += step)
    points.push({
      timestamp: new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      count: 0,
      p: 0,
      success_count: 0,
      failed_count: 0,
    });
  for (const t of filterTx(q)) {
    const i = Math.floor((Date.parse(t.created_at) - start) / step);
    const pt = points[i];
    if (!pt) continue;
    pt.count++;
    pt.p += paise(t.amount);
    if (t.status === 'success') pt.success_count++;
    if (t.status === 'failed') pt.failed_count++;
  }
  return {
    period: { from: q.get('from_date'), to: q.get('to_date') },
    granularity: g,
    points: points.map(({ p, ...x }) => ({ ...x, amount: rupees(p) })),
  };
}

function byProject(q) {
  const m = {};
  for (const t of filterTx(q)) {
    m[t.project] ??= { project: t.project, count: 0, p: 0, ok: 0 };
    m[t.project].count++;
    m[t.project].p += paise(t.amount);
    if (t.status === 'success') m[t.project].ok++;
  }
  return {
    period: { from: q.get('from_date'), to: q.get('to_date') },
    projects: Object.values(m).map((x) => ({
      project: x.project,
      count: x.count,
      amount: rupees(x.p),
      success_rate: pct(x.ok, x.count),
    })),
  };
}

function heatmap(q) {
  const off = offsetMs(q.get('timezone') || 'UTC');
  const cells = new Map();
  for (let d = 0; d < 7; d++) for (let h = 0; h < 24; h++) cells.set(`${d}:${h}`, { weekday: d, hour: h, count: 0, p: 0 });
  for (const t of filterTx(q)) {
    const dt = new Date(Date.parse(t.created_at) + off);
    const c = cells.get(`${(dt.getUTCDay() + 6) % 7}:${dt.getUTCHours()}`);
    c.count++;
    c.p += paise(t.amount);
  }
  return { cells: [...cells.values()].map(({ p, ...c }) => ({ ...c, amount: rupees(p) })) };
}

const mask = (t, role) =>
  role === 'viewer'
    ? {
        ...t,
        user_email: t.user_email?.replace(/^(.).*(@.*)$/, '$1***$2'),
        user_phone: t.user_phone?.replace(/\d(?=\d{2})/g, '*'),
        user_name: t.user_name?.replace(/\B\w/g, '*'),
      }
    : t;

// Reconciliation fixtures
const resolutions = new Map();
function discrepancies(date) {
  const rows = [];
  const types = ['amount', 'status', 'time', 'duplicate', 'missing_vima', 'missing_payshack'];
  let s2 = [...date].reduce((a, c) => a + c.charCodeAt(0), 0);
  const r2 = () => (s2 = (s2 * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < 37; i++) {
    const type = types[Math.floor(r2() * types.length)];
    const va = Number((r2() * 5000 + 100).toFixed(2));
    const pa = type === 'amount' ? Number((va + (r2() > 0.5 ? 10 : -25.5)).toFixed(2)) : va;
    const id = `d-${date}-${i}`;
    const res = resolutions.get(id) ?? { resolution: 'open', resolved_by: null, resolved_at: null, note: null };
    rows.push({
      id,
      recon_date: date,
      client_operation_id: `CO${200000 + i}`,
      match_status: type.startsWith('missing') ? type : 'discrepancy',
      discrepancy_type: type.startsWith('missing') ? 'missing' : type,
      vima_txn_id: type === 'missing_vima' ? null : `v-${i}`,
      payshack_txn_id: type === 'missing_payshack' ? null : `p-${i}`,
      vima_amount: type === 'missing_vima' ? null : va,
      payshack_amount: type === 'missing_payshack' ? null : pa,
      amount_diff: type === 'amount' ? Number((va - pa).toFixed(2)) : null,
      vima_status: type === 'missing_vima' ? null : 'success',
      payshack_status: type === 'missing_payshack' ? null : type === 'status' ? 'failed' : 'success',
      created_at: `${date}T23:30:00Z`,
      provisional: i % 9 === 0,
      ...res,
    });
  }
  return rows;
}
const reconRuns = [];

// Sync fixtures. PayShack's last run is `incomplete`: it read 301 of the 6,098 pay-ins the
// provider stated for its window, so the watermark stayed and the card warns.
const PS_INCOMPLETE =
  'INCOMPLETE: ' +
  new Date(NOW - 62 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z') +
  '..: the provider states 6,098 rows, the walk accounted for 301 (ended: empty-page, 2 attempts). ' +
  'The watermark was kept; the next run reads it again.';
const syncState = {
  vima: {
    source: 'vima',
    status: 'idle',
    last_sync_at: new Date(NOW - 120_000).toISOString(),
    last_successful_sync: new Date(NOW - 120_000).toISOString(),
    records_synced: 15420,
    next_sync_at: new Date(NOW + 180_000).toISOString(),
    error_message: null,
    last_cursor: '1067251098160838656',
    newest_record_at: new Date(NOW - 200_000).toISOString(),
    last_run: { status: 'success', rows_expected: null, rows_read: null },
  },
  payshack: {
    source: 'payshack',
    status: 'incomplete',
    last_sync_at: new Date(NOW - 300_000).toISOString(),
    last_successful_sync: new Date(NOW - 47 * 60_000).toISOString(),
    records_synced: 8210,
    next_sync_at: new Date(NOW + 60_000).toISOString(),
    error_message: PS_INCOMPLETE,
    last_cursor: '2026-01-15T10:00:00Z',
    newest_record_at: new Date(NOW - 52 * 60_000).toISOString(),
    last_run: { status: 'incomplete', rows_expected: 6098, rows_read: 301 },
  },
};
const windowOf = (start, unit, expected, read, rows, ending, complete) => ({
  window: `${new Date(start - 3600_000).toISOString().replace(/\.\d+Z$/, 'Z')}..`,
  unit,
  expected,
  read,
  rows_read: rows,
  ending,
  attempts: complete ? 1 : 2,
  complete,
});
const syncRuns = Array.from({ length: 23 }, (_, i) => {
  const source = i % 3 === 0 ? 'payshack' : 'vima';
  const failed = source === 'payshack' && i === 3;
  // i = 0: the incomplete run the card talks about; i = 6: a walk whose listing stated no total.
  const incomplete = source === 'payshack' && (i === 0 || i === 6);
  const start = NOW - (i + 1) * 5 * 60_000;
  const kind = i === 7 ? 'backfill' : i === 12 ? 'reread' : 'incremental';
  let rows = { rows_expected: null, rows_read: null, completeness: [] };
  if (source === 'payshack' && !failed) {
    if (i === 0)
      rows = {
        rows_expected: 6098,
        rows_read: 301,
        completeness: [windowOf(start, 'rows', 6098, 301, 301, 'empty-page', false)],
      };
    else if (i === 6)
      rows = {
        rows_expected: null,
        rows_read: 1250,
        completeness: [windowOf(start, 'rows', null, 1250, 1250, 'last-page', false)],
      };
    else {
      const n = 6000 + i * 7;
      rows = { rows_expected: n, rows_read: n, completeness: [windowOf(start, 'rows', n, n, n, 'last-page', true)] };
    }
  }
  return {
    id: `sr-${i}`,
    source,
    kind,
    started_at: new Date(start).toISOString(),
    finished_at: new Date(start + 4200 + i * 100).toISOString(),
    status: failed ? 'failed' : incomplete ? 'incomplete' : 'success',
    fetched: failed ? 0 : 120 + i,
    inserted: failed ? 0 : 40 + i,
    updated: failed ? 0 : 12,
    unchanged: failed ? 0 : 68,
    quarantined: i === 2 ? 3 : 0,
    pages: failed ? 0 : 3,
    duration_ms: 4200 + i * 100,
    error: failed
      ? 'UPSTREAM_ERROR: PayShack login returned 502'
      : i === 0
        ? PS_INCOMPLETE
        : i === 6
          ? `INCOMPLETE: ${windowOf(NOW - 7 * 5 * 60_000).window}: the provider states no total, so the 1,250 rows read cannot be shown to be all. The watermark was kept; the next run reads it again.`
          : null,
    ...rows,
  };
});
const quarantine = Array.from({ length: 4 }, (_, i) => ({
  id: `q-${i}`,
  source: i % 2 ? 'payshack' : 'vima',
  source_record_id: i === 3 ? null : `R-${5000 + i}`,
  reason: [
    'amount is not a number: "12,00.0"',
    'missing client_operation_id',
    'unknown status "PROCESSING_X"',
    'record is not an object',
  ][i],
  raw: i === 3 ? 'garbage' : { id: `R-${5000 + i}`, amount: '12,00.0', status: 'PROCESSING_X' },
  first_seen_at: new Date(NOW - (i + 2) * 3600_000).toISOString(),
  last_seen_at: new Date(NOW - i * 600_000).toISOString(),
}));

const users = [
  {
    id: 'u1',
    email: 'admin@psp.example',
    role: 'admin',
    is_active: true,
    created_at: '2026-01-02T09:00:00Z',
    last_login_at: new Date(NOW - 60_000).toISOString(),
  },
  {
    id: 'u2',
    email: 'finance@psp.example',
    role: 'analyst',
    is_active: true,
    created_at: '2026-01-03T09:00:00Z',
    last_login_at: new Date(NOW - 3 * 3600_000).toISOString(),
  },
  {
    id: 'u3',
    email: 'sales@psp.example',
    role: 'viewer',
    is_active: true,
    created_at: '2026-01-04T09:00:00Z',
    last_login_at: null,
  },
];
const tokens = [
  {
    id: 't1',
    name: 'BI export job',
    prefix: 'psp_7f3a',
    created_at: '2026-01-05T10:00:00Z',
    last_used_at: new Date(NOW - 7200_000).toISOString(),
    expires_at: null,
  },
];
const audit = Array.from({ length: 64 }, (_, i) => ({
  id: `a-${i}`,
  created_at: new Date(NOW - i * 1800_000).toISOString(),
  actor: pick(['admin@psp.example', 'finance@psp.example']),
  action: pick(['export.transactions', 'recon.run', 'recon.resolve', 'sync.trigger', 'auth.login']),
  target: pick(['2026-01-15', 'vima', 'CO200004', null]),
  details: { format: 'csv', rows: 1200 },
  ip: '127.0.0.1',
}));

// ---- HTTP -------------------------------------------------------------------------------
const sessions = new Map();
const sseClients = new Set();
const send = (res, status, body, headers = {}) => {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};
const err = (res, status, code, message) => send(res, status, { error: { code, message, details: null } });
const paged = (res, list, q) => {
  const page = Math.max(1, Number(q.get('page') || 1));
  const limit = Math.min(100, Math.max(1, Number(q.get('limit') || 50)));
  send(res, 200, {
    data: list.slice((page - 1) * limit, page * limit),
    meta: { page, limit, total: list.length, total_pages: Math.max(1, Math.ceil(list.length / limit)) },
  });
};
const broadcast = (event, data) => {
  for (const c of sseClients) c.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
};
const readBody = (req) =>
  new Promise((ok) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => {
      try {
        ok(b ? JSON.parse(b) : {});
      } catch {
        ok({});
      }
    });
  });

async function api(req, res, url) {
  const p = url.pathname.replace(/^\/api\/v1/, '').replace(/\/$/, '');
  const q = url.searchParams;
  const sid = /psp_session=([^;]+)/.exec(req.headers.cookie || '')?.[1];
  const me = sid ? sessions.get(sid) : null;
  if (p === '/health')
    return send(res, 200, { status: 'healthy', version: 'dev-fixture', services: { database: 'ok', redis: 'ok' } });
  if (p === '/auth/login' && req.method === 'POST') {
    const body = await readBody(req);
    if (!body.email || !body.password) return err(res, 401, 'UNAUTHENTICATED', 'Wrong email or password');
    const role = /viewer/.test(body.email) ? 'viewer' : /analyst/.test(body.email) ? 'analyst' : 'admin';
    const id = Math.random().toString(36).slice(2);
    const user = { id: 'u-' + id, email: body.email, role, csrf_token: 'csrf-' + id };
    sessions.set(id, user);
    return send(res, 200, { data: user }, { 'Set-Cookie': `psp_session=${id}; HttpOnly; Path=/; SameSite=Lax` });
  }
  if (!me) return err(res, 401, 'UNAUTHENTICATED', 'Sign in required');
  if (req.method !== 'GET' && req.headers['x-csrf-token'] !== me.csrf_token)
    return err(res, 403, 'FORBIDDEN', 'CSRF token missing or wrong');
  if (p === '/auth/me') return send(res, 200, { data: me });
  if (p === '/auth/logout') {
    sessions.delete(sid);
    return send(res, 200, { data: { ok: true } }, { 'Set-Cookie': 'psp_session=; Max-Age=0; Path=/' });
  }
  if (p === '/events') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    res.write(': connected\n\n');
    sseClients.add(res);
    const ping = setInterval(() => res.write(': ping\n\n'), 15000);
    req.on('close', () => {
      clearInterval(ping);
      sseClients.delete(res);
    });
    return;
  }
  if (p === '/metrics/overview') return send(res, 200, { data: overview(q) });
  if (p === '/metrics/trends') return send(res, 200, { data: trends(q) });
  if (p === '/metrics/by-project') return send(res, 200, { data: byProject(q) });
  if (p === '/metrics/heatmap') return send(res, 200, { data: heatmap(q) });
  if (p === '/transactions') {
    const sortBy = q.get('sort_by') || 'created_at';
    const dir = q.get('order') === 'asc' ? 1 : -1;
    const list = filterTx(q).sort(
      (a, b) => (sortBy === 'amount' ? a.amount - b.amount : String(a[sortBy]).localeCompare(String(b[sortBy]))) * dir,
    );
    return paged(
      res,
      list.map((t) => mask(t, me.role)),
      q,
    );
  }
  if (p.startsWith('/transactions/')) {
    const t = txns.find((x) => x.id === p.split('/')[2]);
    if (!t) return err(res, 404, 'NOT_FOUND', 'Transaction not found');
    return send(res, 200, {
      data: {
        ...mask(t, me.role),
        raw_data: {
          collector: t.source,
          payload: {
            id: t.source_id,
            amount: String(t.amount),
            status: t.original_status,
            customer: { email: mask(t, me.role).user_email },
          },
        },
      },
    });
  }
  if (p === '/export/transactions' || p === '/export/reconciliation') {
    if (me.role === 'viewer') return err(res, 403, 'FORBIDDEN', 'Exports need the analyst role');
    const list = p === '/export/transactions' ? filterTx(q) : discrepancies(q.get('date'));
    if (list.length > 1500)
      return err(
        res,
        413,
        'EXPORT_TOO_LARGE',
        `This export has ${list.length} rows; the limit is 1,500. Narrow the filters (e.g. a shorter date range).`,
      );
    const cols = Object.keys(list[0] || { id: 1 });
    const csv = [cols.join(','), ...list.map((r) => cols.map((c) => JSON.stringify(r[c] ?? '')).join(','))].join('\n');
    res.writeHead(200, {
      'Content-Type': 'text/csv',
      'Content-Disposition': `attachment; filename="${p.split('/')[2]}-${new Date().toISOString().slice(0, 10)}.${q.get('format') || 'csv'}"`,
      'Content-Length': Buffer.byteLength(csv),
    });
    return res.end(csv);
  }
  if (p === '/reconciliation/summary') {
    const date = q.get('date');
    const rows = discrepancies(date);
    const c = (t) => rows.filter((r) => r.match_status === 'discrepancy' && r.discrepancy_type === t).length;
    const mv = rows.filter((r) => r.match_status === 'missing_vima').length,
      mp = rows.filter((r) => r.match_status === 'missing_payshack').length;
    const total = 1240,
      disc = rows.length - mv - mp;
    const open = rows.filter((r) => r.resolution !== 'resolved');
    const last = reconRuns.find((r) => r.date === date && r.status === 'completed');
    return send(res, 200, {
      data: {
        date,
        run_id: last?.run_id ?? 'run-seed',
        run_at: last?.completed_at ?? `${date}T23:55:00Z`,
        total_transactions: total,
        matched: { count: total - rows.length, percentage: pct(total - rows.length, total) },
        discrepancies: {
          count: disc,
          percentage: pct(disc, total),
          by_type: { amount: c('amount'), status: c('status'), time: c('time'), duplicate: c('duplicate') },
        },
        missing: { count: mv + mp, percentage: pct(mv + mp, total), missing_vima: mv, missing_payshack: mp },
        coverage: date >= new Date(NOW).toISOString().slice(0, 10) ? 'partial' : 'complete',
        watermarks: { vima: syncState.vima.last_successful_sync, payshack: syncState.payshack.last_successful_sync },
        money_at_risk: {
          total: rupees(open.reduce((a, r) => a + Math.abs(paise(r.amount_diff ?? r.vima_amount ?? r.payshack_amount ?? 0)), 0)),
          by_type: { amount: 1234.5, missing_payshack: 45210.75 },
          oldest_open_at: `${date}T00:12:00Z`,
        },
        changes: { new: 4, cleared: 2, changed_type: 1 },
      },
    });
  }
  if (p === '/reconciliation/discrepancies') {
    let rows = discrepancies(q.get('from_date') || q.get('date'));
    if (q.get('type'))
      rows = rows.filter((r) => (q.get('type').startsWith('missing') ? r.match_status : r.discrepancy_type) === q.get('type'));
    if (q.get('resolution')) rows = rows.filter((r) => r.resolution === q.get('resolution'));
    return paged(res, rows, q);
  }
  if (p === '/reconciliation/runs')
    return paged(
      res,
      reconRuns.filter((r) => !q.get('date') || r.date === q.get('date')),
      q,
    );
  if (p === '/reconciliation/run' && req.method === 'POST') {
    if (me.role === 'viewer') return err(res, 403, 'FORBIDDEN', 'Analyst role required');
    const body = await readBody(req);
    const run = {
      run_id: 'run-' + Math.random().toString(36).slice(2, 8),
      date: body.date,
      status: 'running',
      started_at: new Date().toISOString(),
      completed_at: null,
      triggered_by: me.email,
      total_transactions: null,
      matched: null,
      discrepancies: null,
      missing: null,
      error: null,
    };
    reconRuns.unshift(run);
    setTimeout(() => {
      Object.assign(run, {
        status: 'completed',
        completed_at: new Date().toISOString(),
        total_transactions: 1240,
        matched: 1203,
        discrepancies: 25,
        missing: 12,
      });
      broadcast('recon.finished', { date: body.date, run_id: run.run_id, status: 'completed' });
    }, 3000);
    return send(res, 202, { data: { run_id: run.run_id, status: 'started', message: 'Reconciliation started' } });
  }
  const resolve = /^\/reconciliation\/discrepancies\/([^/]+)\/resolve$/.exec(p);
  if (resolve && req.method === 'POST') {
    const body = await readBody(req);
    const r =
      body.resolution === 'open'
        ? { resolution: 'open', resolved_by: null, resolved_at: null, note: body.note ?? null }
        : { resolution: body.resolution, resolved_by: me.email, resolved_at: new Date().toISOString(), note: body.note ?? null };
    resolutions.set(resolve[1], r);
    return send(res, 200, { data: { id: resolve[1], ...r } });
  }
  if (p === '/sync/status') return send(res, 200, { data: { sources: Object.values(syncState) } });
  if (p === '/sync/runs')
    return paged(
      res,
      syncRuns.filter((r) => (!q.get('source') || r.source === q.get('source')) && (!q.get('kind') || r.kind === q.get('kind'))),
      q,
    );
  if (p === '/sync/quarantine')
    return paged(
      res,
      quarantine.filter((r) => !q.get('source') || r.source === q.get('source')),
      q,
    );
  if ((p === '/sync/trigger' || p === '/sync/backfill') && req.method === 'POST') {
    if (me.role !== 'admin') return err(res, 403, 'FORBIDDEN', 'Admin role required');
    const body = await readBody(req);
    const srcs = body.source ? [body.source] : ['vima', 'payshack'];
    for (const s of srcs) syncState[s].status = 'running';
    setTimeout(() => {
      for (const s of srcs)
        Object.assign(syncState[s], {
          status: 'idle',
          last_sync_at: new Date().toISOString(),
          last_successful_sync: new Date().toISOString(),
          error_message: null,
          newest_record_at: new Date(Date.now() - 30_000).toISOString(),
          last_run:
            s === 'payshack'
              ? { status: 'success', rows_expected: 6103, rows_read: 6103 }
              : { status: 'success', rows_expected: null, rows_read: null },
        });
      broadcast('sync.finished', { source: body.source ?? 'all', status: 'success' });
    }, 2500);
    return send(res, 200, {
      data: {
        source: body.source ?? 'all',
        status: 'triggered',
        message: p.endsWith('backfill') ? 'Backfill queued' : 'Sync triggered',
      },
    });
  }
  if (p === '/users' && req.method === 'GET') return send(res, 200, { data: users });
  if (p === '/users' && req.method === 'POST') {
    const b = await readBody(req);
    const u = {
      id: 'u' + (users.length + 1),
      email: b.email,
      role: b.role,
      is_active: true,
      created_at: new Date().toISOString(),
      last_login_at: null,
    };
    users.push(u);
    return send(res, 201, { data: u });
  }
  const up = /^\/users\/([^/]+)$/.exec(p);
  if (up && req.method === 'PATCH') {
    const b = await readBody(req);
    const u = users.find((x) => x.id === up[1]);
    if (!u) return err(res, 404, 'NOT_FOUND', 'No such user');
    Object.assign(u, b);
    delete u.password;
    return send(res, 200, { data: u });
  }
  if (p === '/tokens' && req.method === 'GET') return send(res, 200, { data: tokens });
  if (p === '/tokens' && req.method === 'POST') {
    const b = await readBody(req);
    const t = {
      id: 't' + (tokens.length + 1),
      name: b.name,
      prefix: 'psp_' + Math.random().toString(16).slice(2, 6),
      created_at: new Date().toISOString(),
      last_used_at: null,
      expires_at: b.expires_at ?? null,
    };
    tokens.push(t);
    return send(res, 201, {
      data: { ...t, token: t.prefix + '_' + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2) },
    });
  }
  const td = /^\/tokens\/([^/]+)$/.exec(p);
  if (td && req.method === 'DELETE') {
    const i = tokens.findIndex((t) => t.id === td[1]);
    if (i >= 0) tokens.splice(i, 1);
    res.writeHead(204);
    return res.end();
  }
  if (p === '/audit')
    return paged(
      res,
      audit.filter(
        (a) =>
          (!q.get('actor') || a.actor.includes(q.get('actor'))) && (!q.get('action') || a.action.startsWith(q.get('action'))),
      ),
      q,
    );
  return err(res, 404, 'NOT_FOUND', `No fixture for ${req.method} ${p}`);
}

const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.json': 'application/json',
  '.txt': 'text/plain',
  '.ico': 'image/x-icon',
};
function serveStatic(req, res, url) {
  let file = path.join(OUT, decodeURIComponent(url.pathname));
  if (!file.startsWith(OUT)) return err(res, 400, 'VALIDATION_ERROR', 'bad path');
  if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
  if (!existsSync(file)) file = path.join(OUT, '404.html');
  res.writeHead(existsSync(file) ? 200 : 404, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
  createReadStream(file).pipe(res);
}
function proxy(req, res, url) {
  const target = new URL(url.pathname + url.search, PROXY);
  const up = http.request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (r) => {
    res.writeHead(r.statusCode, r.headers);
    r.pipe(res);
  });
  up.on('error', () => err(res, 502, 'UPSTREAM_ERROR', 'next dev not reachable'));
  req.pipe(up);
}

http
  .createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (url.pathname.startsWith('/api/v1'))
      return void api(req, res, url).catch((e) => err(res, 500, 'INTERNAL_ERROR', String(e)));
    return PROXY ? proxy(req, res, url) : serveStatic(req, res, url);
  })
  .listen(PORT, '127.0.0.1', () =>
    console.log(`[dev-only fixture preview] http://127.0.0.1:${PORT} (${PROXY ? `proxy → ${PROXY}` : `static ${OUT}`})`),
  );
