import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { recordAudit } from '@/lib/audit/record';
import { callAs, seedOrganizationWithAdmin } from '@/lib/testing/members';
import { testCtx } from '@/lib/testing/seed';
import { rejection } from '@/lib/testing/errors';
import { deliverDue } from './deliver';
import { createDestination, listDestinations, sendTestEvent } from './destinations';
import { syslogUrlProblem } from './schema';
import { formatSyslog, frameOctetCounted, parseSyslogUrl, sdValue, sendSyslog } from './syslog';

// The syslog sender against Debian's rsyslog, started here on 127.0.0.1 with a configuration of
// its own: one plain TCP input and one TLS input (rsyslog-gnutls, with a certificate made here by
// openssl), each writing the raw messages it parsed to a file this test reads.

describe('formatSyslog', () => {
  it('writes an RFC 5424 message with structured data, escaped', () => {
    const message = formatSyslog(
      { eventId: '42', time: '2026-03-01T12:00:00Z', action: 'member.updated', organizationId: 'org"]\\x', body: '{"a":"b"}' },
      'console host',
    );
    expect(message).toBe('<109>1 2026-03-01T12:00:00Z consolehost portcullis - member.updated [portcullis@32473 event_id="42" organization_id="org\\"\\]\\\\x"] {"a":"b"}');
    expect(sdValue('a"b]c\\d')).toBe('a\\"b\\]c\\\\d');
  });

  it('frames by octet count (RFC 6587), in bytes not characters', () => {
    expect(frameOctetCounted('héllo').toString('utf8')).toBe('6 héllo');
  });

  it.each([
    ['syslog://127.0.0.1:514', { host: '127.0.0.1', port: 514, tls: false }],
    ['syslog+tls://logs.example.test:6514', { host: 'logs.example.test', port: 6514, tls: true }],
    ['syslog://[::1]:514', { host: '::1', port: 514, tls: false }],
    ['syslog://127.0.0.1', null],
    ['syslog://127.0.0.1:514/path', null],
    ['https://x.test:514', null],
    ['nonsense', null],
  ])('parseSyslogUrl(%s)', (url, expected) => expect(parseSyslogUrl(url)).toEqual(expected));
});

describe('syslogUrlProblem', () => {
  it.each([
    ['syslog+tls://logs.example.test:6514', null],
    ['syslog://127.0.0.1:514', null],
    ['syslog://[::1]:514', null],
    ['syslog://logs.example.test:514', 'Use syslog+tls:// (plain syslog:// only to a loopback address such as 127.0.0.1)'],
    ['syslog+tls://logs.example.test', 'Use syslog+tls://host:port (or syslog://127.0.0.1:port)'],
    ['syslog+tls://logs.example.test:70000', 'Use syslog+tls://host:port (or syslog://127.0.0.1:port)'],
    ['https://logs.example.test:6514', 'Use syslog+tls://host:port (or syslog://127.0.0.1:port)'],
  ])('%s', (url, problem) => expect(syslogUrlProblem(url)).toBe(problem));
});

const freePort = async () =>
  await new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

