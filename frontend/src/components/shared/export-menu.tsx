'use client';

import { Download, FileSpreadsheet, FileText } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Progress } from '@/components/ui/progress';
import { useToast } from '@/components/ui/toast';
import { ApiError, errorMessage } from '@/lib/api/client';
import type { PathsWith, Query } from '@/lib/api/paths';
import { downloadFile, formatBytes, type DownloadProgress } from '@/lib/download';

/** The file exports of the API (GET, `format` csv or xlsx). */
type ExportPath = Extract<PathsWith<'get'>, `/export/${string}`>;
type Format = NonNullable<Query<ExportPath>['format']>;

/** Export button: format menu, progress while downloading, clear error for EXPORT_TOO_LARGE. */
export function ExportMenu<P extends ExportPath>({
  path,
  query,
  baseName,
  testId = 'export',
}: {
  path: P;
  /** The export's filter; the menu adds `format`. */
  query: Omit<Query<P>, 'format'>;
  baseName: string;
  testId?: string;
}) {
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [progress, setProgress] = useState<DownloadProgress | null>(null);
  const [error, setError] = useState<unknown>(null);
  const abort = useRef<AbortController | null>(null);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !box.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);
  useEffect(() => () => abort.current?.abort(), []);

  async function run(format: Format) {
    setOpen(false);
    setError(null);
    setProgress({ loaded: 0, total: null });
    abort.current = new AbortController();
    try {
      const { filename, bytes } = await downloadFile(
        path,
        { ...query, format },
        `${baseName}.${format}`,
        setProgress,
        abort.current.signal,
      );
      toast(`Downloaded ${filename} (${formatBytes(bytes)})`, 'success');
    } catch (e) {
      if ((e as Error)?.name !== 'AbortError') setError(e);
    } finally {
      setProgress(null);
    }
  }

  const tooLarge = error instanceof ApiError && error.code === 'EXPORT_TOO_LARGE';
  return (
    <div className="relative" ref={box}>
      <Button
        onClick={() => setOpen((o) => !o)}
        aria-haspopup="menu"
        aria-expanded={open}
        loading={progress !== null}
        data-testid={testId}
      >
        {progress ? null : <Download className="h-4 w-4" aria-hidden />}
        {progress ? 'Exporting…' : 'Export'}
      </Button>
      {open ? (
        <div
          role="menu"
          className="absolute right-0 top-full z-40 mt-1 w-44 rounded-md border border-border bg-overlay p-1 shadow-xl"
        >
          <button
            role="menuitem"
            type="button"
            data-testid={`${testId}-csv`}
            onClick={() => void run('csv')}
            className="flex w-full items-center gap-2 rounded-sm px-3 py-2 text-left hover:bg-input"
          >
            <FileText className="h-4 w-4 text-muted" aria-hidden /> CSV
          </button>
          <button
            role="menuitem"
            type="button"
            data-testid={`${testId}-xlsx`}
            onClick={() => void run('xlsx')}
            className="flex w-full items-center gap-2 rounded-sm px-3 py-2 text-left hover:bg-input"
          >
            <FileSpreadsheet className="h-4 w-4 text-muted" aria-hidden /> Excel (XLSX)
          </button>
        </div>
      ) : null}
      {progress ? (
        <div
          className="absolute right-0 top-full z-30 mt-2 w-64 rounded-md border border-border bg-overlay p-3 shadow-xl"
          data-testid={`${testId}-progress`}
        >
          <Progress value={progress.total ? progress.loaded / progress.total : null} label="Export progress" />
          <div className="mt-2 flex items-center justify-between text-caption text-fg-2">
            <span>
              {formatBytes(progress.loaded)}
              {progress.total ? ` of ${formatBytes(progress.total)}` : ''}
            </span>
            <button type="button" className="text-accent-fg hover:underline" onClick={() => abort.current?.abort()}>
              Cancel
            </button>
          </div>
        </div>
      ) : null}
      {error ? (
        <div
          role="alert"
          data-testid={`${testId}-error`}
          className="absolute right-0 top-full z-30 mt-2 w-80 rounded-md border border-failed/40 bg-overlay p-3 text-caption shadow-xl"
        >
          <p className="font-semibold text-failed">{tooLarge ? 'Export too large' : 'Export failed'}</p>
          <p className="mt-1 text-fg-2">{errorMessage(error)}</p>
          {tooLarge ? (
            <p className="mt-1 text-muted">
              Narrow the filters — for example a shorter date range or one source — and export again.
            </p>
          ) : null}
          <button type="button" className="mt-2 text-accent-fg hover:underline" onClick={() => setError(null)}>
            Dismiss
          </button>
        </div>
      ) : null}
    </div>
  );
}
