import { expect, type Page } from '@playwright/test';

export type Provider = 'google' | 'microsoft' | 'github';
export const providerLabels: Record<Provider, string> = { google: 'Google', microsoft: 'Microsoft', github: 'GitHub' };

/** The sign-in page of a stand-in provider (e2e/support/oauth-peers.ts), where the test picks the account. */
export class StandInProvider {
  constructor(private readonly page: Page) {}

  async signInAs(email: string, { verified = true, login }: { verified?: boolean; login?: string } = {}) {
    await expect(this.page.getByRole('heading', { name: /test stand-in/ })).toBeVisible();
    await this.page.getByLabel('Email', { exact: true }).fill(email);
    if (await this.page.getByLabel('Username').count()) await this.page.getByLabel('Username').fill(login ?? email.split('@')[0]!);
    await this.page.getByLabel('Email address verified').setChecked(verified);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
  }

  async deny() {
    await expect(this.page.getByRole('heading', { name: /test stand-in/ })).toBeVisible();
    await this.page.getByRole('button', { name: 'Deny access' }).click();
  }
}

/** From our sign-in page to the provider's: the "Continue with …" button. */
export async function continueWith(page: Page, provider: Provider) {
  await page.goto('/signin');
  await page.getByRole('button', { name: `Continue with ${providerLabels[provider]}` }).click();
  await expect(page.getByRole('heading', { name: /test stand-in/ })).toBeVisible();
}

/** The sign-in page's error message (Next's route announcer is an alert too). */
export const signInError = (page: Page) => page.locator('form').getByRole('alert');
