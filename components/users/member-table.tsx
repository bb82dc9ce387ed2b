'use client';

import Link from 'next/link';
import { useState } from 'react';
import { removeMemberAction, updateMemberAction } from '@/app/(console)/admin/users/actions';
import type { ActionResult } from '@/app/_lib/action';
import type { WireMember } from '@/lib/users/wire';
import { ConfirmDialog, useConfirm } from '@/components/forms/confirm-dialog';
import { useAction } from '@/components/forms/use-action';
import { Alert } from '@/components/ui/alert';
import { RowButton } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { Time } from '@/components/ui/time';
import { ACTIONS_COLUMN, DataTable } from '@/components/ui/table';

/** `managed`: this organization manages the user through a verified domain of theirs. */
export type MemberRow = WireMember & { sign_in_methods: string[]; is_you: boolean; managed: boolean };

type Confirm = { kind: 'deactivate' | 'reactivate' | 'remove'; member: MemberRow };

export function Badge({ tone, children }: { tone: 'green' | 'amber' | 'slate' | 'brand'; children: React.ReactNode }) {
  const tones = {
    green: 'bg-emerald-100 text-emerald-800',
    amber: 'bg-amber-100 text-amber-800',
    slate: 'bg-slate-100 text-slate-700',
    brand: 'bg-brand-50 text-brand-700',
  };
  return <span className={cn('inline-block rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap', tones[tone])}>{children}</span>;
}

/** A switch (role="switch") for super admin: on is brand-coloured, off is grey. */
function SuperAdminSwitch({ member, disabled, onToggle }: { member: MemberRow; disabled: boolean; onToggle: () => void }) {
  const on = member.is_super_admin;
  return (
    <button
      type="button"
      role="switch"
      aria-checked={on}
      aria-label={`Super admin: ${member.user_info.user_email}`}
      disabled={disabled}
      onClick={onToggle}
      className={cn(
        'relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 disabled:opacity-60',
        on ? 'bg-brand-600' : 'bg-slate-300',
      )}
    >
      <span aria-hidden="true" className={cn('inline-block h-5 w-5 rounded-full bg-white shadow transition-transform', on ? 'translate-x-5' : 'translate-x-0.5')} />
    </button>
  );
}

const dialogText = (confirm: Confirm, organizationName: string) => {
  const email = confirm.member.user_info.user_email;
  switch (confirm.kind) {
    case 'deactivate':
      return {
        title: `Deactivate ${email}?`,
        body: `${email} can no longer sign in, and their sessions and tokens stop working at once. You can reactivate them later.`,
        button: 'Deactivate',
      };
    case 'reactivate':
      return {
        title: `Reactivate ${email}?`,
        body: `${email} can sign in again, and their sessions and tokens that have not expired work again.`,
        button: 'Reactivate',
      };
    case 'remove':
      return {
        title: `Remove ${email} from ${organizationName}?`,
        body: confirm.member.is_you
          ? `You lose access to ${organizationName} at once. Your account and your other organizations stay as they are.`
          : `${email} loses access to ${organizationName} at once. Their account and their other organizations stay as they are.`,
        button: 'Remove',
      };
  }
};

