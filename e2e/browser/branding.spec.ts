import { expect, test } from '../support/fixtures';

test('the favicon and the logo come from public/: the header shows the logo, the page names the icons', async ({ page, member, signInPage, shell, request }) => {
  const ico = await request.get('/favicon.ico');
  expect(ico.status()).toBe(200);
  expect(ico.headers()['content-type']).toMatch(/^image\/(x-icon|vnd\.microsoft\.icon)/);
  // An ICO file: reserved 0, type 1 (icon), three images.
  expect([...(await ico.body()).subarray(0, 6)]).toEqual([0, 0, 1, 0, 3, 0]);
  const svg = await request.get('/logo.svg');
  expect(svg.status()).toBe(200);
  expect(svg.headers()['content-type']).toMatch(/^image\/svg\+xml/);
  expect(await svg.text()).toContain('<title>Portcullis</title>');

  await signInPage.goto();
  await expect(page.locator('link[rel="icon"][href^="/favicon.ico"]')).toHaveCount(1);
  await expect(page.locator('link[rel="icon"][href^="/logo.svg"][type="image/svg+xml"]')).toHaveCount(1);
  await signInPage.signIn(member.email, member.password);
  await shell.expectSignedIn(member.organizationName);
  const logo = page.locator('header').getByTestId('logo');
  await expect(logo).toBeVisible();
  await expect(logo).toHaveAttribute('src', '/logo.svg');
  // Loaded, not a broken image: wait for the load to finish, then look at what arrived.
  await expect.poll(() => logo.evaluate((img: HTMLImageElement) => img.complete)).toBe(true);
  expect(await logo.evaluate((img: HTMLImageElement) => img.naturalWidth > 0)).toBe(true);
});
