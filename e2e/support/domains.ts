import fs from 'node:fs';
import { transaction } from '@/db/async';
import { challengeRecordName } from '@/lib/domains/challenge';
import { insertMembership } from '@/lib/model/organizations';
import { seedIdentityProvider as insertIdentityProvider } from '@/lib/testing/domains';
import { insertUser } from '@/lib/model/users';
import { db as database, unique } from './seed';
import { dnsZoneDir, httpFileDir, zoneFile } from './verification-peers';

// What a domain test publishes in the test DNS and web servers (e2e/support/verification-peers.ts)
// and the identity providers it needs. Each test uses its own domain names (uniqueDomain), so
// tests never see each other's records.

/** A domain name no other test uses, under .test (never a real domain). */
export const uniqueDomain = (label = 'corp') => `${unique(label).toLowerCase()}.test`;

function write(base: string, name: string, content: unknown) {
  const file = zoneFile(base, name);
  if (!file) throw new Error(`not a host name: ${name}`);
  fs.writeFileSync(file, JSON.stringify(content));
}

/** The domain exists in DNS (so a missing challenge record is "no TXT record", not NXDOMAIN). */
export function registerDomain(domainName: string): void {
  write(dnsZoneDir(), domainName, {});
}

/** Publishes TXT values at the domain's challenge name (and registers the domain). */
export function publishChallenge(domainName: string, values: string[]): void {
  registerDomain(domainName);
  write(dnsZoneDir(), challengeRecordName(domainName), { txt: values });
}

/** DNS never answers for the domain's challenge name: the lookup times out. */
export function makeDnsSlow(domainName: string): void {
  registerDomain(domainName);
  write(dnsZoneDir(), challengeRecordName(domainName), { slow: true });
}

/** Serves the HTTP challenge file of the domain with this content. */
export function serveHttpChallenge(domainName: string, body: string): void {
  write(httpFileDir(), domainName, { body });
}

/** A SAML identity provider row of the organization, inserted directly (its own feature makes real ones). */
export async function seedIdentityProvider(file: string, organizationId: string, name = unique('IdP')) {
  return await insertIdentityProvider({ db: database(file), now: new Date() }, organizationId, { name });
}

/** A member of the organization with a chosen address and no password (tests give them tokens directly). */
export async function seedMemberWithEmail(file: string, organizationId: string, email: string) {
  const now = new Date();
  return await transaction(database(file), async (tx) => {
    const user = await insertUser({ db: tx, now }, { email });
    await insertMembership({ db: tx, now }, { organizationId, userId: user.id, isSuperAdmin: false });
    return user;
  });
}
