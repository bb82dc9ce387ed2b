import { expect, test } from '../support/fixtures';
import { servers } from '../support/env';
import { auditOf, setAllowlist, tokensOf } from '../support/seed';

test('a page is refused from outside the organization allowlist, forged X-Forwarded-For or not', async ({ page, member, signInAs, shell }) => {
  await signInAs(member);

  // The browser connects from 127.0.0.1; the organization now allows only 10.0.0.0/8.
  await setAllowlist(servers.main.database, member.organizationId, ['10.0.0.0/8']);
  const refused = await page.reload();
  expect(refused?.status()).toBe(403);
  await expect(page.getByRole('heading', { name: 'Access refused' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveText(
    `IP address 127.0.0.1 is not in the IP allowlist of organization "${member.organizationName}"`,
  );

  await page.context().setExtraHTTPHeaders({ 'X-Forwarded-For': '10.1.2.3', 'X-Real-IP': '10.1.2.3', 'X-Portcullis-Client-IP': '10.1.2.3' });
  const forged = await page.reload();
  expect(forged?.status()).toBe(403);
  await expect(page.getByRole('alert')).toContainText('IP address 127.0.0.1 is not in the IP allowlist');

  // Back inside the allowlist, the same session works again.
  await setAllowlist(servers.main.database, member.organizationId, ['10.0.0.0/8', '127.0.0.1/32']);
  await page.context().setExtraHTTPHeaders({});
  const allowed = await page.reload();
  expect(allowed?.status()).toBe(200);
  await shell.expectSignedIn(member.organizationName);
});

test('sign-in from outside every allowlist of the member is refused with the reason', async ({ member, signInPage }) => {
  await setAllowlist(servers.main.database, member.organizationId, ['192.0.2.0/24']);
  await signInPage.goto();
  await signInPage.signIn(member.email, member.password);
  await expect(signInPage.error()).toHaveText("IP address 127.0.0.1 is not in your organization's IP allowlist");
});

// The "Access refused" page offers sign-out, and it works although the allowlist refuses every
// other request of this session. Before, the sign-out action was refused like the rest.
test('sign-out works from outside the allowlist: the session is revoked', async ({ page, member, signInAs }) => {
  await signInAs(member);
  expect(await tokensOf(servers.main.database, member.userId)).toHaveLength(1);

  await setAllowlist(servers.main.database, member.organizationId, ['10.0.0.0/8']);
  try {
    expect((await page.reload())?.status()).toBe(403);
    await expect(page.getByRole('heading', { name: 'Access refused' })).toBeVisible();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/signin$/);
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    expect(await tokensOf(servers.main.database, member.userId)).toEqual([]);
    expect(await auditOf(servers.main.database, { event: 'auth.sign_out', actorEmail: member.email })).toHaveLength(1);
    expect((await page.context().cookies()).filter((c) => c.name.endsWith('next-auth.session-token'))).toEqual([]);
  } finally {
    await setAllowlist(servers.main.database, member.organizationId, []);
  }
});
