import { type Organization } from '@/db/schema';
import { organizations } from '@/db/tables';
import { recordOperatorAudit } from '@/lib/audit/record';
import { type Ctx, inTransaction } from '@/lib/context';
import { parseInput } from '@/lib/errors';
import { updateRow } from '@/lib/model/rows';
import { listOrganizations } from './list';
import type { OperatorCall, OperatorOutcome, OperatorPreview } from './call';
import { findOrganization, organizationLabel } from './resolve';
import { organizationInputSchema } from './schema';

// npm run admin -- unlock-organization <organization>: for an organization that locked itself
// out (password sign-in off while its identity provider is broken, an IP allowlist that admits
// none of its admins). Turns password sign-in back on and empties the IP allowlist; nothing
// else of the policy changes (2FA stays as required, identity providers stay as they are), so
// the organization's super admins sign in with their password and put the policy right.

type Plan = { organization: Organization; old: Record<string, unknown>; next: Record<string, unknown> };

async function plan(ctx: Ctx, input: unknown): Promise<Plan> {
  const { organization: ref } = parseInput(organizationInputSchema, input);
  const organization = await findOrganization(ctx, ref);
  const old: Record<string, unknown> = {};
  const next: Record<string, unknown> = {};
  if (!organization.passwordAuthEnabled) {
    old.password_auth_enabled = false;
    next.password_auth_enabled = true;
  }
  if (organization.ipAllowlist.length > 0) {
    old.ip_allowlist = organization.ipAllowlist;
    next.ip_allowlist = [];
  }
  return { organization, old, next };
}

function changeLines({ old, next }: Plan): string[] {
  const lines: string[] = [];
  if ('password_auth_enabled' in next) lines.push('password sign-in: off → on');
  if ('ip_allowlist' in next) lines.push(`IP allowlist: ${(old.ip_allowlist as string[]).join(', ')} → (none: any address)`);
  return lines.map((line) => `  ${line}`);
}

/** Who can then sign in with a password, and what else still stands in their way. */
async function adminHints(ctx: Ctx, organization: Organization): Promise<string[]> {
  const admins = (await listOrganizations({ ctx })).find((o) => o.id === organization.id)?.superAdmins ?? [];
  const people = admins.filter((a) => !a.isApplicationUser && a.state === 'active');
  const withPassword = people.filter((a) => a.hasPassword);
  const lines: string[] = [];
  if (withPassword.length > 0) lines.push(`Super admins who can then sign in with their password: ${withPassword.map((a) => a.email).join(', ')}.`);
  else
    lines.push(
      people.length > 0
        ? `No active super admin has a password: issue one a reset link (reset-password ${people[0]!.email}).`
        : 'The organization has no active super admin: make someone one (make-super-admin <user> <organization>).',
    );
  if (organization.twoFactorRequired) lines.push('The organization still requires 2FA (remove-2fa <user> if a super admin lost their authenticator).');
  return lines;
}

export async function previewUnlockOrganization({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<OperatorPreview> {
  const p = await plan(ctx, input);
  const where = organizationLabel(p.organization);
  if (Object.keys(p.next).length === 0) {
    return {
      lines: [`${where} already allows password sign-in and has no IP allowlist: nothing to change.`, ...await adminHints(ctx, p.organization)],
      question: null,
    };
  }
  return { lines: [`Unlocking ${where} changes its policy:`, ...changeLines(p)], question: `Unlock ${where}?` };
}

export async function unlockOrganization({ ctx, operator, input }: OperatorCall): Promise<OperatorOutcome> {
  return await inTransaction(ctx, async (ctx) => {
      const p = await plan(ctx, input);
      const where = organizationLabel(p.organization);
      if (Object.keys(p.next).length === 0) {
        return { changed: false, lines: [`${where} already allows password sign-in and has no IP allowlist: nothing changed.`] };
      }
      const unlocked = await updateRow(ctx, organizations, p.organization.id, { passwordAuthEnabled: true, ipAllowlist: [] });
      await recordOperatorAudit(ctx, [p.organization.id], operator, {
        event: 'operator.organization_unlocked',
        details: { old: p.old, new: p.next },
      });
      return {
        changed: true,
        lines: [`Unlocked ${where}:`, ...changeLines(p), ...await adminHints(ctx, unlocked)],
      };
    },
  );
}
