import type { Page } from 'playwright-core';
import { account, apiGet, launch, newContext, shoot, signUp, failFast, type TestBrowser } from './lib';

// API tokens: create (secret shown once), use, list, revoke.
describe('API tokens', () => {
  let tb: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    tb = await launch();
    page = await (await newContext(tb.browser)).newPage();
  });
  afterAll(async () => tb?.close());
  failFast(() => [page]);

  test('create a token, use it, and revoke it', async () => {
    await signUp(page, account('Umbrella Corp', 'Alice Admin'));
    await page.goto('/settings/tokens');
    await page.getByRole('heading', { name: 'No API tokens' }).waitFor();
    await shoot(page, '40-tokens-empty');

    await page.getByRole('button', { name: 'Create token' }).click();
    const form = page.getByRole('dialog', { name: 'Create API token' });
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill('Website signup form');
    await form.getByRole('button', { name: 'Create token' }).click();

    const secretDialog = page.getByRole('dialog', {
      name: 'Copy your new token',
    });
    const secretInput = secretDialog.getByRole('textbox');
    await secretInput.waitFor();
    const token = await secretInput.inputValue();
    expect(token.length).toBeGreaterThan(20);
    await shoot(page, '41-token-secret');
    await secretDialog.getByRole('button', { name: 'I have copied it' }).click();
    await secretDialog.waitFor({ state: 'hidden' });

    // Listed without its secret.
    const row = page.getByTestId('token-row').filter({ hasText: 'Website signup form' });
    await row.waitFor();
    expect(await page.getByText(token).count()).toBe(0);
    await shoot(page, '42-tokens-list');

    // The token works against the API…
    const ok = await apiGet('/api/contacts/', {
      Authorization: `Bearer ${token}`,
    });
    expect(ok.status).toBe(200);

    // …until it is revoked.
    await row.getByRole('button', { name: 'Revoke token Website signup form' }).click();
    await page
      .getByRole('dialog', { name: /Revoke/ })
      .getByRole('button', { name: 'Revoke token' })
      .click();
    await page.getByRole('heading', { name: 'No API tokens' }).waitFor();
    const denied = await apiGet('/api/contacts/', {
      Authorization: `Bearer ${token}`,
    });
    expect(denied.status).toBe(401);
  });
});
