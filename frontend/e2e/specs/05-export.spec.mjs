import { readFile } from 'node:fs/promises';
import { assert, assertEqual, config, daysAgo, parseCsv, readXlsxRows } from '../harness.mjs';

/** Downloads the current filter in `format` from the transactions page; returns { rows, name }. */
async function exportFile(page, format) {
  await page.click('[data-testid=tx-export]');
  const downloading = page.waitForEvent('download', { timeout: 120_000 });
  await page.click(`[data-testid=tx-export-${format}]`);
  const download = await downloading;
  const buf = await readFile(await download.path());
  const rows =
    format === 'csv' ? parseCsv(buf.toString('utf8').replace(/^\uFEFF/, '')) : readXlsxRows(buf).filter((r) => r.length);
  return { rows, buf, name: download.suggestedFilename() };
}

/** The file holds exactly the API's rows for the same filter: count, status, ids. */
function checkRows(rows, api, what) {
  assert(rows.length >= 1, `${what} has a header`);
  const header = rows[0];
  const statusCol = header.indexOf('status');
  const idCol = header.indexOf('id');
  assert(statusCol >= 0 && idCol >= 0, `${what} has id and status columns (${header.join(',')})`);
  assertEqual(rows.length - 1, api.meta.total, `${what} data rows = API total for the same filter`);
  for (const r of rows.slice(1)) assertEqual(r[statusCol], 'failed', `every ${what} row matches the filter`);
  const ids = new Set(rows.slice(1).map((r) => r[idCol]));
  for (const t of api.data) assert(ids.has(t.id), `${what} contains ${t.id}`);
}

export const specs = [
  {
    name: 'export the current filter as CSV and check its rows',
    async run(kit) {
      const { page, ctx } = await kit.signIn('analyst');
      const query = {
        status: 'failed',
        from_date: process.env.E2E_EXPORT_FROM || daysAgo(7),
        to_date: process.env.E2E_EXPORT_TO || daysAgo(0),
      };
      const api = await kit.apiGet(ctx, '/transactions', { ...query, limit: 100 });
      assert(api.meta.total > 0, `the export range ${query.from_date}…${query.to_date} has failed transactions`);
      await page.goto(`${config.baseUrl}/transactions/?${new URLSearchParams(query)}`);
      await page.locator('[data-testid=tx-filters]').waitFor();
      const { rows, name } = await exportFile(page, 'csv');
      checkRows(rows, api, 'CSV');
      // INR amounts and fees with exactly 2 decimals (issue #19: not `100.0000`).
      const header = rows[0];
      for (const column of ['amount', 'fee']) {
        const at = header.indexOf(column);
        assert(at >= 0, `CSV has a ${column} column`);
        for (const r of rows.slice(1)) {
          if (r[at] === '') continue;
          assert(/^-?\d+\.\d{2}$/.test(r[at]), `CSV ${column} "${r[at]}" has 2 decimals`);
        }
      }
      const amountAt = header.indexOf('amount');
      const byId = new Map(rows.slice(1).map((r) => [r[header.indexOf('id')], r[amountAt]]));
      // Compared as decimal text, never as floats: "1500.50" and 1500.5 are the same amount.
      const plain = (v) => {
        const text = String(v);
        return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
      };
      for (const t of api.data) assertEqual(plain(byId.get(t.id)), plain(t.amount), `CSV amount of ${t.id} = API`);
      assert(/\.csv$/.test(name), `file name ${name}`);
      await kit.shot(page, 'after-export');
    },
  },
  {
    name: 'export the current filter as XLSX and check its rows',
    async run(kit) {
      const { page, ctx } = await kit.signIn('analyst');
      const query = { status: 'failed', from_date: daysAgo(1), to_date: daysAgo(0) };
      const api = await kit.apiGet(ctx, '/transactions', { ...query, limit: 100 });
      await page.goto(`${config.baseUrl}/transactions/?${new URLSearchParams(query)}`);
      await page.locator('[data-testid=tx-filters]').waitFor();
      const { rows, buf, name } = await exportFile(page, 'xlsx');
      assertEqual(buf.subarray(0, 2).toString('latin1'), 'PK', 'XLSX is a zip container');
      checkRows(rows, api, 'XLSX');
      assert(/\.xlsx$/.test(name), `file name ${name}`);
    },
  },
];
