import type { Metadata } from 'next';
import Link from 'next/link';
import { requireSuperAdmin } from '@/app/_lib/admin';
import { CreateApplicationUserForm } from '@/components/application-users/form';
import { Empty } from '@/components/ui/empty';
import { FormCard } from '@/components/ui/form-card';
import { PageHeader } from '@/components/ui/page-header';
import { countApplicationTokens, listApplicationUsers } from '@/lib/application-users/manage';
import { liveCtx } from '@/lib/context';
import { DataTable, TimeCell } from '@/components/ui/table';

export const metadata: Metadata = { title: 'Application users · Portcullis' };

export default async function ApplicationUsersPage() {
  const { membership } = await requireSuperAdmin();
  const ctx = liveCtx();
  const appUsers = await listApplicationUsers({ ctx, membership });
  const tokenCounts = await Promise.all(appUsers.map(({ user }) => countApplicationTokens(ctx, user.id)));
  return (
    <div className="max-w-4xl space-y-6">
      <PageHeader title="Application users">
        Non-human users for automation (CI, Terraform, monitoring). They act only through their tokens and cannot sign in. The
        authentication policy&apos;s sign-in methods and personal token settings never affect their tokens; the organization&apos;s IP
        allowlist and each token&apos;s own allowlist do.
      </PageHeader>
      <FormCard title="New application user">
        <CreateApplicationUserForm />
      </FormCard>
      {appUsers.length === 0 ? (
        <Empty>No application users yet.</Empty>
      ) : (
        <DataTable columns={['Name', 'User ID', 'Role', 'Tokens', 'Created']}>
              {appUsers.map(({ user, isSuperAdmin }, i) => (
                <tr key={user.id}>
                  <td className="px-4 py-2">
                    <Link className="font-medium text-brand-700 hover:underline" href={`/admin/application-users/${user.id}`}>
                      {user.realName}
                    </Link>
                  </td>
                  <td className="px-4 py-2 font-mono text-xs">{user.id}</td>
                  <td className="px-4 py-2">{isSuperAdmin ? 'Super admin' : 'Member'}</td>
                  <td className="px-4 py-2">{tokenCounts[i]}</td>
                  <TimeCell value={user.createTime} />
                </tr>
              ))}
        </DataTable>
      )}
    </div>
  );
}
