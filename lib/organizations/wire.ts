import type { Organization } from '@/db/schema';
import type { MembershipWithOrg } from '@/lib/call';
import type { UnitWithOrg } from './units';
import type { AccountWire, OrganizationWire } from './wire-schema';

/** The account object of /v1/account (upstream's older name for an organization). */
export function accountToWire({ organization, isSuperAdmin }: { organization: Organization; isSuperAdmin: boolean }): AccountWire {
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
export function unitToWire({ unit, membership }: UnitWithOrg): AccountWire {
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
export function anyAccountToWire(account: MembershipWithOrg | UnitWithOrg): AccountWire {
  return 'unit' in account ? unitToWire(account) : accountToWire(account);
}

/** The organization object of /v1/organizations and /v1/organization/{id}. */
export function organizationToWire(organization: Organization): OrganizationWire {
  return {
    organization_id: organization.id,
    organization_name: organization.name,
    account_id: organization.accountId,
    tier: organization.tier,
    create_time: organization.createTime,
    update_time: organization.updateTime,
  };
}
