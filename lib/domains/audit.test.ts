import { describe, expect, it } from 'vitest';
import { describeAuditEvent } from '@/lib/audit-log/describe';

// The Audit log's sentences for domain events (lib/audit-log/describe.ts).
describe('describeAuditEvent for domains', () => {
  it.each([
    ['domain.created', { domain_name: 'acme.test' }, 'Added domain acme.test'],
    [
      'domain.updated',
      { domain_name: 'acme.test', old: { verification_type: 'dns' }, new: { verification_type: 'http' } },
      'Changed domain acme.test: verification_type dns → http',
    ],
    ['domain.verified', { domain_name: 'acme.test', managed_users_added: 3 }, 'Verified domain acme.test (3 users became managed)'],
    ['domain.verified', { domain_name: 'acme.test', already_verified: true }, 'Checked domain acme.test again: still verified'],
    ['domain.verification_failed', { domain_name: 'acme.test', result: 'no_txt_record' }, 'Verification of domain acme.test failed: no txt record'],
    [
      'domain.verification_failed',
      { domain_name: 'acme.test', result: 'mismatch', became_unverified: true, managed_users_released: 2 },
      'Verification of domain acme.test failed: mismatch (now unverified; 2 managed users released)',
    ],
    [
      'domain.verification_failed',
      { domain_name: 'acme.test', result: 'verified_by_another_organization' },
      'Verification of domain acme.test failed: verified by another organization',
    ],
    ['domain.deleted', { domain_name: 'acme.test' }, 'Removed domain acme.test'],
    ['domain.linked', { domain_name: 'acme.test', authentication_method_name: 'Okta' }, 'Linked domain acme.test to identity provider "Okta"'],
    ['domain.unlinked', { domain_name: 'acme.test', authentication_method_id: 'am1' }, 'Unlinked domain acme.test from identity provider "am1"'],
  ])('%s %j', (event, details, expected) => expect(describeAuditEvent({ event, details })).toBe(expected));
});
