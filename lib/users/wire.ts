import type { Organization } from '@/db/schema';
import type { Member, MemberAuthenticationMethod } from './members';
import type { MemberAuthenticationMethodWire, MemberWire } from './wire-schema';

/**
 * The member object of /v1/organization/{org}/user (list item, GET, PATCH), in upstream's
 * fields. Explicit fields only. `managing_organization_id` names the organization that manages
 * the user through a verified domain; there is no SCIM, so managed_by_scim is false.
 */
export function memberToWire(member: Member): MemberWire {
  return {
    user_id: member.user.id,
    is_super_admin: member.isSuperAdmin,
    join_time: member.joinTime,
    last_activity_time: member.user.lastActivityTime,
    user_info: {
      user_email: member.user.email,
      real_name: member.user.realName,
      state: member.user.state,
      is_application_user: member.user.isApplicationUser,
      managed_by_scim: false,
      managing_organization_id: member.user.managingOrganizationId,
      create_time: member.user.createTime,
    },
    // Extension: whether password sign-ins of this member ask for an authenticator code.
    two_factor_enabled: member.hasAuthenticatorApp,
    // Extension: whether the owner of the address proved it is theirs (lib/model/proven.ts);
    // only then do third-party and SSO sign-ins with that address link to the account.
    email_verified: member.user.emailVerifiedTime !== null,
  };
}
export type WireMember = MemberWire;

/**
 * An item of GET .../user/{user_id}/authentication_methods. Upstream's fields; the password is
 * its "internal" method, and the remote identity of an internal login is the email address.
 */
export function authenticationMethodToWire(method: MemberAuthenticationMethod, organization: Organization): MemberAuthenticationMethodWire {
  return {
    type: method.type,
    name: method.name,
    is_enabled_2fa: method.twoFactorEnabled,
    last_used_time: method.lastUsedTime,
    method_id: method.methodId,
    local_provider_id: null,
    remote_provider_id: method.remoteProviderId,
    organization_id: organization.id,
    user_email: method.member.user.email,
    user_id: method.member.user.id,
  };
}
