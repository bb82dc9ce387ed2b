import os from 'node:os';
import autocannon from 'autocannon';
import { verifyPassword } from '@/lib/passwords/hash';
import { spUrls } from '@/lib/identity-providers/urls';
import { validateSamlResponse } from '@/lib/saml/validate';
import type { TestIdp } from '@/lib/testing/saml-idp';

// Sign-in figures of `npm run bench`: argon2id checks and password sign-ins, SAML validations
// in process and SAML sign-ins over HTTP.

/** Password checks, one at a time on one core (argon2 runs in libuv's pool). */
export async function passwordChecksPerSecond(hash: string, password: string, seconds = 3): Promise<number> {
  let count = 0;
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    await verifyPassword(hash, password);
    count += 1;
  }
  return Math.round((count / seconds) * 10) / 10;
}

/** POST /v1/userauth with the right password, one connection per core, for 5 s. */
export async function passwordSignIns(url: string, email: string, password: string) {
  const connections = os.cpus().length;
  const result = await autocannon({
    url: `${url}/v1/userauth`,
    method: 'POST',
    connections,
    duration: 5,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  return { per_second: Math.round(result.requests.average * 10) / 10, connections, non2xx: result.non2xx };
}

/**
 * SAML ACS: IdP-initiated responses, each a fresh signed assertion (the replay store refuses a
 * second use), posted with `connections` at a time; each good one answers 303 with a session.
 * Signing happens before the clock starts. Also the validation alone, in this process: validations
 * per CPU-second of this process, which is what one core does.
 */
export async function measureSaml(url: string, accountId: string, methodId: string, idp: TestIdp, count: number, connections: number) {
  const urls = spUrls(url, accountId, methodId);
  const responses = Array.from({ length: count }, () =>
    idp.response({ acsUrl: urls.acsUrl, audience: urls.entityId, nameId: 'bench@example.test', attributes: { email: 'bench@example.test' } }),
  );
  // In process: the checks alone (signature, conditions, ours), no database, no HTTP.
  const expected = {
    method: { id: methodId, samlEntityId: idp.entityId, samlIdpLoginAllowed: true, samlAssertionSignedEnabled: true },
    certificates: [idp.certificate],
    entityId: urls.entityId,
    acsUrl: urls.acsUrl,
    requestId: null,
  };
  // Per core: the count over the CPU time this process spent meanwhile (user + system), not over
  // the wall time, which other work on the machine stretches. About 3 s of wall time.
  let validated = 0;
  const cpuBefore = process.cpuUsage();
  const until = Date.now() + 3000;
  while (Date.now() < until) await validateSamlResponse(responses[validated++ % responses.length]!, expected, new Date());
  const cpu = process.cpuUsage(cpuBefore);
  const perCore = Math.round((validated / ((cpu.user + cpu.system) / 1e6)) * 10) / 10;

  let next = 0;
  let ok = 0;
  let other = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < responses.length) {
        const body = new URLSearchParams({ SAMLResponse: responses[next++]! });
        const response = await fetch(urls.acsUrl, { method: 'POST', body, redirect: 'manual' });
        await response.arrayBuffer();
        if (response.status === 303) ok += 1;
        else other += 1;
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  return { validations_per_second_one_core: perCore, acs_responses_per_second: Math.round((ok / seconds) * 10) / 10, responses: count, refused: other, connections };
}
