import { describe, expect, it } from 'vitest';
import { filenameFromDisposition, formatBytes } from './download';

describe('filenameFromDisposition', () => {
  it('reads quoted, bare and RFC 5987 names', () => {
    expect(filenameFromDisposition('attachment; filename="tx-2026-01-15.csv"', 'x')).toBe('tx-2026-01-15.csv');
    expect(filenameFromDisposition('attachment; filename=tx.xlsx', 'x')).toBe('tx.xlsx');
    expect(filenameFromDisposition('attachment; filename="a.csv"; filename*=UTF-8\'\'r%C3%A9sum%C3%A9.csv', 'x')).toBe(
      'résumé.csv',
    );
  });
  it('falls back and strips paths', () => {
    expect(filenameFromDisposition(null, 'export.csv')).toBe('export.csv');
    expect(filenameFromDisposition('attachment; filename="../../etc/passwd"', 'x')).toBe('passwd');
  });
  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 KB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB');
  });
});
