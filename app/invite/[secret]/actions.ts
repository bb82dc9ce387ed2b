'use server';

import { cookies, headers } from 'next/headers';
import { publicAction, type ActionResult } from '@/app/_lib/action';
import { requireConsole } from '@/app/_lib/session';
import { liveCtx } from '@/lib/context';
import { toAppError } from '@/lib/errors';
import { requestMeta } from '@/lib/api/handler';
import { acceptInvitation, acceptWithSignUp, findInvitationByLink } from '@/lib/invitations/manage';
import { acceptWithSignUpSchema } from '@/lib/invitations/schema';
import { CURRENT_ORG_COOKIE } from '@/lib/organizations/current';

async function workIn(organizationId: string) {
  (await cookies()).set(CURRENT_ORG_COOKIE, organizationId, { httpOnly: true, sameSite: 'lax', path: '/' });
}

/** The signed-in invitee joins. */
export async function acceptInvitationAction(secret: string): Promise<ActionResult<{ organizationName: string }>> {
  const { principal, meta } = await requireConsole(true);
  try {
    const ctx = liveCtx();
    // Through the link: a mailed invitation proves the address (lib/invitations/manage.ts).
    const organization = await acceptInvitation({ ctx, principal, open: await findInvitationByLink(ctx, secret), meta, throughLink: true });
    await workIn(organization.id);
    return { ok: true, data: { organizationName: organization.name } };
  } catch (error) {
    const appError = toAppError(error);
    return { ok: false, message: appError.message, fieldErrors: appError.fieldErrors };
  }
}

/** A new person creates their account and joins; the page then signs them in. */
export async function signUpAndAcceptAction(secret: string, values: unknown) {
  return publicAction(acceptWithSignUpSchema, async (input) => {
    const { user, organization } = await acceptWithSignUp({ ctx: liveCtx(), secret, input, meta: requestMeta(await headers()) });
    await workIn(organization.id);
    return { email: user.email };
  })(values as never);
}
