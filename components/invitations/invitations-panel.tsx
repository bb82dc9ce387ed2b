'use client';

import { useState } from 'react';
import { cancelInvitationAction, inviteAction } from '@/app/(console)/admin/invitations/actions';
import { useAction } from '@/components/forms/use-action';
import { useActionForm } from '@/components/forms/use-action-form';
import { Alert } from '@/components/ui/alert';
import { Button, RowButton } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { CopyButton } from '@/components/ui/copy-button';
import { Field } from '@/components/ui/field';
import { Time } from '@/components/ui/time';

export type PendingInvitation = { user_email: string; invited_by: string; create_time: string; expiry_time: string };

/** Invite by email, copy the link, see and cancel pending invitations. For Admin → Users. */
export function InvitationsPanel({ invitations, now }: { invitations: PendingInvitation[]; now: string }) {
  const [created, setCreated] = useState<{ email: string; link: string | null; mailSent: boolean; mailError: string | null } | null>(null);
  const cancel = useAction();
  const invite = useActionForm(() => import('@/lib/invitations/schema').then((m) => m.inviteSchema), inviteAction, {
    defaultValues: { user_email: '' },
    fields: ['user_email'],
    message: 'unless-field',
    reset: true,
    onError: cancel.clear,
    onSuccess: (data) => {
      cancel.clear();
      setCreated(data);
    },
  });
  // One alert for both: a cancellation's refusal, or the invitation's (a new one replaces the old).
  const error = cancel.error ?? invite.error;

  return (
    <Card className="space-y-5 p-6">
      <h2 className="font-medium">Invitations</h2>
      <form onSubmit={invite.onSubmit} noValidate aria-label="Invite a member" className="flex items-start gap-2">
        <Field className="flex-1" label="Email address" type="email" placeholder="new.colleague@example.com" {...invite.field('user_email')} />
        <Button type="submit" className="mt-6" disabled={invite.pending}>
          Invite
        </Button>
      </form>
      {error ? <Alert>{error}</Alert> : null}
      {created?.mailSent ? (
        <div role="status" className="rounded-md border border-slate-200 bg-slate-50 p-3 text-sm">
          <p>
            Invitation for <strong>{created.email}</strong> created and mailed to {created.email}.
          </p>
          <p className="text-xs text-slate-500">
            The link is in the mail only: opening it shows that the address is theirs.
          </p>
        </div>
      ) : created?.link ? (
        <div className="space-y-2 rounded-md border border-slate-200 bg-slate-50 p-3 text-sm">
          <p>
            Invitation for <strong>{created.email}</strong> created.{' '}
            {created.mailError ? `Mailing it failed (${created.mailError}). Send them this link:` : 'Send them this link:'}
          </p>
          <div className="flex items-center gap-2">
            <code data-testid="invite-link" className="flex-1 break-all rounded bg-white px-2 py-1 font-mono text-xs">
              {created.link}
            </code>
            <CopyButton value={created.link} label="Copy link" />
          </div>
          <p className="text-xs text-slate-500">
            The link is shown only now. Anyone with it can see the invitation; only {created.email} can accept it. An account made
            through a copied link does not count as proof that the address is theirs.
          </p>
        </div>
      ) : null}
      {invitations.length === 0 ? (
        <p className="text-sm text-slate-500">No pending invitations.</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm" aria-label="Pending invitations">
          {invitations.map((invitation) => (
            <li key={invitation.user_email} className="flex items-center justify-between py-2">
              <span>
                <span className="font-medium">{invitation.user_email}</span>{' '}
                <span className="text-slate-500">
                  by {invitation.invited_by},{' '}
                  {invitation.expiry_time <= now ? (
                    <span className="text-red-700">expired</span>
                  ) : (
                    <>
                      expires <Time value={invitation.expiry_time} />
                    </>
                  )}
                </span>
              </span>
              <RowButton
                danger
                disabled={cancel.pending}
                aria-label={`Cancel invitation for ${invitation.user_email}`}
                onClick={() => cancel.run(() => cancelInvitationAction({ email: invitation.user_email }))}
              >
                Cancel
              </RowButton>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
