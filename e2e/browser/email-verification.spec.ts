import { expect, test } from '../support/fixtures';
import { screenshotPath, servers } from '../support/env';
import { submitPasswordSignIn } from '../support/pages';
import { seedMember, seedMemberAt, unique, userByEmail } from '../support/seed';
import { verificationLinkIn, withSmtpServer } from '../support/smtp';

// "Verify your address" in the browser, on the proxied server (it has SMTP). The API half and the
// attacks over the wire are in e2e/api/email-verification.spec.ts.

test('Profile → Authentication → Email me a verification link → the mailed link → Verify: the address is proven', async ({ page, signInPage }) => {
  const { url, database } = servers.proxied;
  const admin = await seedMember(database);
  const owner = await seedMemberAt(database, admin.organizationId, `${unique('owner')}@example.test`);

  await signInPage.goto(url);
  await signInPage.signIn(owner.email, owner.password);
  await expect(page.getByTestId('current-organization')).toContainText(admin.organizationName);
  await page.goto(`${url}/profile/authentication`);
  const section = page.getByRole('region', { name: 'Email address' });
  await expect(section.getByTestId('account-email')).toHaveText(owner.email);
  await expect(section.getByTestId('email-proven-state')).toHaveText('Not proven');

  const link = await withSmtpServer(async (received) => {
    await section.getByRole('button', { name: 'Email me a verification link' }).click();
    await expect(section.getByRole('status')).toHaveText(
      `We mailed a verification link to ${owner.email}. Open it while signed in as ${owner.email} and press Verify; it works once, within an hour.`,
    );
    await section.screenshot({ path: screenshotPath('email-verification-profile-requested') });
    await expect.poll(() => received.length).toBe(1);
    expect(received[0]!.to).toEqual([owner.email]);
    return verificationLinkIn(received[0]!);
  });

  // Opening the link shows what will happen; only the button proves.
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Verify your address' })).toBeVisible();
  const verify = page.getByRole('button', { name: `Verify ${owner.email}` });
  await expect(verify).toBeVisible();
  await page.screenshot({ path: screenshotPath('email-verification-verify-page'), fullPage: true });
  expect((await userByEmail(database, owner.email))!.emailVerifiedTime).toBeNull();

  await verify.click();
  await expect(page.getByTestId('verify-result')).toContainText(`Your address ${owner.email} is proven (since `);
  await expect(verify).toHaveCount(0);
  await page.screenshot({ path: screenshotPath('email-verification-verified'), fullPage: true });
  expect((await userByEmail(database, owner.email))!.emailVerifiedTime).not.toBeNull();

  await page.goto(`${url}/profile/authentication`);
  await expect(section.getByTestId('email-proven-state')).toHaveText('Proven');
  await expect(section).toContainText(`${owner.email} — proven since `);
  await expect(section.getByRole('button', { name: 'Email me a verification link' })).toHaveCount(0);
  await section.screenshot({ path: screenshotPath('email-verification-profile-proven') });
});

test('the squatter’s link opened in the real owner’s browser: signed out it asks to sign in, signed in as another account it refuses', async ({ browser, page, signInPage }) => {
  const { url, database } = servers.proxied;
  const admin = await seedMember(database);
  const squatted = await seedMemberAt(database, admin.organizationId, `${unique('owner')}@example.test`);
  const realOwner = await seedMember(database);

  // The squatter, in their own browser, asks for the mail; it lands in the real owner's mailbox.
  const squatter = await browser.newContext();
  const squatterPage = await squatter.newPage();
  const link = await withSmtpServer(async (received) => {
    await submitPasswordSignIn(squatterPage, squatted, url);
    await expect(squatterPage.getByTestId('current-organization')).toContainText(admin.organizationName);
    await squatterPage.goto(`${url}/profile/authentication`);
    await squatterPage.getByRole('button', { name: 'Email me a verification link' }).click();
    await expect.poll(() => received.length).toBe(1);
    return verificationLinkIn(received[0]!);
  });
  await squatter.close();

  // The real owner clicks it, signed out: sign-in, with the way back.
  await page.goto(link);
  await expect(page).toHaveURL(`${url}/signin?callbackUrl=${encodeURIComponent(new URL(link).pathname)}`);
  // They sign in with their own account, and come back to the link.
  await signInPage.signIn(realOwner.email, realOwner.password);
  await expect(page.getByRole('heading', { name: 'Verify your address' })).toBeVisible();
  await expect(page.getByRole('main').getByRole('alert')).toHaveText(
    `This verification link belongs to another account, not to ${realOwner.email}: nothing was changed. Only the account that asked for it, signed in, can use it.`,
  );
  await expect(page.getByRole('button', { name: /^Verify / })).toHaveCount(0);
  await page.screenshot({ path: screenshotPath('email-verification-another-account'), fullPage: true });
  expect((await userByEmail(database, squatted.email))!.emailVerifiedTime).toBeNull();
});

test('without SMTP (the main server) Profile → Authentication says verification needs mail', async ({ page, signInPage }) => {
  const { database } = servers.main;
  const admin = await seedMember(database);
  const member = await seedMemberAt(database, admin.organizationId, `${unique('nomail')}@example.test`);
  await signInPage.goto();
  await signInPage.signIn(member.email, member.password);
  await expect(page.getByTestId('current-organization')).toContainText(admin.organizationName);
  await page.goto('/profile/authentication');
  const section = page.getByRole('region', { name: 'Email address' });
  await expect(section.getByTestId('email-proven-state')).toHaveText('Not proven');
  await expect(section.getByTestId('verification-needs-mail')).toHaveText(
    'Verifying your address needs mail, and this server cannot send any (SMTP is not configured): ask an administrator.',
  );
  await expect(section.getByRole('button', { name: 'Email me a verification link' })).toHaveCount(0);
});
