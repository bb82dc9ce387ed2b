import { describe, expect, it } from 'vitest';
import { readRepoFile, sourceFiles } from '@/lib/testing/source-files';

// Every IP allowlist is only as good as the address it checks, and the address is only sound
// where scripts/server.ts fixes it (shared notes/client-ip.md): a client can send any
// X-Forwarded-For. So the source outside lib/net/client-ip.ts and the server must never read a
// forwarding header, the client-address header or a socket's address itself: it calls
// clientIpFromHeaders (or requestMeta, which does). This test fails on a new direct read.

const SCANNED = ['app', 'lib', 'components', 'proxy.ts', 'scripts', 'db'];
/** The only files that may touch these: the function, and the server that sets the header. */
const ALLOWED = new Set(['lib/net/client-ip.ts', 'scripts/server.ts']);
const NEEDLES: { what: string; pattern: RegExp }[] = [
  { what: 'X-Forwarded-For', pattern: /x-forwarded-for/i },
  { what: 'X-Real-IP', pattern: /x-real-ip/i },
  { what: 'the Forwarded header', pattern: /['"`]forwarded['"`]/i },
  { what: 'the client-address header', pattern: /x-portcullis-client-ip|CLIENT_IP_HEADER/ },
  { what: 'a socket address', pattern: /remoteAddress|\.socket\b|\bconnection\.remote/ },
  { what: "Next's request.ip", pattern: /\b(request|req)\.ip\b/ },
];


describe('the client address is read in one place', () => {
  const files = SCANNED.flatMap(sourceFiles);

  it('scans the source tree (and would notice it moved)', () => {
    expect(files).toContain('proxy.ts');
    expect(files).toContain('app/_lib/auth-options.ts');
    expect(files).toContain('lib/api/handler.ts');
    expect(files).toContain('lib/net/client-ip.ts');
    expect(files).toContain('scripts/server.ts');
  });

  it('no other file reads a forwarding header, the client-address header or a socket address', () => {
    const offences: string[] = [];
    for (const file of files) {
      if (ALLOWED.has(file) || file.startsWith('lib/testing/')) continue;
      const lines = readRepoFile(file).split('\n');
      lines.forEach((line, i) => {
        for (const { what, pattern } of NEEDLES) if (pattern.test(line)) offences.push(`${file}:${i + 1} reads ${what}: ${line.trim()}`);
      });
    }
    expect(offences, 'use clientIpFromHeaders (lib/net/client-ip.ts) or requestMeta (lib/api/handler.ts)').toEqual([]);
  });

  it('the allowed files do read them (the patterns still match real code)', () => {
    const server = readRepoFile('scripts/server.ts');
    expect(server).toMatch(NEEDLES[0]!.pattern);
    expect(server).toMatch(NEEDLES[4]!.pattern);
    expect(readRepoFile('lib/net/client-ip.ts')).toMatch(NEEDLES[3]!.pattern);
  });
});
