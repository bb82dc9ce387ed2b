import { createHash, randomInt } from 'node:crypto';
import type { APIRequestContext } from '@playwright/test';
import { auth, expect, login, test } from '../support/fixtures';
import { servers } from '../support/env';
import {
  auditOf,
  expirePasswordResets,
  passwordHashOf,
  passwordResetsOf,
  seedColleague,
  seedMember,
  seedPersonalToken,
  seedSsoOnlyMember,
  seedTotp,
  setEmailUnproven,
  setPolicy,
  tokensOf,
  userByEmail,
  unique,
} from '../support/seed';
import { passwordResetLinkIn, withSmtpServer, type ReceivedMail } from '../support/smtp';

// Password change (PUT /v1/me/password, as avn user password-change sends it) on the main server,
// and password reset by mail (POST /v1/user/password_reset_request, POST
// /v1/user/password_reset/{verification_code}) on the proxied server, which mails through the
// SMTP server that withSmtpServer runs and trusts X-Forwarded-For from 127.0.0.1: each reset test
// comes from its own client address, so the per-address limits of one test never meet another's.

const main = servers.main;
const proxied = servers.proxied;
const NEW = 'correct horse battery staple';
const json = (token: string) => ({ ...auth(token), 'content-type': 'application/json' });
const changePassword = (request: APIRequestContext, token: string, body: unknown) =>
  request.put(`${main.url}/v1/me/password`, { headers: json(token), data: body as Record<string, unknown> });
const me = (request: APIRequestContext, token: string, url = main.url) => request.get(`${url}/v1/me`, { headers: auth(token) });
const userauth = (request: APIRequestContext, email: string, password: string, url = main.url, headers: Record<string, string> = {}) =>
  request.post(`${url}/v1/userauth`, { data: { email, password }, headers });

/** A client address of its own for a test on the proxied server (TRUSTED_PROXIES=127.0.0.1/32). */
const clientAddress = () => ({ 'x-forwarded-for': `198.18.${randomInt(256)}.${randomInt(1, 255)}` });
const askReset = (request: APIRequestContext, email: string, from: Record<string, string>) =>
  request.post(`${proxied.url}/v1/user/password_reset_request`, { data: { email }, headers: from });
