import dns2 from 'dns2';

// A DNS server for tests, on 127.0.0.1 only (dns2 over UDP). It answers from a zone lookup the
// test controls: names it knows answer NOERROR (with TXT records when asked for them), names it
// does not know answer NXDOMAIN, and a name marked slow is never answered (a timeout).

const { Packet } = dns2;

export type TestZoneEntry = {
  /** TXT values at the name; none: the name exists without TXT records. */
  txt?: string[];
  /** Never answer queries for this name: the resolver times out. */
  slow?: boolean;
};

export type ZoneLookup = (name: string) => TestZoneEntry | undefined;

export type TestDnsServer = {
  port: number;
  /** The value for DNS_SERVERS. */
  server: string;
  /** In-memory zones only: sets (or with undefined, removes) the entry of a name. */
  set: (name: string, entry: TestZoneEntry | undefined) => void;
  /** Queries seen, as "TYPE name", for asserting what was asked. */
  queries: string[];
  close: () => Promise<void>;
};

// RFC 1035 §4.1.1 (the package's types lack Packet.RCODE).
const NXDOMAIN = 3;

const typeName = (type: number) => Object.entries(Packet.TYPE).find(([, value]) => value === type)?.[0] ?? String(type);

export async function startTestDnsServer({ port = 0, lookup }: { port?: number; lookup?: ZoneLookup } = {}): Promise<TestDnsServer> {
  const zones = new Map<string, TestZoneEntry>();
  const find: ZoneLookup = lookup ?? ((name) => zones.get(name));
  const queries: string[] = [];
  const server = dns2.createUDPServer((request, send) => {
    const response = Packet.createResponseFromRequest(request);
    const [question] = request.questions;
    if (!question) return void send(response);
    const name = question.name.toLowerCase().replace(/\.$/, '');
    queries.push(`${typeName(question.type)} ${name}`);
    const entry = find(name);
    if (entry?.slow) return;
    if (!entry) {
      response.header.rcode = NXDOMAIN;
      return void send(response);
    }
    if (question.type === Packet.TYPE.TXT) {
      for (const value of entry.txt ?? []) {
        // The package's types want a full Resource object; its encoder needs only these fields.
        response.answers.push({ name: question.name, type: Packet.TYPE.TXT, class: Packet.CLASS.IN, ttl: 1, data: value } as never);
      }
    }
    void send(response);
  });
  await server.listen(port, '127.0.0.1');
  const bound = server.address().port;
  return {
    port: bound,
    server: `127.0.0.1:${bound}`,
    set: (name, entry) => (entry ? zones.set(name.toLowerCase(), entry) : zones.delete(name.toLowerCase())),
    queries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
