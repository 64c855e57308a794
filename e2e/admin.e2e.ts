import { spawnSync } from 'node:child_process';
import type { Page } from 'playwright-core';
import { account, launch, newContext, shoot, signUp, failFast, type TestBrowser } from './lib';

// Platform administrators (granted with `crm admin grant-platform-admin`) see
// the Admin entry and the tenancy audit; nobody else does.
describe('platform admin', () => {
  let tb: TestBrowser;
  let page: Page;
  const bin = process.env.E2E_CRM_BIN;

  beforeAll(async () => {
    tb = await launch();
    page = await (await newContext(tb.browser)).newPage();
  });
  afterAll(async () => tb?.close());
  failFast(() => [page]);

  test.skipIf(!bin)('the tenancy audit is shown to platform admins only', async () => {
    const a = account('Platform Ops', 'Pia Platform');
    await signUp(page, a);
    expect(await page.getByRole('link', { name: 'Admin' }).count()).toBe(0);
    await page.goto('/admin');
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();

    // The same environment as the server: the command reaches its database.
    const r = spawnSync(bin!, ['admin', 'grant-platform-admin', a.email], { encoding: 'utf8', env: process.env });
    expect(r.status, r.stderr).toBe(0);

    await page.goto('/contacts');
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'Tenancy audit' }).waitFor();
    await page.getByText('No findings').waitFor();
    await page.getByRole('cell', { name: /Platform Ops/ }).waitFor();
    await shoot(page, '50-admin-tenancy-audit');
  });
});
