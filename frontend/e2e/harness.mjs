/**
 * Minimal e2e harness on playwright-core (no @playwright/test: its browser download does
 * not work here). One browser per run, owned by `withBrowser`; each spec gets fresh
 * contexts from the helpers below. Runs against a real backend at E2E_BASE_URL.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SCREENSHOT_DIR = path.resolve(here, '..', 'e2e-screenshots');

export const config = {
  baseUrl: (process.env.E2E_BASE_URL || 'http://127.0.0.1:8000').replace(/\/$/, ''),
  chromium: process.env.PLAYWRIGHT_CHROMIUM_PATH || '/usr/bin/chromium',
  users: {
    admin: {
      email: process.env.E2E_ADMIN_EMAIL || 'admin@psp.local',
      password: process.env.E2E_ADMIN_PASSWORD || 'admin-password',
    },
    analyst: {
      email: process.env.E2E_ANALYST_EMAIL || 'analyst@psp.local',
      password: process.env.E2E_ANALYST_PASSWORD || 'analyst-password',
    },
    viewer: {
      email: process.env.E2E_VIEWER_EMAIL || 'viewer@psp.local',
      password: process.env.E2E_VIEWER_PASSWORD || 'viewer-password',
    },
  },
  timeoutMs: Number(process.env.E2E_TIMEOUT_MS || 20_000),
};

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function withBrowser(fn) {
  const browser = await chromium.launch({ executablePath: config.chromium, args: CHROMIUM_ARGS, headless: true });
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}

export class AssertionError extends Error {}
export function assert(cond, message) {
  if (!cond) throw new AssertionError(message);
}
export function assertEqual(actual, expected, message) {
  if (actual !== expected)
    throw new AssertionError(`${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/** A spec's toolbox: contexts per role, API calls with the same cookies, screenshots. */
export function makeKit(browser, specName) {
  const contexts = [];
  mkdirSync(SCREENSHOT_DIR, { recursive: true });

  async function newContext(opts = {}) {
    const ctx = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
      timezoneId: 'UTC',
      ...opts,
    });
    ctx.setDefaultTimeout(config.timeoutMs);
    contexts.push(ctx);
    return ctx;
  }

  /** Sign in through the UI; returns { ctx, page, me }. */
  async function signIn(role = 'admin', opts = {}) {
    const user = config.users[role];
    const ctx = await newContext(opts);
    const page = await ctx.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${config.baseUrl}/login/`);
    await page.fill('[data-testid=login-email]', user.email);
    await page.fill('[data-testid=login-password]', user.password);
    await page.click('[data-testid=login-submit]');
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    const me = (await apiGet(ctx, '/auth/me')).data;
    assertEqual(me.role, role, `signed in as ${user.email}`);
    return { ctx, page, me, errors };
  }

  async function apiGet(ctx, p, query = {}) {
    const qs = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString();
    const res = await ctx.request.get(`${config.baseUrl}/api/v1${p}${qs ? `?${qs}` : ''}`);
    const body = await res.json().catch(() => null);
    assert(res.ok(), `GET ${p} → ${res.status()} ${JSON.stringify(body)}`);
    return body;
  }

  async function apiPost(ctx, p, data) {
    const me = await apiGet(ctx, '/auth/me');
    const res = await ctx.request.post(`${config.baseUrl}/api/v1${p}`, {
      data,
      headers: { 'X-CSRF-Token': me.data.csrf_token },
    });
    const body = await res.json().catch(() => null);
    assert(res.ok(), `POST ${p} → ${res.status()} ${JSON.stringify(body)}`);
    return body;
  }

  async function shot(page, name) {
    const file = path.join(SCREENSHOT_DIR, `${specName}--${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  }

  /** After a failure: a screenshot of every page still open, to see what the user saw. */
  async function failureShots() {
    const files = [];
    let n = 0;
    for (const c of contexts) {
      for (const page of c.pages()) {
        const file = path.join(SCREENSHOT_DIR, `${specName}--FAILED-${++n}.png`);
        await page
          .screenshot({ path: file, fullPage: true, timeout: 5_000 })
          .then(() => files.push(file))
          .catch(() => undefined);
      }
    }
    return files;
  }

  async function close() {
    for (const c of contexts) await c.close().catch(() => undefined);
  }

  return { config, newContext, signIn, apiGet, apiPost, shot, failureShots, close };
}

