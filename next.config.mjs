/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native modules stay outside the bundle and load from node_modules at run time.
  serverExternalPackages: ['better-sqlite3', 'argon2'],
  poweredByHeader: false,
  // The custom server (scripts/server.ts) owns the socket; Next must not redirect /v1/x/ to /v1/x.
  skipTrailingSlashRedirect: true,
  // forbidden() from next/navigation: admin pages answer 403 to members who are not super admins.
  experimental: { authInterrupts: true },
};

export default nextConfig;
