import { describe, expect, it } from 'vitest';
import { describeAuditEvent } from './describe';

describe('describeAuditEvent', () => {
  it.each([
    ['auth.sign_in', { method: 'password', token_prefix: 'pcls_abc' }, 'Signed in with password'],
    ['auth.sign_in_failed', { method: 'password', reason: 'wrong_credentials' }, 'Sign-in with password failed: wrong email or password'],
    ['auth.sign_in_failed', { method: 'password', reason: 'too_many_tries' }, 'Sign-in with password failed: too many tries'],
    ['auth.sign_out', {}, 'Signed out'],
    ['setup.completed', { organization_name: 'Acme' }, 'Set up Portcullis with organization "Acme"'],
    ['token.created', { token_prefix: 'pcls_abc', description: 'CI' }, 'Created personal token pcls_abc "CI"'],
    ['token.creation_refused', { parent_token_prefix: 'pcls_abc', reason: 'This token\'s scopes (user) do not allow creating a token with scopes (all)' }, 'Refused a token wider than the token pcls_abc that asked for it: This token\'s scopes (user) do not allow creating a token with scopes (all)'],
    ['token.updated', { token_prefix: 'pcls_abc', old: { description: 'a' }, new: { description: 'b' } }, 'Changed token pcls_abc: description a → b'],
    ['token.revoked', { token_prefix: 'pcls_abc', kind: 'session' }, 'Revoked session pcls_abc'],
    ['token.revoked', { scope: 'all_other_tokens', count: 2 }, 'Signed out everywhere else (2 tokens revoked)'],
    ['member.updated', { user_email: 'b@x.test', old: { state: 'active' }, new: { state: 'deactivated' } }, 'Deactivated b@x.test'],
    ['member.updated', { user_email: 'b@x.test', old: { state: 'deactivated' }, new: { state: 'active' } }, 'Reactivated b@x.test'],
    ['member.updated', { user_email: 'b@x.test', old: { is_super_admin: true }, new: { is_super_admin: false } }, 'Removed super admin from b@x.test'],
    [
      'member.updated',
      { user_email: 'b@x.test', old: { is_super_admin: false, real_name: '' }, new: { is_super_admin: true, real_name: 'Bo' } },
      'Changed b@x.test: super admin no → yes; name (none) → Bo',
    ],
    ['member.removed', { user_email: 'b@x.test' }, 'Removed b@x.test from the organization'],
    ['member.token_revoked', { user_email: 'b@x.test', token_prefix: 'pcls_abc', kind: 'personal' }, 'Revoked token pcls_abc of b@x.test'],
    [
      'member.two_factor_reset',
      { user_email: 'b@x.test', enrollment_required: true },
      'Reset the two-factor authentication of b@x.test (they must set up an authenticator at their next password sign-in)',
    ],
    ['member.two_factor_reset', { user_email: 'b@x.test', enrollment_required: false }, 'Reset the two-factor authentication of b@x.test'],
    ['organization.created', { organization_name: 'Acme' }, 'Created organization "Acme"'],
    ['organization.updated', { old: { name: 'A' }, new: { name: 'B' } }, 'Changed the organization: name A → B'],
    ['project.created', { project: 'prod' }, 'Created project prod'],
    ['project.updated', { project: 'prod2', old: { project_name: 'prod' }, new: { project_name: 'prod2' } }, 'Changed project prod2: project_name prod → prod2'],
    ['project.moved', { project: 'prod', old: { organization_id: null }, new: { organization_id: 'org1' } }, 'Moved project prod into organization org1'],
    ['project.moved', { project: 'prod', unit_name: 'Payments', old: { unit_id: null }, new: { unit_id: 'a1' } }, 'Moved project prod into unit "Payments"'],
    ['project.moved', { project: 'prod', old: { unit_id: 'a1' }, new: { unit_id: null } }, "Moved project prod out of its unit, to the organization's own level"],
    [
      'project.moved',
      { project: 'prod', unit_name: 'Ops', old: { organization_id: null, unit_id: null }, new: { organization_id: 'org1', unit_id: 'a1' } },
      'Moved project prod into unit "Ops"',
    ],
    ['unit.created', { unit_id: 'a1', unit_name: 'Payments' }, 'Created unit "Payments"'],
    ['unit.updated', { unit_name: 'Billing', old: { name: 'Payments' }, new: { name: 'Billing' } }, 'Changed unit "Billing": name Payments → Billing'],
    ['unit.deleted', { unit_id: 'a1', unit_name: 'Billing' }, 'Deleted unit "Billing"'],
    ['service.created', { project: 'prod', service: 'k', service_type: 'kafka' }, 'Created kafka service prod/k'],
    [
      'service.updated',
      { project: 'prod', service: 'k', old: { 'user_config.kafka.sasl_oauthbearer_sub_claim_name': null }, new: { 'user_config.kafka.sasl_oauthbearer_sub_claim_name': 'sub' } },
      'Changed service prod/k: user_config.kafka.sasl_oauthbearer_sub_claim_name (none) → sub',
    ],
    ['service.deleted', { project: 'prod', service: 'k' }, 'Deleted service prod/k'],
    [
      'operator.database_copied',
      { target: 'postgres://app:***@db.example.test:5432/portcullis', tables: 23, rows: 1200 },
      'Operator copied the whole database (1200 rows) to PostgreSQL at postgres://app:***@db.example.test:5432/portcullis',
    ],
    ['audit_log.exported', { format: 'csv', filter: {} }, 'Downloaded the audit log as CSV'],
    ['audit_log.exported', { format: 'jsonl', filter: {} }, 'Downloaded the audit log as JSON lines'],
    ['audit_stream.destination_created', { name: 'SIEM', kind: 'webhook', url: 'https://x.test/' }, 'Added webhook destination "SIEM" (https://x.test/)'],
    ['audit_stream.destination_created', { name: 'Logs', kind: 'syslog', url: 'syslog+tls://x.test:6514' }, 'Added syslog destination "Logs" (syslog+tls://x.test:6514)'],
    ['audit_stream.destination_updated', { name: 'SIEM', old: { enabled: true }, new: { enabled: false } }, 'Changed streaming destination "SIEM": enabled yes → no'],
    ['audit_stream.destination_deleted', { name: 'SIEM' }, 'Removed streaming destination "SIEM"'],
    ['audit_stream.secret_rotated', { name: 'SIEM' }, 'Made a new signing secret for streaming destination "SIEM"'],
    ['audit_stream.test_sent', { name: 'SIEM', outcome: 'delivered' }, 'Sent a test event to streaming destination "SIEM": delivered'],
    ['audit_stream.test_sent', { name: 'SIEM', outcome: 'failed', error: 'HTTP 500' }, 'Sent a test event to streaming destination "SIEM": failed (HTTP 500)'],
    // Events this file does not know yet still read well, old and new values included.
    ['policy.updated', { old: { password_auth_enabled: true }, new: { password_auth_enabled: false } }, 'policy.updated: password_auth_enabled yes → no'],
    ['totp.enrolled', {}, 'totp.enrolled'],
  ])('%s %j', (event, details, expected) => expect(describeAuditEvent({ event, details })).toBe(expected));
});

