/**
 * Static export: the backend serves `out/` at `/`, same origin as `/api/v1`.
 * No server features (no rewrites, no dynamic segments) — detail views use query strings.
 * In `next dev` the API is proxied by the dev-only fixture server or by API_PROXY
 * (see docs/frontend.md), never by Next itself.
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

export default nextConfig;
