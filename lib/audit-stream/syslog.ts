import net from 'node:net';
import os from 'node:os';
import tls from 'node:tls';
import { outboundSetting, resolveAllowed, OutboundError } from '@/lib/net/outbound';
/** As deliver.ts's SendResult; TCP syslog has no status. */
export type SyslogResult = { ok: true; status: null } | { ok: false; status: null; error: string };

// A syslog destination: RFC 5424 messages over TCP with octet-counting framing (RFC 6587 3.4.1),
// optionally in TLS (RFC 5425, port 6514 by convention). The URL says which:
// syslog://host:port (plain TCP: loopback only, like plain http webhooks) or syslog+tls://host:port.

/** facility 13 ("log audit", RFC 5424 6.2.1) × 8 + severity 5 (notice). */
export const SYSLOG_PRI = 13 * 8 + 5;
/** The SD-ID's enterprise number is 32473, which RFC 5612 reserves for documentation and examples. */
export const SD_ID = 'portcullis@32473';

/** An SD-PARAM value: `"`, `\` and `]` escaped with a backslash (RFC 5424 6.3.3). */
export function sdValue(text: string): string {
  return text.replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** PRINTUSASCII without spaces, at most `max` characters, or "-" (a NILVALUE) when empty. */
function header(text: string, max: number): string {
  const clean = text.replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return clean || '-';
}

export type SyslogEvent = { eventId: string; time: string; action: string; organizationId: string; body: string };


/** One RFC 5424 message: `<109>1 TIMESTAMP HOST portcullis - MSGID [SD] MSG` (MSG: the JSON body). */
export function formatSyslog(event: SyslogEvent, hostname: string = os.hostname()): string {
  const sd = `[${SD_ID} event_id="${sdValue(event.eventId)}" organization_id="${sdValue(event.organizationId)}"]`;
  return `<${SYSLOG_PRI}>1 ${header(event.time, 64)} ${header(hostname, 255)} portcullis - ${header(event.action, 32)} ${sd} ${event.body}`;
}

/** Octet-counting framing: the message's length in bytes, a space, the message. */
export function frameOctetCounted(message: string): Buffer {
  const bytes = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${bytes.length} `, 'ascii'), bytes]);
}

export type SyslogTarget = { host: string; port: number; tls: boolean };

/** Parses syslog://host:port or syslog+tls://host:port (the port is required). */
export function parseSyslogUrl(text: string): SyslogTarget | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'syslog:' && url.protocol !== 'syslog+tls:') return null;
  const port = Number(url.port);
  if (!url.hostname || !Number.isInteger(port) || port < 1 || port > 65535 || url.pathname.replace(/^\/+/, '') || url.search || url.username) return null;
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port, tls: url.protocol === 'syslog+tls:' };
}

export const SYSLOG_TIMEOUT_MS = 10_000;

/**
 * Sends framed messages over one connection and closes it. Delivered means written and the
 * connection closed cleanly (TCP syslog has no application acknowledgement); a receiver that is
 * down, refuses TLS or a certificate that does not verify is a failure, retried like a webhook's.
 * The address is checked and pinned as lib/net/outbound.ts does for HTTP (OUTBOUND_ALLOW_PRIVATE,
 * under the webhook purpose). `ca`: PEM of the CA to trust instead of the system's.
 */
export async function sendSyslog(urlText: string, messages: string[], { ca = null, timeoutMs = SYSLOG_TIMEOUT_MS }: { ca?: string | null; timeoutMs?: number } = {}): Promise<SyslogResult> {
  const target = parseSyslogUrl(urlText);
  if (!target) return { ok: false, status: null, error: 'Not a syslog:// or syslog+tls:// URL with a port' };
  let address: string;
  try {
    address = (await resolveAllowed(new URL(`http://${target.host.includes(':') ? `[${target.host}]` : target.host}/`), { purpose: 'webhook', setting: outboundSetting() })).address;
  } catch (error) {
    if (error instanceof OutboundError) return { ok: false, status: null, error: error.message };
    throw error;
  }
  return await new Promise<SyslogResult>((resolve) => {
    let settled = false;
    const finish = (result: SyslogResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const socket = target.tls
      ? tls.connect({ host: address, port: target.port, servername: net.isIP(target.host) ? undefined : target.host, ca: ca ?? undefined, checkServerIdentity: (_h, cert) => tls.checkServerIdentity(target.host, cert) })
      : net.connect({ host: address, port: target.port });
    const timer = setTimeout(() => finish({ ok: false, status: null, error: `No connection within ${timeoutMs} ms` }), timeoutMs);
    socket.on('error', (error: NodeJS.ErrnoException) => finish({ ok: false, status: null, error: `Connection failed: ${error.code ?? error.message}` }));
    socket.once(target.tls ? 'secureConnect' : 'connect', () => {
      socket.end(Buffer.concat(messages.map(frameOctetCounted)), () => finish({ ok: true, status: null }));
    });
  });
}
