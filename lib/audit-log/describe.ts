import { THIRD_PARTY_LABELS } from '@/lib/policy/policy';

// One readable sentence per audit event, for the Audit log page and the API's
// action_description. Plain TypeScript over the stored details: an event recorded before a
// field existed, or a name this file does not know yet, still gets a sentence.

type Details = Record<string, unknown>;

const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

const FIELD_LABELS: Record<string, string> = {
  is_super_admin: 'super admin',
  state: 'state',
  real_name: 'name',
  description: 'description',
};

function valueLabel(value: unknown): string {
  if (value === true) return 'yes';
  if (value === false) return 'no';
  if (value === '' || value === null || value === undefined) return '(none)';
  return text(value);
}

/** "super admin no → yes; state active → deactivated" from `{old, new}` details. */
export function describeChanges(details: Details): string {
  const old = (details.old ?? {}) as Details;
  const next = (details.new ?? {}) as Details;
  return Object.keys(next)
    .map((key) => `${FIELD_LABELS[key] ?? key} ${valueLabel(old[key])} → ${valueLabel(next[key])}`)
    .join('; ');
}

const REASONS: Record<string, string> = {
  wrong_credentials: 'wrong email or password',
  deactivated: 'account deactivated',
  ip_not_allowed: 'address not in the IP allowlist',
  // Third-party sign-in (lib/sign-in/oauth.ts, lib/sign-in/oauth-failure.ts).
  method_not_allowed: 'method not allowed by the policy',
  email_not_verified: "the provider has not verified the address",
  email_missing: 'the provider shared no address',
  email_not_proven: "the account's address is not proven, so it is not linked by address",
  no_account: 'no account and no invitation for the address',
  identity_taken: 'provider account linked to another user',
  access_denied: 'consent denied at the provider',
  bad_state: 'state check failed (stale or forged callback)',
  wrong_issuer: 'ID token from an unexpected issuer',
  invalid_code: 'authorization code expired or invalid',
  provider_error: 'error at the provider',
  provider_unreachable: 'provider unreachable',
};

const providerLabel = (value: unknown) =>
  typeof value === 'string' ? (THIRD_PARTY_LABELS[value as keyof typeof THIRD_PARTY_LABELS] ?? value) : 'unknown provider';

