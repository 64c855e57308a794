import type { Page } from 'playwright-core';
import { account, createContact, launch, logIn, newContext, shoot, signUp, waitForRows, failFast, type TestBrowser } from './lib';

// Sign-up → create, search, edit and delete a contact; plus login errors,
// bulk tagging and the pages around them.
describe('contacts', () => {
  let tb: TestBrowser;
  let page: Page;
  const owner = account('Acme Robotics', 'Olivia Owner');

  beforeAll(async () => {
    tb = await launch();
    page = await (await newContext(tb.browser)).newPage();
  });
  afterAll(async () => tb?.close());
  failFast(() => [page]);

  test('sign up a company and see the empty contact list', async () => {
    await page.goto('/login');
    await page.getByRole('heading', { name: 'Welcome back' }).waitFor();
    await shoot(page, '01-login');
    await signUp(page, owner, '02-signup');
    await page.getByRole('heading', { name: 'No contacts yet' }).waitFor();
    expect(await page.getByTestId('company-name').innerText()).toBe(owner.company);
    await shoot(page, '03-contacts-empty');
  });

  test('create contacts, with per-field validation', async () => {
    // Invalid input is explained next to the field, and nothing is sent.
    await page.getByRole('button', { name: 'New contact' }).click();
    const dialog = page.getByRole('dialog', { name: 'New contact' });
    await dialog.getByRole('textbox', { name: 'Email', exact: true }).fill('not-an-email');
    await dialog.getByRole('textbox', { name: 'Phone', exact: true }).fill('call me maybe');
    await dialog.getByRole('button', { name: 'Create contact' }).click();
    await dialog.getByText('Enter a valid email address').waitFor();
    await dialog.getByText(/Enter a phone number with country code/).waitFor();
    await shoot(page, '04-contact-form-errors');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await createContact(page, {
      first: 'Ada',
      last: 'Lovelace',
      email: 'ada@analytical.example',
      phone: '+44 20 7946 0958',
      company: 'Analytical Engines',
      title: 'Head of Research',
      tags: ['vip', 'uk'],
    });
    await createContact(page, {
      first: 'Grace',
      last: 'Hopper',
      email: 'grace@navy.example',
      company: 'US Navy',
      title: 'Rear Admiral',
      tags: ['vip'],
    });
    await createContact(page, {
      first: 'Linus',
      last: 'Torvalds',
      email: 'linus@kernel.example',
      company: 'Linux Foundation',
    });
    await waitForRows(page, ['Ada Lovelace', 'Grace Hopper', 'Linus Torvalds']);

    // The server refuses a second contact with the same email; the form says so on the field.
    await page.getByRole('button', { name: 'New contact' }).click();
    await dialog.getByRole('textbox', { name: 'First name', exact: true }).fill('Ada');
    await dialog.getByRole('textbox', { name: 'Email', exact: true }).fill('ada@analytical.example');
    await dialog.getByRole('button', { name: 'Create contact' }).click();
    await dialog.locator('.mantine-InputWrapper-error').first().waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await shoot(page, '05-contacts-list');
  });

  test('search as you type, filter by tag, and find from the global search', async () => {
    await page.getByRole('textbox', { name: 'Search contacts' }).fill('hopp');
    await waitForRows(page, ['Grace Hopper']);
    await page.getByRole('textbox', { name: 'Search contacts' }).fill('');
    await waitForRows(page, ['Ada Lovelace', 'Grace Hopper', 'Linus Torvalds']);

    await page.getByRole('combobox', { name: 'Filter by tag' }).click();
    await page.getByRole('option', { name: /^vip/ }).click();
    await waitForRows(page, ['Ada Lovelace', 'Grace Hopper']);
    expect(page.url()).toContain('tag=vip');
    await page.getByRole('textbox', { name: 'Search contacts' }).fill('zzz-nobody');
    await page.getByRole('heading', { name: 'No contacts match' }).waitFor();
    await shoot(page, '06-contacts-no-match');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await waitForRows(page, ['Ada Lovelace', 'Grace Hopper', 'Linus Torvalds']);

    await page.getByTestId('global-search').click();
    await page.getByPlaceholder(/Search contacts by name/).fill('lovel');
    const hit = page.getByRole('button', { name: /Ada Lovelace/ });
    await hit.waitFor();
    await shoot(page, '07-global-search');
    await hit.click();
    await page.waitForURL(/\/contacts\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: 'Ada Lovelace', level: 1 }).waitFor();
  });

  test('view and edit a contact, with custom fields', async () => {
    await page.getByRole('link', { name: '+44 20 7946 0958' }).waitFor();
    await shoot(page, '08-contact-detail');

    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: /Edit Ada Lovelace/ });
    await dialog.getByRole('textbox', { name: 'Job title', exact: true }).fill('Chief Mathematician');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('Chief Mathematician at Analytical Engines').waitFor();

    await page.getByRole('button', { name: 'Add fields' }).click();
    await page.getByLabel('Field 1 name').fill('plan');
    await page.getByLabel('Field 1 value').fill('Enterprise');
    await page.getByRole('button', { name: 'Add field' }).click();
    await page.getByLabel('Field 2 name').fill('renewal');
    await page.getByLabel('Field 2 value').fill('2027-01-31');
    await page.getByRole('button', { name: 'Save fields' }).click();
    await page.getByRole('cell', { name: 'Enterprise' }).waitFor();
    await page.reload();
    await page.getByRole('cell', { name: '2027-01-31' }).waitFor();
    await page.getByText('Chief Mathematician at Analytical Engines').waitFor();
    await shoot(page, '09-contact-detail-edited');
  });

  test('delete a contact after confirming', async () => {
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete Ada Lovelace?' });
    await confirm.waitFor();
    await shoot(page, '10-contact-delete-confirm');
    await confirm.getByRole('button', { name: 'Delete contact' }).click();
    await page.waitForURL('**/contacts');
    await page.getByText('Ada Lovelace was deleted.').waitFor();
    await waitForRows(page, ['Grace Hopper', 'Linus Torvalds']);

    // Undo brings the contact back from the trash, custom fields included; then delete it again.
    await page.getByRole('button', { name: 'Undo' }).click();
    await waitForRows(page, ['Ada Lovelace', 'Grace Hopper', 'Linus Torvalds']);
    await page.getByRole('link', { name: 'Ada Lovelace' }).click();
    await page.getByRole('cell', { name: 'Enterprise' }).waitFor();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('dialog', { name: 'Delete Ada Lovelace?' }).getByRole('button', { name: 'Delete contact' }).click();
    await page.waitForURL('**/contacts');
    await waitForRows(page, ['Grace Hopper', 'Linus Torvalds']);
  });

  test('bulk tag and bulk delete selected contacts', async () => {
    await page.getByRole('checkbox', { name: 'Select Grace Hopper' }).check();
    await page.getByRole('checkbox', { name: 'Select Linus Torvalds' }).check();
    await page.getByText('2 contacts selected').waitFor();
    await page.getByRole('button', { name: 'Tag', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Tag 2 contacts' });
    await dialog.getByRole('combobox', { name: 'Add tags', exact: true }).fill('conference');
    await dialog.getByRole('combobox', { name: 'Add tags', exact: true }).press('Enter');
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('Updated tags on 2 contacts.').waitFor();

    await page.getByRole('combobox', { name: 'Filter by tag' }).click();
    await page.getByRole('option', { name: /^conference/ }).click();
    await waitForRows(page, ['Grace Hopper', 'Linus Torvalds']);

    await page.getByRole('checkbox', { name: 'Select Linus Torvalds' }).check();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('dialog', { name: 'Delete 1 contact?' }).getByRole('button', { name: 'Delete' }).click();
    await waitForRows(page, ['Grace Hopper']);
  });

  test('log out, and see a clear message for a wrong password', async () => {
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Log out' }).click();
    await page.waitForURL('**/login');
    await page.goto('/contacts');
    await page.waitForURL(/\/login/);

    await page.getByRole('textbox', { name: 'Email', exact: true }).fill(owner.email);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill('wrong password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
    await shoot(page, '11-login-error');

    await logIn(page, owner.email, owner.password);
    await waitForRows(page, ['Grace Hopper']);
  });

  test('an unknown page and the dark theme', async () => {
    await page.goto('/no-such-page');
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await page.goto('/contacts');
    await waitForRows(page, ['Grace Hopper']);
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await page.getByRole('button', { name: 'Switch to light theme' }).waitFor();
    await shoot(page, '12-contacts-dark');
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
  });
});