const useReset = (request: APIRequestContext, code: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  request.post(`${proxied.url}/v1/user/password_reset/${code}`, { data: body, headers });
const codeOf = (link: string) => link.split('/reset-password/')[1]!;

/** The mails to `to` that arrived, waiting until there are `count` of them. */
async function mailsTo(received: ReceivedMail[], to: string, count = 1): Promise<ReceivedMail[]> {
  await expect.poll(() => received.filter((m) => m.to.includes(to)).length, { timeout: 15_000 }).toBe(count);
  return received.filter((m) => m.to.includes(to));
}

const RESET_ANSWER = { message: 'If an account uses that address, we mailed it a link to reset the password. The link works once, within an hour.' };
const ASK_AGAIN = 'Ask for a new link under "Forgot password?" on the sign-in page.';

test.describe('PUT /v1/me/password', () => {
  test('exactly what avn user password-change sends: 200 with a message; other sessions end, this one and personal tokens stay', async ({ request, member }) => {
    const token = await login(request, member.email, member.password);
    const otherSession = await login(request, member.email, member.password);
    const personal = await seedPersonalToken(main.database, member.userId);

    const response = await changePassword(request, token, { password: member.password, new_password: NEW });
    expect(response.status(), await response.text()).toBe(200);
    expect(await response.json()).toEqual({ message: 'Password changed: 1 other session signed out' });

    expect((await me(request, token)).status()).toBe(200);
    expect((await me(request, otherSession)).status()).toBe(401);
    expect((await me(request, personal)).status()).toBe(200);
    expect((await userauth(request, member.email, member.password)).status()).toBe(401);
    expect((await userauth(request, member.email, NEW)).status()).toBe(200);
    expect((await auditOf(main.database, { event: 'user.password_changed', actorEmail: member.email }))[0]).toMatchObject({
      organizationId: member.organizationId,
      details: { first_password: false, sessions_ended: 1, personal_tokens_revoked: 0 },
    });
  });

  test('"revoke_tokens": true revokes the personal tokens too', async ({ request, member }) => {
    const token = await login(request, member.email, member.password);
    const personal = await seedPersonalToken(main.database, member.userId);
    const response = await changePassword(request, token, { password: member.password, new_password: NEW, revoke_tokens: true });
    expect(await response.json()).toEqual({ message: 'Password changed: 0 other sessions signed out and 1 personal token revoked' });
    expect((await me(request, personal)).status()).toBe(401);
    expect((await me(request, token)).status()).toBe(200);
  });

  test('a wrong current password is 403 with the error body and counts toward the sign-in limit of the account', async ({ request, member }) => {
    const token = await login(request, member.email, member.password);
    const before = await passwordHashOf(main.database, member.userId);
    for (let i = 0; i < 5; i++) {
      const wrong = await changePassword(request, token, { password: `not it ${i}`, new_password: NEW });
      expect(wrong.status()).toBe(403);
      expect(await wrong.json()).toEqual({
        message: 'Wrong current password',
        errors: [{ error_code: 'forbidden', message: 'password: Wrong current password', status: 403 }],
      });
    }
    // Five wrong guesses here lock password sign-in of the account, as five at the sign-in would.
    const locked = await userauth(request, member.email, member.password);
    expect(locked.status()).toBe(429);
    expect((await locked.json()).message).toMatch(/^Too many failed sign-in attempts for this account\. Try again in 1[45] minutes\.$/);
    const lockedHere = await changePassword(request, token, { password: member.password, new_password: NEW });
    expect(lockedHere.status()).toBe(429);
    expect(await passwordHashOf(main.database, member.userId)).toBe(before);
    expect((await userauth(request, member.email, NEW)).status()).toBe(429);
    expect(await auditOf(main.database, { event: 'user.password_change_failed', actorEmail: member.email })).toHaveLength(5);
  });

  test('bad input is 400 with the error body; the current password again is refused', async ({ request, member }) => {
    const token = await login(request, member.email, member.password);
    const cases: [unknown, string, string[]][] = [
      [{ password: member.password, new_password: 'short' }, 'new_password: Use at least 12 characters', ['new_password: Use at least 12 characters']],
      [{ password: member.password }, 'new_password: Enter a password', ['new_password: Enter a password']],
      [{ password: member.password, new_password: member.password }, 'Choose a new password: this is your current one', ['new_password: Choose a new password: this is your current one']],
      [{ new_password: NEW }, 'Enter your current password', ['password: Enter your current password']],
      [{ password: member.password, new_password: NEW, user: 'someone@else.test' }, 'Unrecognized key: "user"', ['Unrecognized key: "user"']],
    ];
    for (const [body, message, details] of cases) {
      const response = await changePassword(request, token, body);
      expect(response.status(), JSON.stringify(body)).toBe(400);
      expect(await response.json()).toEqual({ message, errors: details.map((m) => ({ error_code: 'bad_request', message: m, status: 400 })) });
    }
    const notJson = await request.put(`${main.url}/v1/me/password`, { headers: json(token), data: Buffer.from('{"password":') });
    expect(notJson.status()).toBe(400);
    expect((await notJson.json()).message).toBe('Request body is not valid JSON');
    const get = await request.get(`${main.url}/v1/me/password`, { headers: auth(token) });
    expect(get.status()).toBe(405);
    expect((await userauth(request, member.email, member.password)).status()).toBe(200);
  });

  test('a leaked personal token, scoped or not, cannot change the password even with the right current one', async ({ request, member }) => {
    const session = await login(request, member.email, member.password);
    const personal = await seedPersonalToken(main.database, member.userId);
    const created = await request.post(`${main.url}/v1/access_token`, { headers: json(session), data: { description: 'user only', scopes: ['user'] } });
    const scoped = (await created.json()).full_token as string;
    const before = await passwordHashOf(main.database, member.userId);
    for (const token of [personal, scoped]) {
      const refused = await changePassword(request, token, { password: member.password, new_password: NEW, revoke_tokens: true });
      expect(refused.status()).toBe(403);
      expect(await refused.json()).toEqual({
        message: 'Changing your password needs a login session (sign in to the console, or avn user login): a personal or application token cannot change it',
        errors: [{ error_code: 'forbidden', message: expect.any(String), status: 403 }],
      });
    }
    expect(await passwordHashOf(main.database, member.userId)).toBe(before);
    expect((await me(request, session)).status()).toBe(200);
    expect((await me(request, personal)).status()).toBe(200);
    // A token scoped away from `user` does not even reach the check.
    const projects = await request.post(`${main.url}/v1/access_token`, { headers: json(session), data: { description: 'projects', scopes: ['projects'] } });
    const projectsToken = (await projects.json()).full_token as string;
    const scopedAway = await changePassword(request, projectsToken, { password: member.password, new_password: NEW });
    expect(scopedAway.status()).toBe(403);
    expect((await scopedAway.json()).message).toBe("This token's scopes (projects) do not allow write access to user");
  });

  test('a user without a password sets one from a fresh sign-in, only where passwords are allowed; an old session must sign in again', async ({ request, member }) => {
    const fresh = await seedSsoOnlyMember(main.database, member.organizationId);
    const set = await changePassword(request, fresh.sessionToken, { password: '', new_password: NEW });
    expect(set.status(), await set.text()).toBe(200);
    expect(await set.json()).toEqual({ message: 'Password set: 0 other sessions signed out' });
    expect((await userauth(request, fresh.email, NEW)).status()).toBe(200);

    const stale = await seedSsoOnlyMember(main.database, member.organizationId, { ageMs: 11 * 60_000 });
    const refused = await changePassword(request, stale.sessionToken, { new_password: NEW });
    expect(refused.status()).toBe(403);
    expect((await refused.json()).message).toMatch(/^To set a password, sign in again first: the sign-in must be less than 10 minutes old, and this session began at /);

    const other = await seedMember(main.database);
    await setPolicy(main.database, other.organizationId, { passwordAuthEnabled: false });
    const forbidden = await seedSsoOnlyMember(main.database, other.organizationId);
    const notAllowed = await changePassword(request, forbidden.sessionToken, { new_password: NEW });
    expect(notAllowed.status()).toBe(403);
    expect((await notAllowed.json()).message).toMatch(new RegExp(`^Organization "${other.organizationName}" does not allow sign-in with a password, so you cannot set one\\.`));
    expect(await passwordHashOf(main.database, stale.userId)).toBeUndefined();
    expect(await passwordHashOf(main.database, forbidden.userId)).toBeUndefined();
  });
});

test.describe('password reset over the API', () => {
  test('the same answer for an existing and an unknown address; one mail; the code sets the password, proves nothing more, ends every session, keeps tokens', async ({ request }) => {
    const member = await seedMember(proxied.database);
    const from = clientAddress();
    const session = await login(request, member.email, member.password, proxied.url);
    const personal = await seedPersonalToken(proxied.database, member.userId);
    const unknown = `${unique('nobody')}@example.test`;

    const code = await withSmtpServer(async (received) => {
      const forUnknown = await askReset(request, unknown, from);
      const forMember = await askReset(request, member.email.toUpperCase(), from);
      expect([forUnknown.status(), forMember.status()]).toEqual([200, 200]);
      expect(await forUnknown.text()).toBe(await forMember.text());
      expect(await forMember.json()).toEqual(RESET_ANSWER);
      const [mail] = await mailsTo(received, member.email);
      expect(mail!.data).toContain('Subject: Reset your Portcullis password');
      expect(received.filter((m) => m.to.includes(unknown))).toEqual([]);
      return codeOf(passwordResetLinkIn(mail!));
    });
    expect(await passwordResetsOf(proxied.database, member.userId)).toEqual([
      expect.objectContaining({ tokenHash: createHash('sha256').update(code).digest('hex'), requestedBy: 'user', usedTime: null }),
    ]);

    const done = await useReset(request, code, { new_password: NEW }, from);
    expect(done.status(), await done.text()).toBe(200);
    expect(await done.json()).toEqual({ message: `The password of ${member.email} is reset: sign in with the new password` });
    expect((await me(request, session, proxied.url)).status()).toBe(401);
    expect((await me(request, personal, proxied.url)).status()).toBe(200);
    expect((await tokensOf(proxied.database, member.userId)).map((t) => t.kind)).toEqual(['personal']);
    expect((await userauth(request, member.email, member.password, proxied.url, from)).status()).toBe(401);
    expect((await userauth(request, member.email, NEW, proxied.url, from)).status()).toBe(200);
    expect((await auditOf(proxied.database, { event: 'user.password_reset', actorEmail: member.email }))[0]).toMatchObject({
      organizationId: member.organizationId,
      details: { requested_by: 'user', sessions_ended: 1, personal_tokens_revoked: 0 },
    });

    const again = await useReset(request, code, { new_password: 'yet another password' }, from);
    expect(again.status()).toBe(410);
    expect(await again.json()).toEqual({
      message: `This password reset link has been used already: each link works once. ${ASK_AGAIN}`,
      errors: [{ error_code: 'gone', message: `This password reset link has been used already: each link works once. ${ASK_AGAIN}`, status: 410 }],
    });
  });

  test('an unproven address is proven by the reset, and the personal tokens whoever made the account left end with it', async ({ request }) => {
    const admin = await seedMember(proxied.database);
    const from = clientAddress();
    const member = await seedColleague(proxied.database, admin.organizationId);
    // As a copied invitation link leaves it: nobody proved the address.
    await setEmailUnproven(proxied.database, member.userId);
    const personal = await seedPersonalToken(proxied.database, member.userId);
    const code = await withSmtpServer(async (received) => {
      expect((await askReset(request, member.email, from)).status()).toBe(200);
      return codeOf(passwordResetLinkIn((await mailsTo(received, member.email))[0]!));
    });
    expect((await useReset(request, code, { new_password: NEW }, from)).status()).toBe(200);
    expect((await userByEmail(proxied.database, member.email))!.emailVerifiedTime).not.toBeNull();
    expect((await me(request, personal, proxied.url)).status()).toBe(401);
    expect((await auditOf(proxied.database, { event: 'user.email_verified', actorEmail: member.email }))[0]).toMatchObject({
      details: { how: 'mailed_link', via: 'password_reset' },
    });
  });

  test('a reset never bypasses 2FA: the next password sign-in still asks for the code (510)', async ({ request }) => {
    const member = await seedMember(proxied.database);
    const from = clientAddress();
    await seedTotp(proxied.database, member.userId);
    const code = await withSmtpServer(async (received) => {
      await askReset(request, member.email, from);
      return codeOf(passwordResetLinkIn((await mailsTo(received, member.email))[0]!));
    });
    expect((await useReset(request, code, { new_password: NEW }, from)).status()).toBe(200);
    const signIn = await userauth(request, member.email, NEW, proxied.url, from);
    expect(signIn.status()).toBe(510);
    expect(await signIn.json()).toMatchObject({ errors: [{ error_code: 'otp_required', status: 510 }] });
  });

  test("another account's code acts only on its own account: a caller's token or an extra field cannot aim it elsewhere", async ({ request }) => {
    const victim = await seedMember(proxied.database);
    const attacker = await seedMember(proxied.database);
    const from = clientAddress();
    const attackerToken = await login(request, attacker.email, attacker.password, proxied.url);
    const code = await withSmtpServer(async (received) => {
      await askReset(request, victim.email, from);
      return codeOf(passwordResetLinkIn((await mailsTo(received, victim.email))[0]!));
    });
    const attackerHash = await passwordHashOf(proxied.database, attacker.userId);

    for (const extra of [{ email: attacker.email }, { user_id: attacker.userId }]) {
      const refused = await useReset(request, code, { new_password: NEW, ...extra }, { ...from, ...auth(attackerToken) });
      expect(refused.status()).toBe(400);
      expect((await refused.json()).message).toBe(`Unrecognized key: "${Object.keys(extra)[0]}"`);
    }
    // With the attacker's token in the header, the code still resets the victim's account only.
    const used = await useReset(request, code, { new_password: NEW }, { ...from, ...auth(attackerToken) });
    expect(await used.json()).toEqual({ message: `The password of ${victim.email} is reset: sign in with the new password` });
    expect(await passwordHashOf(proxied.database, attacker.userId)).toBe(attackerHash);
    expect((await me(request, attackerToken, proxied.url)).status()).toBe(200);
  });

  test('unknown 404, expired 410, weak password 400; the link of an old address 410', async ({ request }) => {
    const member = await seedMember(proxied.database);
    const from = clientAddress();
    const unknown = await useReset(request, 'A'.repeat(43), { new_password: NEW }, from);
    expect(unknown.status()).toBe(404);
    expect((await unknown.json()).message).toBe(`This password reset link is not valid: it may have been replaced by a newer one. ${ASK_AGAIN}`);

    const code = await withSmtpServer(async (received) => {
      await askReset(request, member.email, from);
      return codeOf(passwordResetLinkIn((await mailsTo(received, member.email))[0]!));
    });
    const weak = await useReset(request, code, { new_password: 'short' }, from);
    expect(weak.status()).toBe(400);
    expect(await weak.json()).toEqual({
      message: 'new_password: Use at least 12 characters',
      errors: [{ error_code: 'bad_request', message: 'new_password: Use at least 12 characters', status: 400 }],
    });
    expect((await useReset(request, code, {}, from)).status()).toBe(400);

    await expirePasswordResets(proxied.database, member.userId);
    const expired = await useReset(request, code, { new_password: NEW }, from);
    expect(expired.status()).toBe(410);
    expect((await expired.json()).message).toBe(`This password reset link has expired (links are valid for one hour). ${ASK_AGAIN}`);
    expect((await userauth(request, member.email, member.password, proxied.url, from)).status()).toBe(200);
    expect((await request.get(`${proxied.url}/v1/user/password_reset/${code}`)).status()).toBe(405);
  });

  test('limited per address (the same 429 whether it has an account) and per client address', async ({ request }) => {
    const member = await seedMember(proxied.database);
    const unknown = `${unique('nobody')}@example.test`;
    const answers: string[] = [];
    await withSmtpServer(async (received) => {
      for (const email of [member.email, unknown]) {
        for (let i = 0; i < 3; i++) expect((await askReset(request, email, clientAddress())).status()).toBe(200);
        const limited = await askReset(request, email, clientAddress());
        expect(limited.status()).toBe(429);
        answers.push(await limited.text());
      }
      // Three mails, none for the fourth request.
      await mailsTo(received, member.email, 3);
    });
    expect(answers[0]).toBe(answers[1]);
    expect(JSON.parse(answers[0]!).message).toMatch(/^Too many password reset requests for this address\. Try again in (59|60) minutes\.$/);

    const from = clientAddress();
    for (let i = 0; i < 10; i++) expect((await askReset(request, `${unique('spray')}@example.test`, from)).status()).toBe(200);
    const sprayed = await askReset(request, `${unique('spray')}@example.test`, from);
    expect(sprayed.status()).toBe(429);
    expect((await sprayed.json()).message).toMatch(/^Too many password reset requests from your address\. Try again in (59|60) minutes\.$/);
  });

  test('bad input is 400; without SMTP (the main server) asking is 409 with the reason', async ({ request }) => {
    const bad = await askReset(request, 'not-an-address', clientAddress());
    expect(bad.status()).toBe(400);
    expect(await bad.json()).toEqual({ message: 'email: Enter a valid email address', errors: [{ error_code: 'bad_request', message: 'email: Enter a valid email address', status: 400 }] });
    const member = await seedMember(main.database);
    const noMail = await request.post(`${main.url}/v1/user/password_reset_request`, { data: { email: member.email } });
    expect(noMail.status()).toBe(409);
    expect((await noMail.json()).message).toBe(
      'Password reset needs mail, and this server cannot send any (SMTP is not configured): ask an administrator to reset your password.',
    );
    expect(await passwordResetsOf(main.database, member.userId)).toEqual([]);
  });
});