describe('sendSyslog to rsyslog on 127.0.0.1', () => {
  let dir: string;
  let rsyslog: ChildProcess | null = null;
  let plainPort = 0;
  let tlsPort = 0;
  let ca = '';

  beforeAll(async () => {
    // A fresh machine gets Debian's rsyslog and its TLS driver here (the service it starts is stopped).
    execFileSync('bash', ['scripts/debian.sh', '--stop', 'rsyslog', 'rsyslog', 'rsyslog-gnutls'], { stdio: 'inherit' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-rsyslog-'));
    // A CA and a server certificate for 127.0.0.1 signed by it.
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=Portcullis test CA');
    run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
    fs.writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
    run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '1', '-extfile', 'ext.cnf');
    ca = fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8');
    plainPort = await freePort();
    tlsPort = await freePort();
    const config = `
global(workDirectory="${dir}"
  defaultNetstreamDriverCAFile="${dir}/ca.pem"
  defaultNetstreamDriverCertFile="${dir}/server.pem"
  defaultNetstreamDriverKeyFile="${dir}/server.key")
module(load="imtcp" maxSessions="20")
template(name="raw" type="string" string="%rawmsg%\\n")
ruleset(name="plain") { action(type="omfile" file="${dir}/plain.log" template="raw") }
ruleset(name="tls") { action(type="omfile" file="${dir}/tls.log" template="raw") }
input(type="imtcp" address="127.0.0.1" port="${plainPort}" ruleset="plain")
input(type="imtcp" address="127.0.0.1" port="${tlsPort}" ruleset="tls"
  streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")
`;
    fs.writeFileSync(path.join(dir, 'rsyslog.conf'), config);
    rsyslog = spawn('/usr/sbin/rsyslogd', ['-n', '-f', path.join(dir, 'rsyslog.conf'), '-i', path.join(dir, 'rsyslog.pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    rsyslog.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    rsyslog.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Up when both ports accept connections.
    const up = async (port: number) =>
      await new Promise<boolean>((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => (socket.destroy(), resolve(true)));
        socket.on('error', () => resolve(false));
      });
    for (let i = 0; i < 100; i++) {
      if ((await up(plainPort)) && (await up(tlsPort))) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`rsyslogd did not start: ${output}`);
  }, 120_000);

  afterAll(async () => {
    vi.unstubAllEnvs();
    if (rsyslog && rsyslog.exitCode === null) {
      const exited = new Promise((resolve) => rsyslog!.once('exit', resolve));
      rsyslog.kill('SIGTERM');
      await exited;
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The lines rsyslog wrote to a file, once it has `count` of them. */
  async function linesOf(file: string, count: number): Promise<string[]> {
    for (let i = 0; i < 100; i++) {
      const text = fs.existsSync(path.join(dir, file)) ? fs.readFileSync(path.join(dir, file), 'utf8') : '';
      const lines = text.split('\n').filter(Boolean);
      if (lines.length >= count) return lines;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`rsyslog wrote fewer than ${count} lines to ${file}`);
  }

  const messages = (tag: string) =>
    [1, 2, 3].map((n) =>
      formatSyslog({ eventId: `${tag}-${n}`, time: '2026-03-01T12:00:00Z', action: 'auth.sign_in', organizationId: 'org1', body: JSON.stringify({ n, note: 'line\nbreak é' }) }, 'portcullis-test'),
    );

  it('delivers framed messages over plain TCP, each parsed as one message', async () => {
    vi.stubEnv('OUTBOUND_ALLOW_PRIVATE', 'all');
    expect(await sendSyslog(`syslog://127.0.0.1:${plainPort}`, messages('plain'))).toEqual({ ok: true, status: null });
    const lines = await linesOf('plain.log', 3);
    expect(lines).toHaveLength(3);
    // Exactly what was sent, without the frame's length: the JSON body escapes its own line breaks.
    expect(lines).toEqual(messages('plain'));
    expect(lines.map((line) => /event_id="([^"]+)"/.exec(line)?.[1])).toEqual(['plain-1', 'plain-2', 'plain-3']);
  });

  it('delivers over TLS with the CA given, and fails when the certificate does not verify', async () => {
    vi.stubEnv('OUTBOUND_ALLOW_PRIVATE', 'all');
    expect(await sendSyslog(`syslog+tls://127.0.0.1:${tlsPort}`, messages('tls'), { ca })).toEqual({ ok: true, status: null });
    const lines = await linesOf('tls.log', 3);
    expect(lines.map((line) => /event_id="([^"]+)"/.exec(line)?.[1])).toEqual(['tls-1', 'tls-2', 'tls-3']);
    expect(lines[2]).toContain('<109>1 2026-03-01T12:00:00Z portcullis-test portcullis - auth.sign_in [portcullis@32473');
    // Without the CA the system's trust store does not know the test CA.
    const refused = await sendSyslog(`syslog+tls://127.0.0.1:${tlsPort}`, messages('untrusted'), {});
    expect(refused).toMatchObject({ ok: false, error: expect.stringMatching(/Connection failed: (SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/) });
  });

  it('is a destination kind: the organization’s new events reach rsyslog in order, over TLS with its CA', async () => {
    vi.stubEnv('OUTBOUND_ALLOW_PRIVATE', 'all');
    const ctx = testCtx();
    const { organization, admin } = await seedOrganizationWithAdmin(ctx);
    const call = await callAs(ctx, admin.id, organization.id);
    // The form's checks: a CA only for syslog+tls, and a PEM certificate.
    const wrongKind = await rejection(() => createDestination(call, { kind: 'webhook', name: 'x', url: 'https://x.test/', caCertificate: ca }));
    expect(wrongKind.fieldErrors.caCertificate).toEqual(['A CA certificate is for syslog+tls:// destinations only']);
    const notPem = await rejection(() => createDestination(call, { kind: 'syslog', name: 'x', url: `syslog+tls://127.0.0.1:${tlsPort}`, caCertificate: 'hello' }));
    expect(notPem.fieldErrors.caCertificate).toEqual(['Paste one PEM certificate (-----BEGIN CERTIFICATE----- ...)']);
    const { destination } = await createDestination(call, { kind: 'syslog', name: 'rsyslog', url: `syslog+tls://127.0.0.1:${tlsPort}`, caCertificate: ca });
    const before = fs.existsSync(path.join(dir, 'tls.log')) ? fs.readFileSync(path.join(dir, 'tls.log'), 'utf8').split('\n').filter(Boolean).length : 0;
    for (let n = 0; n < 3; n++) await recordAudit(ctx, { event: 'auth.sign_in', organizationId: organization.id, actorEmail: `s${n}@example.test`, details: { n } });
    expect(await deliverDue(ctx.db, 'w1', { clock: () => ctx.now })).toBe(4);
    const lines = (await linesOf('tls.log', before + 4)).slice(before);
    const sent = lines.map((line) => /^<109>1 \S+ \S+ portcullis - (\S+) \[portcullis@32473 event_id="(\d+)" organization_id="([^"]+)"\] (.*)$/.exec(line));
    expect(sent.map((m) => m?.[1])).toEqual(['audit_stream.destination_created', 'auth.sign_in', 'auth.sign_in', 'auth.sign_in']);
    expect(new Set(sent.map((m) => m?.[3]))).toEqual(new Set([organization.id]));
    const ids = sent.map((m) => Number(m?.[2]));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(sent.slice(1).map((m) => (JSON.parse(m![4]!) as { event: { details: { n: number } } }).event.details.n)).toEqual([0, 1, 2]);
    // The test event goes the same way, and shows in the delivery log.
    const { result } = await sendTestEvent(call, { id: destination.id });
    expect(result).toEqual({ ok: true, status: null });
    expect((await listDestinations(call))[0]!.deliveries[0]).toMatchObject({ outcome: 'delivered', status: null });
  });

  it('fails when nobody listens, and refuses loopback unless OUTBOUND_ALLOW_PRIVATE allows it', async () => {
    vi.stubEnv('OUTBOUND_ALLOW_PRIVATE', 'all');
    const closed = await freePort();
    expect(await sendSyslog(`syslog://127.0.0.1:${closed}`, messages('down'))).toEqual({ ok: false, status: null, error: 'Connection failed: ECONNREFUSED' });
    vi.stubEnv('OUTBOUND_ALLOW_PRIVATE', 'none');
    expect(await sendSyslog(`syslog://127.0.0.1:${plainPort}`, messages('none'))).toMatchObject({ ok: false, error: expect.stringContaining('OUTBOUND_ALLOW_PRIVATE=none') });
  });
});
