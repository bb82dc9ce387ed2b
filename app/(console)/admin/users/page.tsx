import type { Metadata } from 'next';
import { requireSuperAdmin } from '@/app/_lib/admin';
import { MemberTable, type MemberRow } from '@/components/users/member-table';
import { InvitationsPanel } from '@/components/invitations/invitations-panel';
import { PageHeader } from '@/components/ui/page-header';
import { iso, liveCtx } from '@/lib/context';
import { listInvitations } from '@/lib/invitations/manage';
import { invitationToWire } from '@/lib/invitations/wire';
import { listMembers, signInMethodsOf } from '@/lib/users/members';
import { memberToWire } from '@/lib/users/wire';

export const metadata: Metadata = { title: 'Users · Portcullis' };

export default async function UsersPage() {
  const session = await requireSuperAdmin();
  const { principal, membership } = session;
  const ctx = liveCtx();
  const invitations = (await listInvitations({ ctx, membership })).map(invitationToWire);
  const members: MemberRow[] = (await listMembers({ ...session, ctx, membership })).map((member) => ({
    ...memberToWire(member),
    sign_in_methods: signInMethodsOf(member),
    is_you: member.user.id === principal.user.id,
    managed: member.user.managingOrganizationId === membership.organization.id,
  }));
  const superAdmins = members.filter((m) => m.is_super_admin && m.user_info.state === 'active').length;

  return (
    <div className="max-w-6xl space-y-6">
      <PageHeader title="Users">
        The people and application users of {membership.organization.name}. Super admins manage the organization: there is
        always at least one who is active.
      </PageHeader>
      <section aria-labelledby="members-heading" className="space-y-3">
        <h2 id="members-heading" className="font-medium">
          Members <span className="text-sm font-normal text-slate-500">({members.length})</span>
          <span className="ml-3 text-sm font-normal text-slate-500">
            {superAdmins} active super admin{superAdmins === 1 ? '' : 's'}
          </span>
        </h2>
        <MemberTable members={members} organizationName={membership.organization.name} />
      </section>
      <InvitationsPanel invitations={invitations} now={iso(ctx.now)} />
    </div>
  );
}