export function describeAuditEvent({ event, details }: { event: string; details: Details }): string {
  const d = details ?? {};
  const token = d.token_prefix ? ` ${text(d.token_prefix)}` : '';
  switch (event) {
    case 'setup.completed':
      return `Set up Portcullis with organization "${text(d.organization_name ?? '')}"`;
    case 'auth.sign_in':
      if (d.method === 'saml') return `Signed in through identity provider "${text(d.identity_provider ?? d.authentication_method_id ?? '')}"`;
      return `Signed in with ${text(providerLabel(d.method ?? 'unknown method'))}${d.outcome === 'created' ? ' (new account)' : d.outcome === 'linked' ? ' (linked by verified email)' : ''}`;
    case 'auth.sign_in_failed': {
      const reason = typeof d.reason === 'string' ? (REASONS[d.reason] ?? d.reason.replace(/_/g, ' ')) : 'unknown reason';
      // SAML refusals carry the check that failed in words.
      if (d.method === 'saml') return `SAML sign-in failed: ${text(d.message ?? reason)}`;
      return `Sign-in with ${text(providerLabel(d.method ?? 'unknown method'))} failed: ${reason}`;
    }
    case 'auth.sign_out':
      return 'Signed out';
    case 'token.created':
      return `Created personal token${token} "${text(d.description ?? '')}"`;
    case 'token.creation_refused':
      return `Refused a token wider than the token${d.parent_token_prefix ? ` ${text(d.parent_token_prefix)}` : ''} that asked for it: ${text(d.reason ?? '')}`;
    case 'token.updated':
      return `Changed token${token}: ${describeChanges(d)}`;
    case 'token.revoked':
      if (d.scope === 'all_other_tokens') return `Signed out everywhere else (${text(d.count)} tokens revoked)`;
      if (d.scope === 'all_tokens') return `Expired all own tokens (${text(d.count)} revoked)`;
      return `Revoked ${d.kind === 'session' ? 'session' : 'token'}${token}`;
    case 'member.updated': {
      const next = (d.new ?? {}) as Details;
      const who = text(d.user_email ?? d.user_id);
      if (Object.keys(next).length === 1 && next.state === 'deactivated') return `Deactivated ${who}`;
      if (Object.keys(next).length === 1 && next.state === 'active') return `Reactivated ${who}`;
      if (Object.keys(next).length === 1 && next.is_super_admin === true) return `Made ${who} super admin`;
      if (Object.keys(next).length === 1 && next.is_super_admin === false) return `Removed super admin from ${who}`;
      return `Changed ${who}: ${describeChanges(d)}`;
    }
    case 'member.removed':
      return `Removed ${text(d.user_email ?? d.user_id)} from the organization`;
    case 'identity.linked':
      return `Linked ${providerLabel(d.provider)} account${d.provider_email ? ` ${text(d.provider_email)}` : ''}`;
    case 'identity.unlinked':
      return `Unlinked ${providerLabel(d.provider)} account${d.provider_email ? ` ${text(d.provider_email)}` : ''}`;
    case 'identity.link_failed': {
      const reason = typeof d.reason === 'string' ? (REASONS[d.reason] ?? d.reason.replace(/_/g, ' ')) : 'unknown reason';
      return `Linking ${providerLabel(d.provider)} failed: ${reason}`;
    }
    case 'invitation.mailed':
      return `Mailed the invitation for ${text(d.user_email ?? '')} (its link was not shown to the admin)`;
    case 'user.email_verified': {
      const how =
        d.how === 'mailed_link' && d.via === 'password_reset'
          ? 'reset the password with a mailed link'
          : d.how === 'mailed_link'
          ? 'followed a mailed invitation link'
          : d.how === 'provider_verified'
            ? `${providerLabel(d.provider)} verified it`
            : d.how === 'sso_verified_domain'
              ? 'SSO of the organization that verified its domain'
              : text(d.how ?? 'unknown');
      return `Proved the address ${text(d.user_email ?? '')} (${how})`;
    }
    case 'user.password_changed': {
      const what = d.first_password ? 'Set a password' : 'Changed the password';
      const tokens = Number(d.personal_tokens_revoked ?? 0) > 0 ? ` and ${text(d.personal_tokens_revoked)} personal tokens revoked` : '';
      return `${what} (${text(d.sessions_ended ?? 0)} other sessions ended${tokens})`;
    }
    case 'user.password_change_failed':
      return 'Changing the password failed: wrong current password';
    case 'user.password_reset_requested':
      return `Asked for a password reset link for ${text(d.user_email ?? '')} (mailed, valid until ${text(d.expiry_time ?? '')})`;
    case 'user.password_reset_refused': {
      const reasons: Record<string, string> = {
        deactivated: 'account deactivated',
        application_user: 'an application user',
        password_not_allowed: 'no password, and password sign-in not allowed',
      };
      const reason = typeof d.reason === 'string' ? (reasons[d.reason] ?? d.reason) : 'unknown reason';
      return `No password reset link mailed for ${text(d.user_email ?? '')}: ${reason}`;
    }
    case 'user.password_reset': {
      const by = d.requested_by === 'operator' ? "the operator's link" : 'a mailed link';
      const tokens = Number(d.personal_tokens_revoked ?? 0) > 0 ? ` and ${text(d.personal_tokens_revoked)} personal tokens revoked` : '';
      return `Reset the password with ${by} (${text(d.sessions_ended ?? 0)} sessions ended${tokens})`;
    }
    case 'member.token_revoked':
      return `Revoked ${d.kind === 'session' ? 'session' : 'token'}${token} of ${text(d.user_email ?? d.user_id)}`;
    case 'member.unused_tokens_revoked':
      return `Revoked ${text(d.count)} tokens unused for 90 days`;
    case 'member.two_factor_reset':
      return `Reset the two-factor authentication of ${text(d.user_email ?? d.user_id)}${d.enrollment_required ? ' (they must set up an authenticator at their next password sign-in)' : ''}`;
    case 'identity_provider.created':
      return `Added identity provider "${text(d.name ?? '')}"`;
    case 'identity_provider.updated':
      return `Changed identity provider "${text(d.name ?? '')}": ${describeChanges(d)}`;
    case 'identity_provider.deleted':
      return `Deleted identity provider "${text(d.name ?? '')}"`;
    case 'identity_provider.certificate_added':
      return `Added a certificate to identity provider "${text(d.name ?? '')}" (${text(d.subject ?? '')}, valid until ${text(d.not_after ?? '')})`;
    case 'identity_provider.certificate_removed':
      return `Removed a certificate from identity provider "${text(d.name ?? '')}" (${text(d.subject ?? '')})`;
    case 'identity_provider.account_linked':
      return `Linked the account to identity provider "${text(d.name ?? '')}" as ${text(d.subject ?? '')}`;
    case 'identity_provider.user_created':
      return `Signed up through identity provider "${text(d.name ?? '')}"`;
    case 'identity_provider.test_sign_in':
      return d.outcome === 'passed'
        ? `Test sign-in through identity provider "${text(d.name ?? '')}" passed`
        : `Test sign-in through identity provider "${text(d.name ?? '')}" failed: ${text(d.reason ?? 'unknown reason')}`;
    case 'domain.created':
      return `Added domain ${text(d.domain_name)}`;
    case 'domain.updated':
      return `Changed domain ${text(d.domain_name)}: ${describeChanges(d)}`;
    case 'domain.verified':
      return d.already_verified
        ? `Checked domain ${text(d.domain_name)} again: still verified`
        : `Verified domain ${text(d.domain_name)} (${text(d.managed_users_added ?? 0)} users became managed)`;
    case 'domain.verification_failed':
      return `Verification of domain ${text(d.domain_name)} failed: ${text(d.result ?? 'unknown').replace(/_/g, ' ')}${
        d.became_unverified ? ` (now unverified; ${text(d.managed_users_released ?? 0)} managed users released)` : ''
      }`;
    case 'domain.deleted':
      return `Removed domain ${text(d.domain_name)}`;
    case 'domain.linked':
      return `Linked domain ${text(d.domain_name)} to identity provider "${text(d.authentication_method_name ?? d.authentication_method_id)}"`;
    case 'domain.unlinked':
      return `Unlinked domain ${text(d.domain_name)} from identity provider "${text(d.authentication_method_name ?? d.authentication_method_id)}"`;
    case 'organization.created':
      return `Created organization "${text(d.organization_name ?? '')}"`;
    case 'organization.updated':
      return `Changed the organization: ${describeChanges(d)}`;
    case 'organization.deleted':
      return `Deleted organization "${text(d.organization_name ?? '')}"`;
    case 'project.created':
      return `Created project ${text(d.project ?? '')}`;
    case 'project.updated':
      return `Changed project ${text(d.project ?? '')}: ${describeChanges(d)}`;
    case 'project.moved': {
      const next = (d.new ?? {}) as Details;
      const project = text(d.project ?? '');
      if (next.unit_id) return `Moved project ${project} into unit "${text(d.unit_name ?? next.unit_id)}"`;
      if (next.organization_id === undefined && 'unit_id' in next) return `Moved project ${project} out of its unit, to the organization's own level`;
      return `Moved project ${project} into organization ${text(next.organization_id ?? '')}`;
    }
    case 'unit.created':
      return `Created unit "${text(d.unit_name ?? '')}"`;
    case 'unit.updated':
      return `Changed unit "${text(d.unit_name ?? '')}": ${describeChanges(d)}`;
    case 'unit.deleted':
      return `Deleted unit "${text(d.unit_name ?? '')}"`;
    case 'service.created':
      return `Created ${text(d.service_type ?? '')} service ${text(d.project ?? '')}/${text(d.service ?? '')}`;
    case 'service.updated':
      return `Changed service ${text(d.project ?? '')}/${text(d.service ?? '')}: ${describeChanges(d)}`;
    case 'service.deleted':
      return `Deleted service ${text(d.project ?? '')}/${text(d.service ?? '')}`;
    // Break-glass recovery by the operator on the server host (lib/operator/).
    case 'operator.super_admin_granted':
      return d.added_as_member
        ? `Operator added ${text(d.user_email ?? d.user_id)} to the organization as super admin`
        : `Operator made ${text(d.user_email ?? d.user_id)} super admin`;
    case 'operator.organization_unlocked': {
      const next = (d.new ?? {}) as Details;
      const parts = [
        next.password_auth_enabled === true ? 'turned password sign-in back on' : null,
        Array.isArray(next.ip_allowlist) ? 'cleared the IP allowlist' : null,
      ].filter(Boolean);
      return `Operator unlocked the organization: ${parts.length ? parts.join(' and ') : 'nothing to change'}`;
    }
    case 'operator.password_reset_issued':
      return `Operator issued a password reset link for ${text(d.user_email ?? d.user_id)} (valid until ${text(d.expiry_time ?? 'unknown')})`;
    case 'operator.two_factor_removed':
      return `Operator removed two-factor authentication of ${text(d.user_email ?? d.user_id)}`;
    case 'operator.database_copied':
      return `Operator copied the whole database (${text(d.rows ?? '?')} rows) to PostgreSQL at ${text(d.target ?? 'unknown')}`;
    case 'audit_stream.destination_created':
      return `Added ${d.kind === 'syslog' ? 'syslog' : 'webhook'} destination "${text(d.name ?? '')}" (${text(d.url ?? '')})`;
    case 'audit_stream.destination_updated':
      return `Changed streaming destination "${text(d.name ?? '')}": ${describeChanges(d)}`;
    case 'audit_stream.destination_deleted':
      return `Removed streaming destination "${text(d.name ?? '')}"`;
    case 'audit_stream.secret_rotated':
      return `Made a new signing secret for streaming destination "${text(d.name ?? '')}"`;
    case 'audit_stream.test_sent':
      return d.outcome === 'delivered'
        ? `Sent a test event to streaming destination "${text(d.name ?? '')}": delivered`
        : `Sent a test event to streaming destination "${text(d.name ?? '')}": failed (${text(d.error ?? 'unknown error')})`;
    case 'audit_log.exported':
      return `Downloaded the audit log as ${d.format === 'csv' ? 'CSV' : 'JSON lines'}`;
    default:
      // Events added later (policy, 2FA) read as their name until they get a sentence here;
      // their old and new values still show in the details.
      return d.old || d.new ? `${event}: ${describeChanges(d)}` : event;
  }
}
