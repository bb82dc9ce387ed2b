import { expect, type Browser, type Page } from '@playwright/test';
import { servers } from './env';
import { ConsoleShell, submitPasswordSignIn } from './pages';

/** Admin → Users: the members table, its switches, buttons and confirm dialog. */
export class UsersPage {
  constructor(private readonly page: Page) {}

  readonly heading = () => this.page.getByRole('heading', { name: 'Users', exact: true });
  readonly row = (email: string) => this.page.getByTestId(`member-row-${email}`);
  readonly superAdminSwitch = (email: string) => this.page.getByRole('switch', { name: `Super admin: ${email}` });
  readonly dialog = () => this.page.getByRole('dialog');
  readonly error = () => this.page.getByRole('main').getByRole('alert');
  readonly notice = () => this.page.getByRole('main').getByRole('status');

  async goto() {
    await this.page.goto('/admin/users');
    await expect(this.heading()).toBeVisible();
  }

  /** Clicks a row's button (Deactivate, Reactivate, Remove) and confirms in the dialog. */
  async confirmRowAction(email: string, action: 'Deactivate' | 'Reactivate' | 'Remove') {
    await this.row(email).getByRole('button', { name: action }).click();
    await expect(this.dialog()).toBeVisible();
    await this.dialog().getByRole('button', { name: action }).click();
    await expect(this.dialog()).toBeHidden();
  }
}

/** Admin → Audit log: the filter form and the events table. */
export class AuditLogPage {
  constructor(private readonly page: Page) {}

  readonly heading = () => this.page.getByRole('heading', { name: 'Audit log', exact: true });
  readonly form = () => this.page.getByRole('form', { name: 'Filter audit log' });
  readonly rows = () => this.page.getByTestId('audit-row');
  readonly count = () => this.page.getByRole('heading', { name: /^Events/ });
  readonly pages = () => this.page.getByRole('navigation', { name: 'Pages' });

  async goto() {
    await this.page.goto('/admin/audit-log');
    await expect(this.heading()).toBeVisible();
  }

  async filter({ person, event, from, to }: { person?: string; event?: string; from?: string; to?: string }) {
    const form = this.form();
    if (person !== undefined) await form.getByLabel('Person').fill(person);
    if (event !== undefined) await form.getByLabel('Event').selectOption(event);
    if (from !== undefined) await form.getByLabel('From (UTC)').fill(from);
    if (to !== undefined) await form.getByLabel('To (UTC)').fill(to);
    await form.getByRole('button', { name: 'Filter' }).click();
  }
}

/** A second person's browser, signed in with a password on the main server. */
export async function signInElsewhere(browser: Browser, email: string, password: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: servers.main.url });
  const page = await context.newPage();
  await submitPasswordSignIn(page, { email, password });
  await expect(page.getByTestId('current-organization')).toBeVisible();
  return page;
}

/** What a member who is not a super admin gets of an admin page: no link in the navigation, and 403 at its address. */
export async function expectAdminPageRefused(page: Page, { link, path }: { link: string; path: string }) {
  await expect(new ConsoleShell(page).nav().getByRole('link', { name: link })).toHaveCount(0);
  const response = await page.goto(path);
  expect(response?.status()).toBe(403);
}
