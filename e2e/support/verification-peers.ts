import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { startTestDnsServer, type TestZoneEntry } from '@/lib/testing/dns-server';

// Playwright global setup: the outside world that domain verification talks to, on 127.0.0.1.
// - a DNS server (dns2) on E2E_DNS_PORT, the main server's DNS_SERVERS;
// - a web server on E2E_HTTP_CHALLENGE_PORT, the main server's DOMAIN_HTTP_VERIFICATION_BASE.
// Their ports are fixed before the app server starts, and tests run in several worker
// processes, so one of each serves every test: a test publishes a record by writing a file
// (e2e/support/domains.ts), and both servers read the files on every request.

const dir = () => process.env.E2E_DIR!;
export const dnsZoneDir = () => path.join(dir(), 'dns');
export const httpFileDir = () => path.join(dir(), 'http');

/** A name as a file name: host names only, anything else is not served. */
export function zoneFile(base: string, name: string): string | null {
  const clean = name.toLowerCase().replace(/\.$/, '');
  return /^[a-z0-9._-]{1,253}$/.test(clean) && !clean.includes('..') ? path.join(base, `${clean}.json`) : null;
}

function readJson<T>(file: string | null): T | undefined {
  if (!file) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export default async function startVerificationPeers() {
  fs.mkdirSync(dnsZoneDir(), { recursive: true });
  fs.mkdirSync(httpFileDir(), { recursive: true });
  const dns = await startTestDnsServer({
    port: Number(process.env.E2E_DNS_PORT),
    lookup: (name) => readJson<TestZoneEntry>(zoneFile(dnsZoneDir(), name)),
  });
  const web = http.createServer((req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const file = req.url === '/.well-known/portcullis-challenge' ? readJson<{ body: string }>(zoneFile(httpFileDir(), host)) : undefined;
    res.statusCode = file ? 200 : 404;
    res.end(file ? file.body : 'not found');
  });
  await new Promise<void>((resolve) => web.listen(Number(process.env.E2E_HTTP_CHALLENGE_PORT), '127.0.0.1', resolve));
  return async () => {
    web.closeAllConnections();
    await new Promise<void>((resolve) => web.close(() => resolve()));
    await dns.close();
  };
}
