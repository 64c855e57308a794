import type { Page } from 'playwright-core';
import { account, createContact, launch, newContext, shoot, signUp, waitForRows, failFast, type TestBrowser } from './lib';

// A second company, in a second browser context, sees none of the first's
// contacts, and the first's contact URL is a friendly not-found page.
describe('tenant isolation', () => {
  let tb: TestBrowser;
  let a: Page;
  let b: Page;

  beforeAll(async () => {
    tb = await launch();
    a = await (await newContext(tb.browser)).newPage();
    b = await (await newContext(tb.browser)).newPage();
  });
  afterAll(async () => tb?.close());
  failFast(() => [a, b]);

  test('company B cannot see or open company A’s contacts', async () => {
    await signUp(a, account('Northwind Traders', 'Nancy North'));
    await createContact(a, {
      first: 'Margaret',
      last: 'Hamilton',
      email: 'margaret@apollo.example',
      company: 'Apollo',
      tags: ['secret-a'],
    });
    await waitForRows(a, ['Margaret Hamilton']);
    await a.getByRole('link', { name: 'Margaret Hamilton' }).click();
    await a.waitForURL(/\/contacts\/[0-9a-f-]{36}$/);
    const contactURL = new URL(a.url()).pathname;

    await signUp(b, account('Globex', 'Gary Globex'));
    await b.getByRole('heading', { name: 'No contacts yet' }).waitFor();

    // Searching for A's contact finds nothing.
    await b.getByRole('textbox', { name: 'Search contacts' }).fill('Hamilton');
    await b.getByRole('heading', { name: 'No contacts match' }).waitFor();
    await b.getByTestId('global-search').click();
    await b.getByPlaceholder(/Search contacts by name/).fill('margaret');
    await b.getByText('No contacts match “margaret”.').waitFor();
    await b.keyboard.press('Escape');

    // A's tags are not offered either.
    await b.getByRole('combobox', { name: 'Filter by tag' }).click();
    expect(await b.getByRole('option', { name: /secret-a/ }).count()).toBe(0);
    await b.keyboard.press('Escape');

    // Opening A's contact URL is a not-found page, not a blank or an error dump.
    await b.goto(contactURL);
    await b.getByTestId('contact-not-found').waitFor();
    await b.getByRole('heading', { name: 'Contact not found' }).waitFor();
    expect(await b.getByText('Margaret').count()).toBe(0);
    await shoot(b, '20-contact-not-found');

    // A still sees its contact.
    await a.reload();
    await a.getByRole('heading', { name: 'Margaret Hamilton', level: 1 }).waitFor();
  });
});