/** Digits of a displayed amount ("₹1,23,456.50" → "12345650"). */
export function digits(text) {
  return String(text).replace(/[^0-9]/g, '');
}

/** API money (number or string) → digits at 2 decimals, half away from zero, string-based. */
export function moneyDigits(value) {
  const s = String(value);
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) throw new Error(`not a plain decimal: ${s}`);
  let int = m[2];
  let frac = (m[3] || '').padEnd(3, '0');
  let cents = BigInt(int + frac.slice(0, 2));
  if (Number(frac[2]) >= 5) cents += 1n;
  return cents.toString().padStart(3, '0');
}

/** RFC 4180 CSV → array of rows (handles quotes, escaped quotes, CRLF, newlines in fields). */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

export function isoDate(d) {
  return d.toISOString().slice(0, 10);
}
export function daysAgo(n) {
  return isoDate(new Date(Date.now() - n * 86_400_000));
}

/** Files of a zip archive (no ZIP64, no encryption): Map name → Buffer. */
export function unzip(buf) {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65_535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip archive (no end of central directory)');
  const entries = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const files = new Map();
  for (let n = 0; n < entries; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error('bad zip central directory');
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    files.set(name, method === 0 ? data : inflateRawSync(data));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}

function xmlText(s) {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Rows of an XLSX workbook's first sheet as arrays of cell texts (shared, inline or plain). */
export function readXlsxRows(buf) {
  const files = unzip(buf);
  const sheetName = [...files.keys()].filter((k) => /^xl\/worksheets\/sheet\d+\.xml$/.test(k)).sort()[0];
  if (!sheetName) throw new Error(`no worksheet in the workbook (${[...files.keys()].join(', ')})`);
  const shared = [];
  const sst = files.get('xl/sharedStrings.xml')?.toString('utf8');
  if (sst) {
    for (const si of sst.matchAll(/<si>([\s\S]*?)<\/si>/g)) {
      shared.push(xmlText([...si[1].matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((m) => m[1]).join('')));
    }
  }
  const colIndex = (ref) => [...ref.replace(/\d+$/, '')].reduce((a, ch) => a * 26 + ch.charCodeAt(0) - 64, 0) - 1;
  const rows = [];
  const sheet = files.get(sheetName).toString('utf8');
  for (const row of sheet.matchAll(/<row\b[^>]*>([\s\S]*?)<\/row>|<row\b[^>]*\/>/g)) {
    const cells = [];
    for (const c of (row[1] ?? '').matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const attrs = c[1];
      const body = c[2] ?? '';
      const ref = /\br="([A-Z]+\d+)"/.exec(attrs)?.[1];
      const type = /\bt="(\w+)"/.exec(attrs)?.[1];
      const v = /<v>([\s\S]*?)<\/v>/.exec(body)?.[1];
      let text = '';
      if (type === 's') text = shared[Number(v)] ?? '';
      else if (type === 'inlineStr') text = xmlText([...body.matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((m) => m[1]).join(''));
      else if (v !== undefined) text = xmlText(v);
      cells[ref ? colIndex(ref) : cells.length] = text;
    }
    rows.push(Array.from(cells, (x) => x ?? ''));
  }
  return rows;
}

/** Calls `fn` until it returns something truthy (returned) or `timeoutMs` passes (throws `what`). */
export async function poll(fn, what, timeoutMs = config.timeoutMs, intervalMs = 1000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > until) throw new AssertionError(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