describe('describeAuditEvent: identity providers', () => {
  it.each([
    ['auth.sign_in', { method: 'saml', identity_provider: 'Okta' }, 'Signed in through identity provider "Okta"'],
    ['auth.sign_in_failed', { method: 'saml', reason: 'replay', message: 'This assertion was already used.' }, 'SAML sign-in failed: This assertion was already used.'],
    ['identity_provider.created', { name: 'Okta' }, 'Added identity provider "Okta"'],
    ['identity_provider.updated', { name: 'Okta', old: { authentication_method_enabled: false }, new: { authentication_method_enabled: true } }, 'Changed identity provider "Okta": authentication_method_enabled no → yes'],
    ['identity_provider.deleted', { name: 'Okta' }, 'Deleted identity provider "Okta"'],
    ['identity_provider.account_linked', { name: 'Okta', subject: 'ann@acme.test' }, 'Linked the account to identity provider "Okta" as ann@acme.test'],
    ['identity_provider.test_sign_in', { name: 'Okta', outcome: 'passed' }, 'Test sign-in through identity provider "Okta" passed'],
    ['identity_provider.test_sign_in', { name: 'Okta', outcome: 'failed', reason: 'audience' }, 'Test sign-in through identity provider "Okta" failed: audience'],
  ])('%s %j', (event, details, expected) => expect(describeAuditEvent({ event, details })).toBe(expected));
});

describe('describeAuditEvent: proven addresses', () => {
  it.each([
    ['invitation.mailed', { user_email: 'a@x.test' }, 'Mailed the invitation for a@x.test (its link was not shown to the admin)'],
    ['user.email_verified', { user_email: 'a@x.test', how: 'mailed_link' }, 'Proved the address a@x.test (followed a mailed invitation link)'],
    ['user.email_verified', { user_email: 'a@x.test', how: 'provider_verified', provider: 'google' }, 'Proved the address a@x.test (Google verified it)'],
    ['user.email_verified', { user_email: 'a@x.test', how: 'sso_verified_domain' }, 'Proved the address a@x.test (SSO of the organization that verified its domain)'],
    ['auth.sign_in_failed', { method: 'google', reason: 'email_not_proven' }, "Sign-in with Google failed: the account's address is not proven, so it is not linked by address"],
  ])('%s %j', (event, details, expected) => expect(describeAuditEvent({ event, details })).toBe(expected));
});

describe('describeAuditEvent: password change and reset', () => {
  it.each([
    ['user.password_changed', { first_password: false, sessions_ended: 2, personal_tokens_revoked: 0 }, 'Changed the password (2 other sessions ended)'],
    ['user.password_changed', { first_password: true, sessions_ended: 0, personal_tokens_revoked: 3 }, 'Set a password (0 other sessions ended and 3 personal tokens revoked)'],
    ['user.password_change_failed', { reason: 'wrong_password' }, 'Changing the password failed: wrong current password'],
    ['user.password_reset_requested', { user_email: 'a@x.test', expiry_time: '2026-03-01T13:00:00Z' }, 'Asked for a password reset link for a@x.test (mailed, valid until 2026-03-01T13:00:00Z)'],
    ['user.password_reset_refused', { user_email: 'a@x.test', reason: 'deactivated' }, 'No password reset link mailed for a@x.test: account deactivated'],
    ['user.password_reset', { requested_by: 'user', sessions_ended: 1, personal_tokens_revoked: 0 }, 'Reset the password with a mailed link (1 sessions ended)'],
    ['user.password_reset', { requested_by: 'operator', sessions_ended: 0, personal_tokens_revoked: 2 }, "Reset the password with the operator's link (0 sessions ended and 2 personal tokens revoked)"],
    ['user.email_verified', { user_email: 'a@x.test', how: 'mailed_link', via: 'password_reset' }, 'Proved the address a@x.test (reset the password with a mailed link)'],
  ])('%s %j', (event, details, expected) => expect(describeAuditEvent({ event, details })).toBe(expected));
});
