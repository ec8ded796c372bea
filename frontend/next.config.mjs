import { PHASE_DEVELOPMENT_SERVER } from 'next/constants.js';

/**
 * Static export: the backend serves `out/` at `/`, same origin as `/api/v1`.
 * No server features (no rewrites, no dynamic segments) — detail views use query strings.
 * In `next dev` only, API_PROXY names a running backend (e.g. `make run`'s) that /api/v1 is
 * proxied to, so the pages keep relative URLs and the session cookie (docs/frontend.md).
 */
/** @type {import('next').NextConfig} */
const nextConfig = {
  output: 'export',
  trailingSlash: true,
  reactStrictMode: true,
  poweredByHeader: false,
  images: { unoptimized: true },
  eslint: { ignoreDuringBuilds: true },
};

export default function config(phase) {
  const backend = process.env.API_PROXY?.replace(/\/$/, '');
  if (phase !== PHASE_DEVELOPMENT_SERVER || !backend) return nextConfig;
  return {
    ...nextConfig,
    // No trailing-slash redirect for the API (FastAPI's paths have none).
    skipTrailingSlashRedirect: true,
    rewrites: async () => [{ source: '/api/v1/:path*', destination: `${backend}/api/v1/:path*` }],
  };
}
