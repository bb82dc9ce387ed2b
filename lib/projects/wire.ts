import type { ProjectWithOrg } from './manage';
import type { ProjectWire } from './wire-schema';

/**
 * The project object of /v1/project, in upstream's fields. Billing does not exist here: its
 * fields are present (avn's table reads them) and empty. account_id and account_name are those
 * of the account that holds the project: its unit when it is in one, else its organization;
 * organization_id is always the organization's.
 */
export function projectToWire({ project, organization, unit }: ProjectWithOrg): ProjectWire {
  return {
    project_name: project.name,
    account_id: unit?.id ?? organization?.accountId ?? null,
    account_name: unit?.name ?? organization?.name ?? null,
    organization_id: organization?.id ?? null,
    default_cloud: project.cloud,
    cloud: project.cloud,
    tech_emails: project.techEmails.map((email) => ({ email })),
    billing_group_id: null,
    billing_group_name: null,
    credit_card: null,
    estimated_balance: null,
    payment_method: 'no_payment_expected',
    vpc_id: null,
    // Extension: when the project was made.
    create_time: project.createTime,
  };
}
