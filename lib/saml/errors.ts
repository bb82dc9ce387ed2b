// Why a SAML sign-in was refused: one code per check, the words a person reads, and the HTTP
// status of the ACS page. The code goes to the audit log; the message to the page and the log.

export const SAML_FAILURES = {
  malformed: { status: 400, check: 'Response format' },
  unknown_method: { status: 404, check: 'Identity provider' },
  not_configured: { status: 409, check: 'Identity provider' },
  disabled: { status: 403, check: 'Identity provider' },
  saml_disabled: { status: 403, check: 'Organization policy' },
  unknown_request: { status: 400, check: 'InResponseTo' },
  in_response_to: { status: 400, check: 'InResponseTo' },
  idp_initiated_disabled: { status: 403, check: 'IdP-initiated sign-in' },
  destination: { status: 400, check: 'Destination' },
  recipient: { status: 400, check: 'Recipient' },
  assertion_unsigned: { status: 400, check: 'Signature' },
  signature: { status: 400, check: 'Signature' },
  expired: { status: 400, check: 'Validity period' },
  not_yet_valid: { status: 400, check: 'Validity period' },
  audience: { status: 400, check: 'Audience' },
  issuer: { status: 400, check: 'Issuer' },
  replay: { status: 400, check: 'One-time use' },
  idp_error: { status: 400, check: 'IdP status' },
  no_subject: { status: 400, check: 'Subject' },
  no_email: { status: 400, check: 'Attribute mapping' },
  not_linked: { status: 403, check: 'Account' },
  already_linked: { status: 409, check: 'Account' },
  account_exists: { status: 409, check: 'Account' },
  // Signup through an IdP for an address outside the domains its organization verified.
  domain_not_verified: { status: 403, check: 'Account' },
  // Linking by address into an account whose address nobody proved (lib/model/proven.ts).
  email_not_proven: { status: 403, check: 'Account' },
  link_requires_sign_in: { status: 401, check: 'Account' },
  // Linking and testing spend the browser's session: only from a page of ours, by a member.
  cross_site: { status: 403, check: 'Origin' },
  link_not_member: { status: 403, check: 'Account' },
  two_factor_enrollment_required: { status: 403, check: 'Two-factor authentication' },
  deactivated: { status: 403, check: 'Account' },
  method_not_allowed: { status: 403, check: 'Organization policy' },
  ip_not_allowed: { status: 403, check: 'IP allowlist' },
  forbidden: { status: 403, check: 'Permission' },
} as const;

export type SamlFailureReason = keyof typeof SAML_FAILURES;

export class SamlError extends Error {
  readonly reason: SamlFailureReason;

  constructor(reason: SamlFailureReason, message: string) {
    super(message);
    this.name = 'SamlError';
    this.reason = reason;
  }

  get status(): number {
    return SAML_FAILURES[this.reason].status;
  }

  /** The name of the check that failed, as the trace shows it. */
  get check(): string {
    return SAML_FAILURES[this.reason].check;
  }
}
