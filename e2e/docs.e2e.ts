import type { Page } from 'playwright-core';
import { failFast, launch, newContext, shoot, type TestBrowser } from './lib';

// The API reference renders from the binary alone (no CDN).
describe('API docs', () => {
  let tb: TestBrowser;
  let page: Page;
  const external: string[] = [];

  beforeAll(async () => {
    tb = await launch();
    page = await (await newContext(tb.browser)).newPage();
    page.on('request', (r) => {
      if (!r.url().startsWith(process.env.E2E_BASE_URL ?? 'http://127.0.0.1')) external.push(r.url());
    });
  });
  afterAll(async () => tb?.close());
  failFast(() => [page]);

  test('/api/docs lists the operations with their schemas', async () => {
    await page.goto('/api/docs');
    const op = page.locator('section#listContacts');
    await op.waitFor();
    expect(await op.innerText()).toContain('/api/contacts');
    await page.locator('section#login').getByText('email', { exact: false }).first().waitFor();
    await page.getByRole('searchbox', { name: 'Filter operations' }).fill('invite');
    await expect.poll(() => page.locator('section#listContacts').isHidden()).toBe(true);
    await page.getByRole('searchbox', { name: 'Filter operations' }).fill('');
    await shoot(page, '97-api-docs');
    expect(external).toEqual([]);
  });
});
