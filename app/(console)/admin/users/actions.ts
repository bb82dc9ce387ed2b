'use server';

import { consoleAction } from '@/app/_lib/action';
import { resetMemberTwoFactor, twoFactorResetMessage } from '@/lib/users/member-two-factor';
import { removeMember, revokeMemberToken, updateMember } from '@/lib/users/members';
import { memberActionSchema, memberTokenActionSchema, updateMemberActionSchema } from '@/lib/users/schema';

// Admin → Users. The organization is the one the user is working in (the gate's choice);
// lib/users/members.ts checks that they are its super admin before anything else.

/**
 * Super admin on or off, deactivate or reactivate. `lostAccess` tells the page that the caller
 * is no longer a super admin here (they stepped down), so it should leave the Admin pages.
 */
export const updateMemberAction = consoleAction(updateMemberActionSchema, async ({ user_id, ...input }, session) => {
  const member = await updateMember({ ...session, userId: user_id, input });
  return { lostAccess: member.user.id === session.principal.user.id && !member.isSuperAdmin };
});

/** Removes a member from the organization; `lostAccess` when the caller removed themselves. */
export const removeMemberAction = consoleAction(memberActionSchema, async ({ user_id }, session) => {
  const member = await removeMember({ ...session, userId: user_id });
  return { lostAccess: member.user.id === session.principal.user.id };
});

/** The member's page: "Reset two-factor authentication". Returns the sentence to show. */
export const resetMemberTwoFactorAction = consoleAction(memberActionSchema, async ({ user_id }, session) => {
  const result = await resetMemberTwoFactor({ ...session, userId: user_id });
  return { message: twoFactorResetMessage(result) };
});

/** The member's page: revokes one of their sessions or tokens, named by its prefix. */
export const revokeMemberTokenAction = consoleAction(memberTokenActionSchema, async ({ user_id, prefix }, session) => {
  const token = await revokeMemberToken({ ...session, userId: user_id, prefix });
  return { prefix: token.tokenPrefix, kind: token.kind };
});