export function MemberTable({ members, organizationName }: { members: MemberRow[]; organizationName: string }) {
  const confirm = useConfirm<Confirm>();
  const { run, pending, error, notice, router } = useAction();

  /** Runs a change to a member; says `success`, unless the change took the caller's own access. */
  const change = (action: () => Promise<ActionResult<{ lostAccess: boolean }>>, success: string) =>
    run(action, {
      onSuccess: (data) => {
        if (!data.lostAccess) return success;
        router.replace('/');
        return false;
      },
    });

  const toggleSuperAdmin = (member: MemberRow) => {
    const next = !member.is_super_admin;
    const email = member.user_info.user_email;
    change(
      () => updateMemberAction({ user_id: member.user_id, is_super_admin: next }),
      next ? `${email} is now a super admin.` : `${email} is no longer a super admin.`,
    );
  };

  const confirmed = () => {
    if (!confirm.target) return;
    const { kind, member } = confirm.target;
    const email = member.user_info.user_email;
    confirm.close();
    if (kind === 'remove') {
      change(() => removeMemberAction({ user_id: member.user_id }), `${email} was removed from ${organizationName}.`);
    } else {
      const state = kind === 'deactivate' ? 'deactivated' : 'active';
      change(() => updateMemberAction({ user_id: member.user_id, state }), `${email} was ${state === 'active' ? 'reactivated' : 'deactivated'}.`);
    }
  };

  const text = confirm.target ? dialogText(confirm.target, organizationName) : null;

  return (
    <div className="space-y-3">
      {error ? <Alert>{error}</Alert> : null}
      {notice ? <Alert tone="info">{notice}</Alert> : null}
      <DataTable columns={['Member', 'Sign-in methods', '2FA', 'Super admin', 'Last activity', 'State', ACTIONS_COLUMN]}>
            {members.map((member) => {
              const info = member.user_info;
              const active = info.state === 'active';
              return (
                <tr key={member.user_id} data-testid={`member-row-${info.user_email}`} className={active ? undefined : 'bg-slate-50/60'}>
                  <td className="px-4 py-3">
                    <div className="flex items-center gap-2">
                      {/* Their page: sign-in methods, sessions and tokens, 2FA reset (application users have their own). */}
                      <Link
                        className="font-medium text-brand-700 hover:underline"
                        href={info.is_application_user ? `/admin/application-users/${member.user_id}` : `/admin/users/${member.user_id}`}
                      >
                        {info.real_name || info.user_email}
                      </Link>
                      {member.is_you ? <Badge tone="brand">You</Badge> : null}
                      {info.is_application_user ? <Badge tone="slate">Application user</Badge> : null}
                      {member.managed ? <Badge tone="slate">Managed</Badge> : null}
                      {!member.email_verified && !info.is_application_user ? (
                        <span title="Nobody has shown that this address is theirs: sign-ins with Google, Microsoft, GitHub or SSO are not linked to this account by address.">
                          <Badge tone="amber">Address not proven</Badge>
                        </span>
                      ) : null}
                    </div>
                    {info.real_name ? <div className="text-xs text-slate-500">{info.user_email}</div> : null}
                  </td>
                  <td className="px-4 py-3" data-testid="sign-in-methods">
                    {member.sign_in_methods.length ? (
                      <div className="flex flex-wrap gap-1">
                        {member.sign_in_methods.map((method) => (
                          <Badge key={method} tone="slate">
                            {method}
                          </Badge>
                        ))}
                      </div>
                    ) : (
                      <span className="text-slate-400">None</span>
                    )}
                  </td>
                  <td className="px-4 py-3" data-testid="two-factor">
                    {member.two_factor_enabled ? <Badge tone="green">On</Badge> : <span className="text-slate-500">Off</span>}
                  </td>
                  <td className="px-4 py-3">
                    <SuperAdminSwitch member={member} disabled={pending} onToggle={() => toggleSuperAdmin(member)} />
                  </td>
                  <td className="px-4 py-3 whitespace-nowrap" data-testid="last-activity">
                    <Time value={member.last_activity_time} fallback="Never" />
                  </td>
                  <td className="px-4 py-3" data-testid="state">
                    {active ? <Badge tone="green">Active</Badge> : <Badge tone="amber">Deactivated</Badge>}
                  </td>
                  <td className="px-4 py-3 text-right whitespace-nowrap">
                    <RowButton onClick={() => confirm.open({ kind: active ? 'deactivate' : 'reactivate', member })}>
                      {active ? 'Deactivate' : 'Reactivate'}
                    </RowButton>
                    <RowButton danger onClick={() => confirm.open({ kind: 'remove', member })}>
                      Remove
                    </RowButton>
                  </td>
                </tr>
              );
            })}
      </DataTable>
      <ConfirmDialog
        confirm={confirm}
        title={text?.title ?? ''}
        confirmLabel={text?.button ?? ''}
        variant={confirm.target?.kind === 'reactivate' ? 'primary' : 'danger'}
        onConfirm={confirmed}
        pending={pending}
      >
        {text?.body}
      </ConfirmDialog>
    </div>
  );
}
