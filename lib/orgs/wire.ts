import type { Organization } from '@/db/schema';
import type { MembershipWithOrg } from '@/lib/call';
import type { UnitWithOrg } from './units';
import type { Member, MemberAuthenticationMethod } from './members';

/**
 * The member object of /v1/organization/{org}/user (list item, GET, PATCH), in upstream's
 * fields. Explicit fields only. `managing_organization_id` names the organization that manages
 * the user through a verified domain; there is no SCIM, so managed_by_scim is false.
 */
export function memberToWire(member: Member) {
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
    // Extension: whether the owner of the address proved it is theirs (lib/users/proven.ts);
    // only then do third-party and SSO sign-ins with that address link to the account.
    email_verified: member.user.emailVerifiedTime !== null,
  };
}
export type WireMember = ReturnType<typeof memberToWire>;

/**
 * An item of GET .../user/{user_id}/authentication_methods. Upstream's fields; the password is
 * its "internal" method, and the remote identity of an internal login is the email address.
 */
export function authenticationMethodToWire(method: MemberAuthenticationMethod, organization: Organization) {
  return {
    type: method.type,
    name: method.name,
    is_enabled_2fa: method.twoFactorEnabled,
    last_used_time: method.lastUsedTime,
    method_id: method.methodId,
    local_provider_id: null as string | null,
    remote_provider_id: method.remoteProviderId,
    organization_id: organization.id,
    user_email: method.member.user.email,
    user_id: method.member.user.id,
  };
}

/** The account object of /v1/account (upstream's older name for an organization). */
export function accountToWire({ organization, isSuperAdmin }: { organization: Organization; isSuperAdmin: boolean }) {
  return {
    account_id: organization.accountId,
    account_name: organization.name,
    organization_id: organization.id,
    create_time: organization.createTime,
    update_time: organization.updateTime,
    is_account_owner: isSuperAdmin,
    root_account_id: organization.accountId,
    parent_account_id: null,
    primary_billing_group_id: null,
    tenant_id: null,
  };
}

/**
 * An organizational unit as an account of /v1/account: its own account_id and name, its
 * organization's organization_id, and that organization's account as parent and root (units are
 * one level deep). is_account_owner: the caller is a super admin of the organization, which is
 * who administers the unit.
 */
export function unitToWire({ unit, membership }: UnitWithOrg) {
  return {
    account_id: unit.id,
    account_name: unit.name,
    organization_id: membership.organization.id,
    create_time: unit.createTime,
    update_time: unit.updateTime,
    is_account_owner: membership.isSuperAdmin,
    root_account_id: membership.organization.accountId,
    parent_account_id: membership.organization.accountId,
    primary_billing_group_id: null,
    tenant_id: null,
  };
}

/** Either kind of account, as POST /v1/account made it. */
export function anyAccountToWire(account: MembershipWithOrg | UnitWithOrg) {
  return 'unit' in account ? unitToWire(account) : accountToWire(account);
}

/** The organization object of /v1/organizations and /v1/organization/{id}. */
export function organizationToWire(organization: Organization) {
  return {
    organization_id: organization.id,
    organization_name: organization.name,
    account_id: organization.accountId,
    tier: organization.tier,
    create_time: organization.createTime,
    update_time: organization.updateTime,
  };
}
