import type { Page } from 'playwright-core';
import { account, createContact, failFast, launch, newContext, shoot, signUp, unique, waitForRows, type TestBrowser } from './lib';

// Deleted contacts and deals go to the trash: admins see them there (who,
// when, days left), restore them with their timeline, or delete them
// forever; Undo restores too; every step is in Settings → Audit trail. A
// member can delete one contact but not many, and has no trash.
describe('trash', () => {
  let tb: TestBrowser;
  let page: Page;
  let member: Page;
  const owner = account('Analytical Engines', 'Charles Babbage');
  let adaURL = '';
  let dealId = '';

  beforeAll(async () => {
    tb = await launch();
    page = await (await newContext(tb.browser)).newPage();
    member = await (await newContext(tb.browser)).newPage();
  });
  afterAll(async () => tb?.close());
  failFast(() => [page, member]);

  test('a contact and a deal with a history go to the trash', async () => {
    await signUp(page, owner);
    await createContact(page, { first: 'Ada', last: 'Lovelace', email: 'ada@engines.example', company: 'Analytical Engines' });
    await createContact(page, { first: 'Grace', last: 'Hopper', email: 'grace@cobol.example' });
    await page.getByRole('link', { name: 'Ada Lovelace' }).click();
    await page.waitForURL(/\/contacts\/[0-9a-f-]+$/);
    adaURL = new URL(page.url()).pathname;
    const adaId = adaURL.split('/').pop()!;
    const note = await page.request.post('/api/activities', { data: { type: 'note', subject: 'Loves the difference engine', contact_id: adaId } });
    expect(note.status()).toBe(201);
    const deal = await page.request.post('/api/deals', { data: { title: 'Engines for Ada', value: '12000.00', contact_id: adaId } });
    expect(deal.status()).toBe(201);
    dealId = ((await deal.json()) as { id: string }).id;
    await page.reload();
    const timeline = page.getByTestId('timeline');
    await timeline.getByText('Loves the difference engine').waitFor();
    await timeline.locator('[data-kind="stage_change"]').getByRole('link', { name: 'Engines for Ada' }).waitFor();

    // The contact: confirmed, then gone from the list.
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete Ada Lovelace?' });
    await confirm.getByText(/stays in the trash for 30 days/).waitFor();
    await confirm.getByRole('button', { name: 'Delete contact' }).click();
    await page.waitForURL('**/contacts');
    await waitForRows(page, ['Grace Hopper']);

    // The deal, from its page.
    await page.goto(`/deals/${dealId}`);
    await page.getByRole('button', { name: 'Delete deal' }).click();
    await page.getByRole('dialog', { name: 'Delete “Engines for Ada”?' }).getByRole('button', { name: 'Delete deal' }).click();
    await page.waitForURL(/\/deals(\?|$)/);
    await page.goto(adaURL);
    await page.getByTestId('contact-not-found').waitFor();
  });

  test('the trash shows who deleted what, and restores with the timeline', async () => {
    await page.goto('/');
    await page.getByRole('link', { name: 'Trash' }).click();
    await page.getByRole('heading', { name: 'Trash', level: 1 }).waitFor();
    const row = page.getByTestId('trash-row').filter({ hasText: 'Ada Lovelace' });
    await row.getByText('ada@engines.example').waitFor();
    await row.getByRole('cell', { name: 'You', exact: true }).waitFor();
    expect(await row.getByTestId('days-left').innerText()).toBe('30 days');
    await shoot(page, '70-trash-contacts');

    await page.getByRole('tab', { name: 'Deals' }).click();
    await page.waitForURL('**/trash/deals');
    const dealRow = page.getByTestId('trash-row').filter({ hasText: 'Engines for Ada' });
    await dealRow.waitFor();
    await shoot(page, '71-trash-deals');
    await dealRow.getByRole('button', { name: 'Restore Engines for Ada' }).click();
    await page.getByText('Engines for Ada was restored.').waitFor();
    await page.getByText('No deleted deals').waitFor();

    await page.getByRole('tab', { name: 'Contacts' }).click();
    await page.getByTestId('trash-row').filter({ hasText: 'Ada Lovelace' }).getByRole('button', { name: 'Restore Ada Lovelace' }).click();
    await page.getByText('Ada Lovelace was restored.').waitFor();
    await page.getByText('No deleted contacts').waitFor();
    await shoot(page, '72-trash-empty');

    // Back with its note, its deal and the deal's history.
    await page.goto(adaURL);
    const timeline = page.getByTestId('timeline');
    await timeline.getByText('Loves the difference engine').waitFor();
    await timeline.locator('[data-kind="stage_change"]').getByRole('link', { name: 'Engines for Ada' }).waitFor();
  });

  test('Undo after deleting a deal restores it from the trash', async () => {
    await page.goto(`/deals/${dealId}`);
    await page.getByRole('button', { name: 'Delete deal' }).click();
    await page.getByRole('dialog', { name: 'Delete “Engines for Ada”?' }).getByRole('button', { name: 'Delete deal' }).click();
    await page.getByText('“Engines for Ada” was deleted.').waitFor();
    await page.getByRole('button', { name: 'Undo' }).click();
    // The last such message: an earlier restore's may still be showing.
    await page.getByText('Engines for Ada was restored.').last().waitFor();
    await page.goto(`/deals/${dealId}`);
    await page
      .getByTestId('timeline')
      .getByText(/Deal created in/)
      .waitFor();
  });

  test('delete forever, after confirming', async () => {
    await page.goto('/contacts');
    await page.getByRole('link', { name: 'Grace Hopper' }).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('dialog', { name: 'Delete Grace Hopper?' }).getByRole('button', { name: 'Delete contact' }).click();
    await page.waitForURL('**/contacts');
    await page.goto('/trash');
    await page.getByRole('button', { name: 'Delete Grace Hopper forever' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete “Grace Hopper” forever?' });
    await confirm.getByText(/Its texts and calls stay/).waitFor();
    await shoot(page, '73-trash-delete-forever');
    await confirm.getByRole('button', { name: 'Delete forever' }).click();
    await page.getByText('Grace Hopper was deleted for good.').waitFor();
    await page.getByText('No deleted contacts').waitFor();
  });

  test('every delete, restore and purge is in the audit trail', async () => {
    await page.goto('/settings/audit');
    const rows = page.getByTestId('audit-row');
    await rows.first().waitFor();
    const texts = await rows.allInnerTexts();
    const has = (re: RegExp) => texts.some((t) => re.test(t));
    expect(has(/You\s+deleted contact “Ada Lovelace”/)).toBe(true);
    expect(has(/You\s+restored contact “Ada Lovelace”/)).toBe(true);
    expect(has(/You\s+deleted deal “Engines for Ada”/)).toBe(true);
    expect(has(/You\s+restored deal “Engines for Ada”/)).toBe(true);
    expect(has(/You\s+deleted contact “Grace Hopper” for good from the trash/)).toBe(true);
    await shoot(page, '74-audit-trail');
    await page.getByRole('combobox', { name: 'Show' }).click();
    await page.getByRole('option', { name: 'Deals restored' }).click();
    await page.waitForURL(/show=deal\.restored/);
    await expect.poll(() => rows.count()).toBe(2);
  });

  test('a member deletes one contact but not many, and has no trash', async () => {
    const invite = await page.request.post('/api/invites', { data: { email: `${unique('rep')}@example.com`, role: 'member' } });
    expect(invite.status()).toBe(201);
    const token = ((await invite.json()) as { accept_url: string }).accept_url.split('/').pop()!;
    const accepted = await member.request.post(`/api/auth/invites/${token}/accept`, {
      data: { name: 'Ned Ludd', password: 'correct horse battery' },
    });
    expect(accepted.status()).toBe(200);
    await member.goto('/contacts');
    await waitForRows(member, ['Ada Lovelace']);
    expect(await member.getByRole('link', { name: 'Trash' }).count()).toBe(0);
    await member.getByRole('checkbox', { name: 'Select Ada Lovelace' }).check();
    await member.getByText('1 contact selected').waitFor();
    expect(await member.getByRole('button', { name: 'Delete', exact: true }).count()).toBe(0);
    await shoot(member, '75-member-bulk-bar');
    const ids = [adaURL.split('/').pop()!];
    expect((await member.request.post('/api/contacts/bulk-delete', { data: { ids } })).status()).toBe(403);
    await member.goto('/trash');
    await member.getByText('Page not found').waitFor();

    // One contact, yes: and Undo restores what they deleted themselves.
    await member.goto(adaURL);
    await member.getByRole('button', { name: 'Delete', exact: true }).click();
    await member.getByRole('dialog', { name: 'Delete Ada Lovelace?' }).getByRole('button', { name: 'Delete contact' }).click();
    await member.getByText('Ada Lovelace was deleted.').waitFor();
    await member.getByRole('button', { name: 'Undo' }).click();
    await member.getByText('Ada Lovelace was restored.').waitFor();
    await waitForRows(member, ['Ada Lovelace']);
  });
});
