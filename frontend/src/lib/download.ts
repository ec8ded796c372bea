import { apiUrl, errorFromResponse, handleUnauthenticated, type QueryParams } from './api/client';

/** Filename from Content-Disposition (RFC 6266: filename* wins over filename). */
export function filenameFromDisposition(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)?''([^;]+)/.exec(header);
  if (star?.[1]) {
    try {
      return sanitize(decodeURIComponent(star[1].trim().replace(/^"|"$/g, '')), fallback);
    } catch {
      /* fall through */
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/.exec(header);
  const name = plain?.[2] ?? plain?.[1];
  return name ? sanitize(name.trim(), fallback) : fallback;
}

function sanitize(name: string, fallback: string): string {
  const base = name.split(/[\\/]/).pop()?.trim();
  return base ? base : fallback;
}

export interface DownloadProgress {
  loaded: number;
  /** Null when the server streams without a Content-Length. */
  total: number | null;
}

/**
 * Fetch a file from the API with progress, then hand it to the browser as a download.
 * Errors come back as ApiError (the contract's error envelope, e.g. EXPORT_TOO_LARGE).
 */
export async function downloadFile(
  path: string,
  query: QueryParams,
  fallbackName: string,
  onProgress: (p: DownloadProgress) => void,
  signal?: AbortSignal,
): Promise<{ filename: string; bytes: number }> {
  const res = await fetch(apiUrl(path, query), { credentials: 'include', signal });
  if (!res.ok) {
    handleUnauthenticated(res.status);
    throw await errorFromResponse(res);
  }
  const lengthHeader = res.headers.get('Content-Length');
  const total = lengthHeader && Number(lengthHeader) > 0 ? Number(lengthHeader) : null;
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      onProgress({ loaded, total });
    }
  } else {
    const buf = new Uint8Array(await res.arrayBuffer());
    chunks.push(buf);
    loaded = buf.byteLength;
    onProgress({ loaded, total });
  }
  const filename = filenameFromDisposition(res.headers.get('Content-Disposition'), fallbackName);
  const blob = new Blob(chunks as BlobPart[], { type: res.headers.get('Content-Type') ?? 'application/octet-stream' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { filename, bytes: loaded };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
