import type { Page } from 'playwright-core';
import { account, createContact, failFast, launch, newContext, shoot, signUp, waitForRows, type TestBrowser } from './lib';

// A task due today shows under Today in My tasks, is ticked off there and is
// on the contact's timeline; the timeline's composer adds notes and logged
// calls; two contacts with the same phone are merged, and the merge is a
// distinct system entry on the survivor's timeline.
describe('activities and timelines', () => {
  let tb: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    tb = await launch();
    page = await (await newContext(tb.browser)).newPage();
  });
  afterAll(async () => tb?.close());
  failFast(() => [page]);

  test('create a task due today and see it under Today in My tasks', async () => {
    await signUp(page, account('Taskforce Ltd', 'Tara Tasker'));
    await createContact(page, {
      first: 'Ada',
      last: 'Lovelace',
      email: 'ada@engines.example',
      phone: '+44 20 7946 0958',
      company: 'Analytical Engines',
    });
    await waitForRows(page, ['Ada Lovelace']);

    await page.getByRole('link', { name: 'Activities', exact: true }).click();
    await page.waitForURL('**/activities');
    await page.getByRole('heading', { name: 'You’re all caught up' }).waitFor();
    await shoot(page, '40-my-tasks-empty');

    await page.getByRole('button', { name: 'New activity' }).click();
    const dialog = page.getByRole('dialog', { name: 'New activity' });
    await dialog.getByRole('textbox', { name: 'Subject' }).fill('Send Ada the proposal');
    await dialog.getByRole('textbox', { name: 'Details' }).fill('Pricing for 3 engines, delivery in spring.');
    // New from My tasks: due today (9:00 in the company's zone, earlier today still counts as today).
    expect(await dialog.getByLabel('Due date').inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await dialog.getByLabel('Time').fill('23:30');
    await dialog.getByRole('combobox', { name: 'Contact' }).fill('Ada');
    await page.getByRole('option', { name: /Ada Lovelace/ }).click();
    await shoot(page, '41-activity-form');
    await dialog.getByRole('button', { name: 'Add task' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // One overdue and one upcoming task, dated in the company's zone (UTC for a new company here).
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    for (const [subject, date] of [
      ['Chase the signed contract', day(-2)],
      ['Quarterly review with Ada', day(5)],
    ]) {
      await page.getByRole('button', { name: 'New activity' }).click();
      await dialog.getByRole('textbox', { name: 'Subject' }).fill(subject);
      await dialog.getByLabel('Due date').fill(date);
      await dialog.getByLabel('Time').fill('10:00');
      await dialog.getByRole('button', { name: 'Add task' }).click();
      await dialog.waitFor({ state: 'hidden' });
    }
    await page.getByTestId('tasks-overdue').getByText('Chase the signed contract').waitFor();
    await page.getByTestId('tasks-overdue').getByText('2 days overdue', { exact: false }).waitFor();
    await page.getByTestId('tasks-upcoming').getByText('Quarterly review with Ada').waitFor();

    const today = page.getByTestId('tasks-today');
    await today.getByText('Send Ada the proposal').waitFor();
    await today.getByText(/Today, 11:30 PM/).waitFor();
    await today.getByRole('link', { name: 'Ada Lovelace' }).waitFor();
    await shoot(page, '42-my-tasks');
  });

  test('complete it there, and find it done on the contact’s timeline', async () => {
    const today = page.getByTestId('tasks-today');
    const done = page.waitForResponse((r) => r.url().includes('/complete') && r.request().method() === 'POST');
    await today.getByRole('checkbox', { name: 'Mark “Send Ada the proposal” done' }).check();
    expect((await done).status()).toBe(200);
    // Still listed, struck through, with a way back.
    await today.getByRole('checkbox', { name: 'Reopen “Send Ada the proposal”' }).waitFor();
    await today.locator('[data-testid="activity-row"][data-done]').waitFor();

    await today.getByRole('link', { name: 'Ada Lovelace' }).click();
    await page.waitForURL(/\/contacts\/[0-9a-f-]{36}$/);
    const timeline = page.getByTestId('timeline');
    const item = timeline.getByTestId('timeline-item').filter({ hasText: 'Send Ada the proposal' });
    await item.waitFor();
    expect(await item.getByRole('checkbox', { name: /Reopen/ }).isChecked()).toBe(true);
    await item.getByText('Done', { exact: true }).waitFor();
  });

  test('add a note and log a call from the timeline', async () => {
    const timeline = page.getByTestId('timeline');
    await timeline.getByRole('textbox', { name: 'Note' }).fill('Budget approved for Q3\nShe wants a demo for the board first.');
    await timeline.getByRole('button', { name: 'Add note' }).click();
    await timeline.getByTestId('timeline-item').filter({ hasText: 'Budget approved for Q3' }).getByText('She wants a demo').waitFor();

    await timeline
      .locator('label')
      .filter({ hasText: /^Call$/ })
      .click();
    await timeline.getByRole('textbox', { name: 'Call summary' }).fill('Called about the demo date');
    await timeline.getByRole('button', { name: 'Log call' }).click();
    const call = timeline.getByTestId('timeline-item').filter({ hasText: 'Called about the demo date' });
    await call.waitFor();
    // A logged call happened: it is done, never open work.
    expect(await call.getByRole('checkbox').isChecked()).toBe(true);
    // Newest first.
    const subjects = await timeline.getByTestId('timeline-item').allInnerTexts();
    expect(subjects[0]).toContain('Called about the demo date');
    expect(subjects[1]).toContain('Budget approved for Q3');
    await shoot(page, '43-contact-timeline', { scrollTo: timeline });

    // "More options" opens the full form, already linked to this contact.
    await timeline.getByRole('button', { name: 'More options' }).click();
    const dialog = page.getByRole('dialog', { name: 'New activity' });
    await expect.poll(() => dialog.getByRole('combobox', { name: 'Contact' }).inputValue()).toBe('Ada Lovelace');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
  });

  test('a deal’s timeline, and the deal’s activity and stage history on its contact’s timeline', async () => {
    const contactURL = page.url();
    const contactId = contactURL.split('/').pop()!;
    const res = await page.request.post('/api/deals', {
      data: { title: 'Engines for Ada', value: '12000.00', currency: 'GBP', contact_id: contactId },
    });
    expect(res.status()).toBe(201);
    const deal = (await res.json()) as { id: string };

    await page.goto(`/deals/${deal.id}`);
    const timeline = page.getByTestId('timeline');
    await timeline.getByText(/Deal created in/).waitFor();
    await timeline.getByRole('textbox', { name: 'Note' }).fill('Board meets on Friday');
    await timeline.getByRole('button', { name: 'Add note' }).click();
    await timeline.getByTestId('timeline-item').filter({ hasText: 'Board meets on Friday' }).waitFor();
    await shoot(page, '45-deal-timeline', { scrollTo: timeline });

    await page.goto(contactURL);
    const feed = page.getByTestId('timeline');
    const note = feed.getByTestId('timeline-item').filter({ hasText: 'Board meets on Friday' });
    await note.getByRole('link', { name: 'Engines for Ada' }).waitFor();
    await feed.locator('[data-kind="stage_change"]').getByRole('link', { name: 'Engines for Ada' }).waitFor();
  });

  test('the full list filters by type and status', async () => {
    await page.goto('/activities?view=all');
    await page.getByTestId('activity-row').first().waitFor();
    await expect.poll(() => page.getByTestId('activity-row').count()).toBe(6);
    await page.getByRole('combobox', { name: 'Filter by type' }).click();
    await page.getByRole('option', { name: 'Notes' }).click();
    await page.waitForURL(/type=note/);
    await page.getByTestId('activity-row').filter({ hasText: 'Budget approved for Q3' }).waitFor();
    await expect.poll(() => page.getByTestId('activity-row').count()).toBe(2);
    await shoot(page, '44-activities-all');

    // Open work: the two other tasks; the first task and the call are done.
    await page.goto('/activities?view=all&status=open');
    await expect.poll(() => page.getByTestId('activity-row').count()).toBe(2);
    await page.goto('/activities?view=all&status=open&due=today');
    await page.getByRole('heading', { name: 'No activities match' }).waitFor();
  });

  test('merge two contacts with the same phone, picking values per field', async () => {
    await page.goto('/contacts');
    await createContact(page, { first: 'Grace', last: 'Hopper', email: 'grace@navy.example', phone: '+1 415 555 0100', company: 'US Navy' });
    await createContact(page, { first: 'Grace', last: 'Hoper', email: 'ghopper@cobol.example', phone: '(415) 555-0100', title: 'Rear Admiral' });
    await waitForRows(page, ['Ada Lovelace', 'Grace Hopper', 'Grace Hoper']);
    // An activity on the duplicate moves to the survivor.
    await page.getByRole('link', { name: 'Grace Hoper' }).click();
    await page.getByTestId('timeline').getByRole('textbox', { name: 'Note' }).fill('Prefers email over calls');
    await page.getByTestId('timeline').getByRole('button', { name: 'Add note' }).click();
    await page.getByTestId('timeline-item').filter({ hasText: 'Prefers email over calls' }).waitFor();

    await page.goto('/contacts');
    await page.getByRole('link', { name: 'Find duplicates' }).click();
    await page.waitForURL('**/contacts/duplicates');
    const pair = page.getByTestId('duplicate-pair');
    await pair.getByText('Same phone number').waitFor();
    expect(await pair.count()).toBe(1);
    await shoot(page, '46-duplicates');

    // "Not a duplicate" sets the pair aside; Undo brings it back.
    await pair.getByRole('button', { name: 'Not a duplicate' }).click();
    await page.getByRole('heading', { name: 'No duplicates found' }).waitFor();
    await page.getByText('Grace Hopper and Grace Hoper won’t be suggested again.').waitFor();
    await page.getByRole('button', { name: 'Undo' }).click();
    await pair.getByText('Same phone number').waitFor();

    await pair.getByRole('button', { name: 'Merge…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Merge contacts' });
    // The older contact stays by default; its empty job title takes the other's.
    await dialog.getByRole('button', { name: 'Merge into Grace Hopper' }).waitFor();
    expect(await dialog.getByRole('radio', { name: 'Keep job title Rear Admiral from Grace Hoper' }).isChecked()).toBe(true);
    expect(await dialog.getByRole('radio', { name: 'Keep email grace@navy.example from Grace Hopper' }).isChecked()).toBe(true);
    await dialog.getByRole('radio', { name: 'Keep email ghopper@cobol.example from Grace Hoper' }).check();
    await shoot(page, '47-merge-dialog');
    await dialog.getByRole('button', { name: 'Merge into Grace Hopper' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('heading', { name: 'No duplicates found' }).waitFor();

    await page.goto('/contacts');
    await waitForRows(page, ['Ada Lovelace', 'Grace Hopper']);
    await page.getByRole('link', { name: 'Grace Hopper' }).click();
    await page.getByText('Rear Admiral at US Navy').waitFor();
    await page.getByRole('link', { name: 'ghopper@cobol.example' }).waitFor();
    const system = page.getByTestId('timeline-system');
    await system.getByText('Merged Grace Hoper into this contact').waitFor();
    await system.getByText(/Was: Grace Hoper · ghopper@cobol\.example/).waitFor();
    await page.getByTestId('timeline-item').filter({ hasText: 'Prefers email over calls' }).waitFor();
    await shoot(page, '48-merged-timeline', { scrollTo: page.getByTestId('timeline') });
  });
});
