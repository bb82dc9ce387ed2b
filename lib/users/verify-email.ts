import { randomBytes } from 'node:crypto';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { type EmailVerification } from '@/db/schema';
import { emailVerifications } from '@/db/tables';
import { recordUserAudit } from '@/lib/audit/record';
import type { Call, Principal, RequestMeta } from '@/lib/call';
import { type Ctx, inTransaction, iso } from '@/lib/context';
import { AppError, parseInput } from '@/lib/errors';
import { newRowId } from '@/lib/ids';
import { sendMail, type SmtpSettings } from '@/lib/mail/smtp';
import { listMemberships } from '@/lib/model/memberships';
import { hashToken } from '@/lib/tokens/token';
import { isEmailProven, markEmailProven } from '@/lib/model/proven';
import { confirmEmailVerificationSchema, requestEmailVerificationSchema } from './verify-email-schema';
import { affectedRows, first, single } from '@/db/async';

// "Verify your address": the owner of an account whose address is not proven (one made through
// an invitation link the admin copied, or before proven addresses existed) asks for a mail with a
// single-use link, valid for an hour, and proves the address with it (lib/model/proven.ts).
//
// THE RULE: following the link proves nothing by itself. Confirming needs BOTH the secret from
// the mail AND a login session (or personal token) of the very account that asked, whose address
// is still the one the mail went to. Why: a squatter who holds an unproven account for somebody
// else's address (say owner@x, made through a copied invitation link) can ask for this mail, and
// it lands in the real owner's mailbox. If clicking the link alone proved the address, the real
// owner, clicking it in good faith, would prove the squatter's account, and a later automatic
// link by address (the owner's Google sign-in, their organization's SSO) would join the owner to
// the account the squatter holds. With both required, only someone who holds the account AND
// reads the mailbox can prove it. Likewise a GET of the link (mail scanners prefetch links)
// never proves anything: the page's button POSTs.

export const EMAIL_VERIFICATION_MAX_AGE_MS = 60 * 60 * 1000;
/** One request per user per this long: each request mails someone. */
export const EMAIL_VERIFICATION_INTERVAL_MS = 5 * 60 * 1000;

export function emailVerificationLink(baseUrl: string, secret: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/verify-email/${secret}`;
}

export type Mailer = typeof sendMail;

const PROFILE = 'Profile → Authentication';

/** Only a person proves their address, with a login session or a personal token of theirs. */
function assertPersonalCaller(principal: Principal): void {
  if (principal.user.isApplicationUser || principal.token.kind === 'application') {
    throw new AppError('forbidden', 'Application users have no mailbox: only a person can verify their address');
  }
  if (principal.token.kind !== 'session' && principal.token.kind !== 'personal') {
    throw new AppError('forbidden', 'Verify your address with a login session or a personal token of your own');
  }
}

const minutes = (ms: number) => Math.max(1, Math.ceil(ms / 60_000));

/**
 * Mails the account's address a link to verify it. Refused when the address is proven already
 * (409), when this server has no SMTP (409: nothing to retry until an administrator configures
 * mail), and within 5 minutes of the last request (429). A still-unused older link is replaced.
 */
export async function requestEmailVerification({
  ctx,
  principal,
  meta,
  input = {},
  baseUrl,
  smtp,
  mailer = sendMail,
}: Call & {
  input?: unknown;
  baseUrl: string;
  smtp: SmtpSettings | null;
  /** Tests pass their own; the app mails through SMTP. */
  mailer?: Mailer;
}): Promise<{ email: string; expiryTime: string }> {
  parseInput(requestEmailVerificationSchema, input);
  assertPersonalCaller(principal);
  const { user } = principal;
  if (isEmailProven(user)) throw new AppError('conflict', `Your address ${user.email} is proven already`);
  if (!smtp) {
    throw new AppError(
      'conflict',
      'This server cannot send mail (SMTP is not configured), and verifying your address needs a mail: ask an administrator',
    );
  }
  const secret = randomBytes(32).toString('base64url');
  const now = ctx.now.getTime();
  const row = await inTransaction(ctx, async (ctx) => {
    const last = await first(
      ctx.db
        .select({ createTime: emailVerifications.createTime })
        .from(emailVerifications)
        .where(eq(emailVerifications.userId, user.id))
        .orderBy(desc(emailVerifications.createTime))
        .limit(1),
    );
    const wait = last ? Date.parse(last.createTime) + EMAIL_VERIFICATION_INTERVAL_MS - now : 0;
    if (wait > 0) {
      throw new AppError(
        'rate_limited',
        `A verification link was mailed less than 5 minutes ago: use the link in that mail, or ask for a new one in ${minutes(wait)} minute${minutes(wait) === 1 ? '' : 's'}`,
      );
    }
    // Only the newest link works: an older, unused one is replaced.
    await ctx.db.delete(emailVerifications).where(and(eq(emailVerifications.userId, user.id), isNull(emailVerifications.usedTime)));
    return await single(
      ctx.db
        .insert(emailVerifications)
        .values({
          id: newRowId(),
          userId: user.id,
          email: user.email,
          // Only the hash is kept: the secret is in the mail and nowhere else.
          tokenHash: hashToken(secret),
          createTime: iso(ctx.now),
          expiryTime: iso(new Date(now + EMAIL_VERIFICATION_MAX_AGE_MS)),
        })
        .returning(),
    );
  });

  const link = emailVerificationLink(baseUrl, secret);
  let mail;
  try {
    mail = await mailer(smtp, {
      to: row.email,
      subject: 'Verify your address on Portcullis',
      text:
        `Someone signed in to the Portcullis account ${row.email} asked to verify that this address belongs to its owner.\n\n` +
        `If that was you: sign in to Portcullis as ${row.email}, then open this link and press "Verify" (it works once, until ${row.expiryTime}):\n${link}\n\n` +
        'If it was not you, ignore this mail: the address stays unverified. Opening the link while signed in to another account, or without signing in, changes nothing.\n',
    });
  } catch (error) {
    mail = { sent: false, error: error instanceof Error ? error.message : String(error) };
  }
  if (!mail.sent) {
    // Nothing went out: the request does not count against the limit.
    await ctx.db.delete(emailVerifications).where(eq(emailVerifications.id, row.id));
    console.error('Verification mail failed', mail.error);
    throw new AppError('internal', 'The verification mail could not be sent: try again later, or ask an administrator to check the mail settings');
  }
  await recordUserAudit(
    ctx,
    (await listMemberships(ctx, user.id)).map((m) => m.organization.id),
    {
      event: 'user.email_verification_requested',
      actorUserId: user.id,
      actorEmail: user.email,
      ip: meta.ip,
      userAgent: meta.userAgent,
      details: { user_email: row.email, expiry_time: row.expiryTime },
    },
  );
  return { email: row.email, expiryTime: row.expiryTime };
}

async function findByCode(ctx: Ctx, code: string): Promise<EmailVerification | undefined> {
  return await first(ctx.db.select().from(emailVerifications).where(eq(emailVerifications.tokenHash, hashToken(code))).limit(1));
}

/**
 * The verification a link names, if this caller may confirm it now; otherwise the refusal:
 * 404 unknown (or replaced), 403 another account's link, 410 used, expired, or sent to an address
 * the account no longer has. Reads only: the page shows it before the POST.
 */
export async function inspectEmailVerification({ ctx, principal, input }: { ctx: Ctx; principal: Principal; input: unknown }): Promise<EmailVerification> {
  const { code } = parseInput(confirmEmailVerificationSchema, input);
  assertPersonalCaller(principal);
  const row = await findByCode(ctx, code);
  if (!row) {
    throw new AppError('not_found', `This verification link is not valid: it may have been replaced by a newer one. Ask for a new link under ${PROFILE}.`);
  }
  // Checked before anything else, so a person who is not the account learns nothing more.
  if (row.userId !== principal.user.id) {
    throw new AppError(
      'forbidden',
      `This verification link belongs to another account, not to ${principal.user.email}: nothing was changed. Only the account that asked for it, signed in, can use it.`,
    );
  }
  if (row.usedTime !== null) throw new AppError('gone', 'This verification link has been used already: each link works once.');
  if (row.expiryTime <= iso(ctx.now)) {
    throw new AppError('gone', `This verification link has expired (links are valid for one hour). Ask for a new one under ${PROFILE}.`);
  }
  if (row.email !== principal.user.email) {
    throw new AppError('gone', `This link was mailed to ${row.email}, which is no longer your account's address. Ask for a new link under ${PROFILE}.`);
  }
  return row;
}

