import type { Token } from '@/db/schema';
import type { OrgCall } from '@/lib/call';
import type { Ctx } from '@/lib/context';
import { identityProviderNames } from '@/lib/model/identity-providers';
import { memberTwoFactor, twoFactorResetRefusal, type MemberTwoFactor } from './member-two-factor';
import { getMember, listMemberAuthenticationMethods, listMemberTokens, otherOrganizationsOf, type Member, type MemberAuthenticationMethod } from './members';

// What Admin → Users → a member shows: who they are here, how they sign in, their sessions and
// tokens, and whether their two-factor authentication may be reset. Super admins of the
// organization only; anyone who is not its member is "not found" (lib/users/members.ts).

export type MemberPage = {
  member: Member;
  /** The password and each linked third-party account and identity provider, as GET .../authentication_methods lists them. */
  methods: MemberAuthenticationMethod[];
  twoFactor: MemberTwoFactor;
  /** Login sessions and personal tokens, newest first (application users: their application tokens). */
  tokens: Token[];
  /** "this": a verified domain of this organization holds their address; "other": another organization's does. */
  managedBy: 'this' | 'other' | null;
  /** How many other organizations they belong to (their names are not this organization's to see). */
  otherOrganizations: number;
  /** Why "Reset two-factor authentication" would be refused, or null when it would work. */
  twoFactorResetRefusal: string | null;
  /** Whether this organization requires 2FA for password sign-ins. */
  twoFactorRequiredHere: boolean;
  /** Names of the identity providers the member's sessions came through, by id. */
  identityProviderNames: Record<string, string>;
};

export async function loadMemberPage(call: OrgCall & { userId: string }): Promise<MemberPage> {
  const member = await getMember(call);
  const { ctx } = call;
  const membership = call.membership!;
  const tokens = await listMemberTokens(call);
  const managing = member.user.managingOrganizationId;
  return {
    member,
    methods: await listMemberAuthenticationMethods(call),
    twoFactor: await memberTwoFactor(ctx, member.user.id),
    tokens,
    managedBy: managing === null ? null : managing === membership.organization.id ? 'this' : 'other',
    otherOrganizations: await otherOrganizationsOf(ctx, member.user.id),
    twoFactorResetRefusal: (await twoFactorResetRefusal(ctx, { membership, callerId: call.principal.user.id, member }))?.message ?? null,
    twoFactorRequiredHere: membership.organization.twoFactorRequired,
    identityProviderNames: await namesOf(ctx, tokens),
  };
}

const namesOf = (ctx: Ctx, tokens: Token[]) => identityProviderNames(ctx, tokens.map((t) => t.authMethod));
