import type { ReactNode } from 'react';
import Link from 'next/link';
import { requireConsole } from '@/app/_lib/session';
import { Brand } from '@/components/shell/brand';
import { OrgSwitcher } from '@/components/shell/org-switcher';
import { ProfileMenu } from '@/components/shell/profile-menu';
import { ProfileMenuItems } from '@/components/shell/profile-menu-items';
import { SideNav } from '@/components/shell/side-nav';

export const dynamic = 'force-dynamic';

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  // The shell also frames the two-factor enrollment page; every page runs its own check.
  const { principal, membership } = await requireConsole(false, true);
  const options = principal.memberships.map((m) => ({ id: m.organization.id, name: m.organization.name }));
  const current = membership ? { id: membership.organization.id, name: membership.organization.name } : null;
  return (
    <div className="min-h-screen">
      <header className="flex h-14 items-center justify-between border-b border-slate-200 bg-white px-4">
        <div className="flex items-center gap-4">
          <Link href="/">
            <Brand />
          </Link>
          <span aria-hidden="true" className="text-slate-300">/</span>
          <OrgSwitcher current={current} options={options} />
        </div>
        <ProfileMenu email={principal.user.email}>
          <ProfileMenuItems />
        </ProfileMenu>
      </header>
      <div className="flex">
        <aside className="min-h-[calc(100vh-3.5rem)] w-60 shrink-0 border-r border-slate-200 bg-white">
          <SideNav isSuperAdmin={membership?.isSuperAdmin ?? false} />
        </aside>
        <main className="min-w-0 flex-1 p-8">{children}</main>
      </div>
    </div>
  );
}