/**
 * Proves the address with the mailed secret, for the signed-in account that asked for it (see
 * THE RULE above). The link is spent; the proof is audited by markEmailProven as
 * `user.email_verified` (how `mailed_link`). Someone else's link is refused, changes nothing, and
 * is audited for the account it belongs to (`user.email_verification_refused`).
 */
export async function confirmEmailVerification({
  ctx,
  principal,
  meta,
  input,
}: Call & { input: unknown }): Promise<{ email: string; alreadyProven: boolean }> {
  try {
    return await inTransaction(ctx, async (ctx) => {
      const row = await inspectEmailVerification({ ctx, principal, input });
      // Spent at once and only if still unused: two concurrent confirmations cannot both pass.
      const spent = await ctx.db
        .update(emailVerifications)
        .set({ usedTime: iso(ctx.now) })
        .where(and(eq(emailVerifications.id, row.id), isNull(emailVerifications.usedTime)));
      if (affectedRows(spent) === 0) throw new AppError('gone', 'This verification link has been used already: each link works once.');
      const proven = await markEmailProven(ctx, { userId: row.userId, email: row.email, how: 'mailed_link', meta, details: { via: 'email_verification' } });
      return { email: row.email, alreadyProven: !proven };
    });
  } catch (error) {
    if (error instanceof AppError && error.status === 403) await auditRefusal(ctx, principal, meta, input);
    throw error;
  }
}

/** Another account's link: its owner's organizations see that someone tried it. */
async function auditRefusal(ctx: Ctx, principal: Principal, meta: RequestMeta, input: unknown): Promise<void> {
  const parsed = confirmEmailVerificationSchema.safeParse(input);
  const row = parsed.success ? await findByCode(ctx, parsed.data.code) : undefined;
  if (!row || row.userId === principal.user.id) return;
  await recordUserAudit(
    ctx,
    (await listMemberships(ctx, row.userId)).map((m) => m.organization.id),
    {
      event: 'user.email_verification_refused',
      actorUserId: principal.user.id,
      actorEmail: principal.user.email,
      ip: meta.ip,
      userAgent: meta.userAgent,
      details: { user_email: row.email, reason: 'another_account' },
    },
  );
}
