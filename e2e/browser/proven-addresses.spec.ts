import type { Browser } from '@playwright/test';
import { auth, expect, login, test } from '../support/fixtures';
import { servers } from '../support/env';
import { continueWith, signInError, StandInProvider } from '../support/oauth';
import { submitPasswordSignIn } from '../support/pages';
import { auditOf, identitiesOf, seedMember, tokensOf, unique, userByEmail } from '../support/seed';
import { invitationLinkIn, withSmtpServer } from '../support/smtp';

// Pre-account hijacking through invitations and third-party sign-in, as the attacker and the
// victim would go about it in their browsers. The SAML and API halves are in
// e2e/api/proven-addresses.spec.ts.

/** Opens an invitation link in a fresh browser and signs up with this password. */
async function signUpThrough(browser: Browser, link: string, password: string, organizationName: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(link);
  const form = page.getByRole('form', { name: 'Create your account' });
  await form.getByLabel('Choose a password').fill(password);
  await form.getByRole('button', { name: 'Create account and join' }).click();
  await expect(page.getByTestId('current-organization')).toContainText(organizationName);
  await context.close();
}

test('an admin who signs up with the copied invitation link does not get the real owner’s later Google sign-in', async ({ browser, page, request, member: attacker }) => {
  const db = servers.main.database;
  const victim = `${unique('victim')}@example.test`;
  // No SMTP on the main server: the inviting admin is handed the link...
  const adminToken = await login(request, attacker.email, attacker.password);
  const invited = await (await request.post(`/v1/organization/${attacker.organizationId}/invitation`, { headers: auth(adminToken), data: { user_email: victim } })).json();
  expect(invited.mail_sent).toBe(false);
  // ...and finishes the sign-up with a password of their choosing.
  await signUpThrough(browser, invited.invite_link, 'the attacker chose this one', attacker.organizationName);
  const squatted = (await userByEmail(db, victim))!;
  expect(squatted.emailVerifiedTime).toBeNull();

  // Later the real owner signs in with Google, which has verified the address.
  await continueWith(page, 'google');
  await new StandInProvider(page).signInAs(victim, { verified: true });
  await expect(signInError(page)).toHaveText(
    `The Portcullis account for ${victim} has not proven that it owns the address, so it is not linked to your Google account automatically. Sign in another way, then link Google under Profile → Authentication.`,
  );
  await expect(page.getByTestId('current-organization')).toHaveCount(0);
  // No link was made, and no Google session: the attacker's password account stays apart.
  expect(await identitiesOf(db, squatted.id)).toEqual([]);
  expect((await tokensOf(db, squatted.id)).filter((t) => t.authMethod === 'google')).toEqual([]);
  expect((await auditOf(db, { event: 'auth.sign_in_failed', actorEmail: victim }))[0]!.details).toMatchObject({ method: 'google', reason: 'email_not_proven' });
});

test('with SMTP the invitation is mailed: no link for the admin (API or console), and signing up through the mail proves the address', async ({ browser, page, request }) => {
  const { url, database } = servers.proxied;
  // An organization of its own on the SMTP server (the environment's one gets a test allowlist).
  const inviter = await seedMember(database);
  const token = await login(request, inviter.email, inviter.password, url);
  const newcomer = `${unique('mailed')}@example.test`;
  const colleague = `${unique('colleague')}@example.test`;

  await withSmtpServer(async (received) => {
    const response = await request.post(`${url}/v1/organization/${inviter.organizationId}/invitation`, { headers: auth(token), data: { user_email: newcomer } });
    expect(response.status()).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ user_email: newcomer, mail_sent: true });
    expect(body).not.toHaveProperty('invite_link');
    expect(received.map((m) => m.to)).toEqual([[newcomer]]);
    const link = invitationLinkIn(received[0]!);
    expect(JSON.stringify(body)).not.toContain(link.split('/invite/')[1]);

    // The owner of the address follows the mailed link and signs up: their address is proven.
    await signUpThrough(browser, link, 'a long and private passphrase', inviter.organizationName);
    const user = (await userByEmail(database, newcomer))!;
    expect(user.emailVerifiedTime).not.toBeNull();
    expect((await auditOf(database, { event: 'user.email_verified', actorEmail: newcomer }))[0]).toMatchObject({
      organizationId: inviter.organizationId,
      details: { how: 'mailed_link' },
    });

    // The console says the invitation was mailed and shows no link.
    await submitPasswordSignIn(page, inviter, url);
    await expect(page.getByTestId('current-organization')).toContainText(inviter.organizationName);
    await page.goto(`${url}/admin/users`);
    const invite = page.getByRole('form', { name: 'Invite a member' });
    await invite.getByLabel('Email address').fill(colleague);
    await invite.getByRole('button', { name: 'Invite' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'created and mailed' })).toContainText(`Invitation for ${colleague} created and mailed to ${colleague}.`);
    await expect(page.getByRole('button', { name: 'Copy link' })).toHaveCount(0);
    await expect(page.getByTestId('invite-link')).toHaveCount(0);
    await expect.poll(() => received.length).toBe(2);
    expect(received[1]!.to).toEqual([colleague]);
  });
});
