import { expect, type Page } from '@playwright/test';

export class SignInPage {
  constructor(private readonly page: Page) {}

  readonly email = () => this.page.getByLabel('Email');
  readonly password = () => this.page.getByLabel('Password');
  readonly submit = () => this.page.getByRole('button', { name: 'Sign in' });
  readonly error = () => this.page.locator('form').getByRole('alert');

  async goto(baseURL?: string) {
    await this.page.goto(`${baseURL ?? ''}/signin`);
    await expect(this.page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  }

  async signIn(email: string, password: string) {
    await this.email().fill(email);
    await this.password().fill(password);
    await this.submit().click();
  }
}

export class ConsoleShell {
  constructor(private readonly page: Page) {}

  readonly currentOrganization = () => this.page.getByTestId('current-organization');
  readonly profileButton = () => this.page.getByRole('button', { name: /@/ });
  readonly nav = () => this.page.getByRole('navigation', { name: 'Main' });

  async expectSignedIn(organizationName: string) {
    await expect(this.currentOrganization()).toContainText(organizationName);
  }

  /** Follows `link` in the main navigation and waits for the page's heading of the same name. */
  async open(link: string) {
    await this.nav().getByRole('link', { name: link, exact: true }).click();
    await expect(this.page.getByRole('heading', { name: link, exact: true })).toBeVisible();
  }

  async signOut() {
    await this.profileButton().click();
    await this.page.getByRole('menuitem', { name: 'Sign out' }).click();
  }
}

/**
 * Opens /signin of `baseURL` (default: the page's own server) and signs in with a password;
 * the caller checks where that leads.
 */
export async function submitPasswordSignIn(page: Page, person: { email: string; password: string }, baseURL = '') {
  await page.goto(`${baseURL}/signin`);
  await new SignInPage(page).signIn(person.email, person.password);
}
