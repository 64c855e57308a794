import type { Locator, Page } from 'playwright-core';
import { account, createContact, failFast, launch, newContext, shoot, signUp, type TestBrowser } from './lib';

// The sales pipeline: the dashboard as landing page, deals created with field
// errors, dragged across the kanban with the mouse (and the keyboard), a
// refused move rolled back, a won deal closed with its reason, the list view
// and its CSV export, the pipeline editor, a second company that sees none
// of it, and a long column that loads its cards a page at a time.

/** column is a stage's column on the board. */
function column(page: Page, stage: string): Locator {
  return page.locator(`[data-testid=stage-column][data-stage="${stage}"]`);
}

function card(page: Page, stage: string, title: string): Locator {
  return column(page, stage).locator(`[data-testid=deal-card][data-deal="${title}"]`);
}

/** titles lists the deals a column shows, top to bottom. */
async function titles(page: Page, stage: string): Promise<string[]> {
  return column(page, stage)
    .locator('[data-testid=deal-card]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-deal') ?? ''));
}

async function waitForTitles(page: Page, stage: string, want: string[], timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let got: string[] = [];
  while (Date.now() < deadline) {
    got = await titles(page, stage);
    if (got.join('|') === want.join('|')) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`${stage} shows [${got.join(', ')}], want [${want.join(', ')}]`);
}

/**
 * drag moves a card by its handle with real pointer events: dnd-kit's pointer
 * sensor starts after a few pixels of movement and follows moves in steps.
 * The card is dropped on the target's upper part (before a card, or at the top of an empty column).
 */
async function drag(page: Page, title: string, from: string, target: Locator, yOffset = 12): Promise<void> {
  const handle = card(page, from, title).getByTestId('deal-handle');
  await handle.scrollIntoViewIfNeeded();
  const a = await handle.boundingBox();
  const b = await target.boundingBox();
  if (!a || !b) throw new Error(`cannot drag ${title}: not on screen`);
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 12, a.y + a.height / 2 + 6, { steps: 4 });
  await page.mouse.move(b.x + b.width / 2, b.y + yOffset, { steps: 16 });
  await page.waitForTimeout(120);
  await page.mouse.move(b.x + b.width / 2, b.y + yOffset + 2, { steps: 2 });
  await page.mouse.up();
}

/**
 * moveSaved resolves when the server has answered a move. The board shows a
 * drop at once, before it is saved, so a reload must wait for this.
 */
function moveSaved(page: Page): Promise<unknown> {
  return page.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/deals\/[^/]+\/move$/.test(new URL(r.url()).pathname));
}

interface NewDeal {
  title: string;
  value?: string;
  contact?: string;
  stage?: string;
  close?: string;
}

/** createDeal fills the "New deal" form (already open) and waits for it to close. */
async function fillDeal(page: Page, d: NewDeal): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'New deal' });
  await dialog.waitFor();
  await dialog.getByRole('textbox', { name: 'Title' }).fill(d.title);
  if (d.value) await dialog.getByRole('textbox', { name: 'Value' }).fill(d.value);
  if (d.contact) {
    await dialog.getByRole('combobox', { name: 'Contact' }).fill(d.contact);
    await page.getByRole('option', { name: new RegExp(`^${d.contact}`) }).click();
  }
  if (d.stage) {
    await dialog.getByRole('combobox', { name: 'Stage' }).click();
    await page.getByRole('option', { name: new RegExp(`^${d.stage}`) }).click();
  }
  if (d.close) await dialog.getByLabel('Expected close date').fill(d.close);
  await dialog.getByRole('button', { name: 'Create deal' }).click();
  await dialog.waitFor({ state: 'hidden' });
}

describe('deals', () => {
  let tb: TestBrowser;
  let a: Page;
  let b: Page;
  let dealURL = '';
  const owner = account('Pied Piper', 'Richard Hendricks');

  beforeAll(async () => {
    tb = await launch();
    a = await (await newContext(tb.browser)).newPage();
    b = await (await newContext(tb.browser)).newPage();
  });
  afterAll(async () => tb?.close());
  failFast(() => [a, b]);

  test('sign-up lands on the dashboard, which says how to start', async () => {
    await signUp(a, owner); // lands on the dashboard, then opens the contacts
    await createContact(a, { first: 'Ada', last: 'Lovelace', email: 'ada@analytical.example', company: 'Analytical Engines' });
    await a.goto('/');
    await a.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await a.getByRole('heading', { name: 'No deals yet' }).waitFor();
    // The sidebar: Dashboard first, then Contacts and Deals.
    const nav = await a.getByRole('navigation', { name: 'Main navigation' }).getByRole('link').allInnerTexts();
    expect(nav.slice(0, 3)).toEqual(['Dashboard', 'Contacts', 'Deals']);
    await shoot(a, '60-dashboard-empty');
  });

  test('create deals, with errors next to the fields', async () => {
    await a.getByRole('link', { name: 'Create your first deal' }).click();
    await a.waitForURL(/\/deals/);
    const dialog = a.getByRole('dialog', { name: 'New deal' });
    await dialog.waitFor();
    // Checked in the browser: a title is required, the value must be an amount.
    await dialog.getByRole('textbox', { name: 'Value' }).fill('12.345');
    await dialog.getByRole('button', { name: 'Create deal' }).click();
    await dialog.getByText('Give the deal a title').waitFor();
    await dialog.getByText('Use at most two decimals').waitFor();
    // The limit the field states is the server's (under 10^16), and what
    // the field read is shown before saving.
    await dialog.getByRole('textbox', { name: 'Title' }).fill('Too big to be true');
    await dialog.getByRole('textbox', { name: 'Value' }).fill('10000000000000000');
    await dialog.getByRole('button', { name: 'Create deal' }).click();
    await dialog.locator('.mantine-InputWrapper-error').filter({ hasText: 'Use at most 16 digits before the decimal point' }).waitFor();
    await dialog.getByRole('textbox', { name: 'Value' }).fill('1,250.5');
    await dialog.getByText('= $1,250.50').waitFor();
    await shoot(a, '61-deal-form-errors');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await a.getByRole('heading', { name: 'No deals yet' }).waitFor();
    await a.getByRole('button', { name: 'Create your first deal' }).click();
    await fillDeal(a, { title: 'Acme rollout', value: '12,000', contact: 'Ada Lovelace', close: '2030-06-30' });
    await a.getByRole('button', { name: 'New deal', exact: true }).click();
    await fillDeal(a, { title: 'Globex renewal', value: '8000.50' });
    // The "+" on a column starts the deal in that stage.
    await column(a, 'Negotiation').getByRole('button', { name: 'New deal in Negotiation' }).click();
    await fillDeal(a, { title: 'Initech pilot', value: '2500' });

    await waitForTitles(a, 'Lead', ['Acme rollout', 'Globex renewal']);
    await waitForTitles(a, 'Negotiation', ['Initech pilot']);
    expect(await column(a, 'Lead').getByTestId('stage-total').innerText()).toBe('$20,000.50');
    expect(await column(a, 'Lead').getByTestId('stage-count').innerText()).toBe('2 deals');
    await card(a, 'Lead', 'Acme rollout').getByText('Ada Lovelace').waitFor();
    await shoot(a, '62-deals-board');
  });

  test('drag a deal to another stage with the mouse; the move survives a reload', async () => {
    // Each drop is shown at once and saved behind it; wait for each save so
    // the moves reach the server in the order they were made.
    let saved = moveSaved(a);
    await drag(a, 'Acme rollout', 'Lead', column(a, 'Qualified'), 80);
    await waitForTitles(a, 'Qualified', ['Acme rollout']);
    await waitForTitles(a, 'Lead', ['Globex renewal']);
    expect(await column(a, 'Qualified').getByTestId('stage-total').innerText()).toBe('$12,000.00');
    await saved;

    // Within a stage too: Globex goes above Acme once it is in Qualified.
    saved = moveSaved(a);
    await drag(a, 'Globex renewal', 'Lead', card(a, 'Qualified', 'Acme rollout'), 6);
    await waitForTitles(a, 'Qualified', ['Globex renewal', 'Acme rollout']);
    await saved;
    saved = moveSaved(a);
    await drag(a, 'Acme rollout', 'Qualified', card(a, 'Qualified', 'Globex renewal'), 6);
    await waitForTitles(a, 'Qualified', ['Acme rollout', 'Globex renewal']);
    await saved;

    await a.reload();
    await waitForTitles(a, 'Qualified', ['Acme rollout', 'Globex renewal']);
    await waitForTitles(a, 'Lead', []);
  });

  test('the keyboard moves a deal too', async () => {
    const handle = card(a, 'Qualified', 'Globex renewal').getByTestId('deal-handle');
    await handle.focus();
    await a.keyboard.press('Space');
    // Wait on the board's state, not on the clock: each key acts only once
    // dnd-kit has taken the previous one.
    await expect.poll(() => handle.getAttribute('aria-pressed')).toBe('true');
    // dnd-kit starts listening for the arrow keys in a setTimeout(0) scheduled
    // when the drag starts, which can run after the card already shows as
    // pressed. Timers of equal delay run in the order they were set, so once
    // one set now has run, dnd-kit's has too.
    await a.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
    await a.keyboard.press('ArrowLeft');
    await expect.poll(() => titles(a, 'Lead')).toContain('Globex renewal');
    const saved = moveSaved(a);
    await a.keyboard.press('Space');
    await waitForTitles(a, 'Lead', ['Globex renewal']);
    await saved;
    await a.reload();
    await waitForTitles(a, 'Lead', ['Globex renewal']);
  });

  test('a move the server refuses goes back, with a message', async () => {
    await a.route('**/api/deals/*/move', (route) =>
      route.fulfill({
        status: 409,
        contentType: 'application/problem+json',
        body: JSON.stringify({ status: 409, title: 'Conflict', detail: 'The deal was changed by someone else.' }),
      }),
    );
    await drag(a, 'Globex renewal', 'Lead', column(a, 'Proposal'), 80);
    await a.getByText('“Globex renewal” was not moved').waitFor();
    await a.getByText(/The deal was changed by someone else\. It is back in Lead\./).waitFor();
    await waitForTitles(a, 'Lead', ['Globex renewal']);
    await waitForTitles(a, 'Proposal', []);
    await a.unroute('**/api/deals/*/move');
  });

  test('a deal dropped in Won is closed, with the reason given', async () => {
    // Bring Negotiation and Won into view side by side.
    await a.getByTestId('deals-board').evaluate((el) => (el.scrollLeft = el.scrollWidth));
    await drag(a, 'Initech pilot', 'Negotiation', column(a, 'Won'), 80);
    const dialog = a.getByRole('dialog', { name: 'Won “Initech pilot”' });
    await dialog.waitFor();
    await dialog.getByRole('textbox', { name: 'Why did you win it?' }).fill('Signed the annual plan');
    await shoot(a, '63-won-reason');
    await dialog.getByRole('button', { name: 'Mark as won' }).click();
    await waitForTitles(a, 'Won', ['Initech pilot']);
    await card(a, 'Won', 'Initech pilot').getByText('Won', { exact: true }).waitFor();

    await card(a, 'Won', 'Initech pilot').getByRole('link', { name: 'Initech pilot' }).click();
    await a.waitForURL(/\/deals\/[0-9a-f-]{36}$/);
    dealURL = new URL(a.url()).pathname;
    await a.getByRole('heading', { name: 'Initech pilot', level: 1 }).waitFor();
    await a.getByText('Signed the annual plan').waitFor();
    await a
      .getByTestId('timeline')
      .getByText(/moved from/)
      .first()
      .waitFor();
    expect(await a.getByTestId('timeline').innerText()).toMatch(/Negotiation\s+to\s+Won/);
    await shoot(a, '64-deal-page');
  });

  test('edit a deal inline on its page', async () => {
    await a.getByRole('button', { name: 'Edit value' }).click();
    await a.getByRole('textbox', { name: 'Value' }).fill('2750.25');
    await a.getByRole('button', { name: 'Save', exact: true }).click();
    await a.getByTestId('deal-value').filter({ hasText: '$2,750.25' }).waitFor();
    await a.getByRole('button', { name: 'Rename deal' }).click();
    await a.getByRole('textbox', { name: 'Deal title' }).fill('Initech pilot (annual)');
    await a.getByRole('button', { name: 'Save title' }).click();
    await a.getByRole('heading', { name: 'Initech pilot (annual)', level: 1 }).waitFor();
    await a.reload();
    await a.getByTestId('deal-value').filter({ hasText: '$2,750.25' }).waitFor();
  });

  test('the list view filters, and exports the same filters as CSV', async () => {
    await a.goto('/deals?view=list');
    await a.getByTestId('deal-row').first().waitFor();
    expect(await a.getByTestId('deal-row').count()).toBe(3);
    await a.getByRole('combobox', { name: 'Status' }).click();
    await a.getByRole('option', { name: 'Won' }).click();
    await a.waitForURL(/status=won/);
    await a.getByTestId('deal-row').filter({ hasText: 'Initech pilot (annual)' }).waitFor();
    await expectRows(a, 1);
    const href = await a.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
    expect(href).toMatch(/^\/api\/deals\/export\.csv\?/);
    expect(href).toContain('status=won');
    const csv = await (await a.request.get(href!)).text();
    expect(csv).toContain('Initech pilot (annual)');
    expect(csv).not.toContain('Acme rollout');
    await shoot(a, '65-deals-list');
  });

  test('the dashboard shows the numbers', async () => {
    await a.getByRole('link', { name: 'Dashboard' }).click();
    await a.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    const kpi = (id: string) => a.getByTestId(id).getByTestId('kpi-value');
    await kpi('kpi-open').filter({ hasText: '$20,000.50' }).waitFor();
    expect(await a.getByTestId('kpi-open').innerText()).toContain('2 open deals');
    expect(await kpi('kpi-won').innerText()).toBe('$2,750.25');
    expect(await kpi('kpi-winrate').innerText()).toBe('100%');
    await a.getByTestId('chart-stages').waitFor();
    await a.getByTestId('chart-months').waitFor();
    expect(await a.getByTestId('tasks-overdue').innerText()).toBe('0');
    await shoot(a, '66-dashboard');
  });

  test('the pipeline editor adds, reorders and removes stages', async () => {
    await a.goto('/settings/pipelines');
    const pipeline = a.getByTestId('pipeline-card').filter({ hasText: 'Sales' });
    await pipeline.getByRole('textbox', { name: 'New stage in Sales' }).fill('Demo');
    await pipeline.getByRole('button', { name: 'Add stage' }).click();
    const stages = () => pipeline.getByTestId('stage-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-stage')));
    await pipeline.locator('[data-testid=stage-row][data-stage="Demo"]').waitFor();
    // Up twice: above Lost and Won.
    await pipeline.getByRole('button', { name: 'Move Demo up' }).click();
    await expect.poll(stages).toEqual(['Lead', 'Qualified', 'Proposal', 'Negotiation', 'Won', 'Demo', 'Lost']);
    await pipeline.getByRole('button', { name: 'Move Demo up' }).click();
    await expect.poll(stages).toEqual(['Lead', 'Qualified', 'Proposal', 'Negotiation', 'Demo', 'Won', 'Lost']);

    // Qualified holds Acme: removing it asks where the deal goes.
    await pipeline.getByRole('button', { name: 'Remove Qualified' }).click();
    const dialog = a.getByRole('dialog', { name: 'Remove the stage “Qualified”?' });
    await dialog.getByRole('combobox', { name: 'Move its deals to' }).click();
    await a.getByRole('option', { name: 'Proposal' }).click();
    await shoot(a, '67-remove-stage');
    await dialog.getByRole('button', { name: 'Move deals and remove' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(stages).toEqual(['Lead', 'Proposal', 'Negotiation', 'Demo', 'Won', 'Lost']);
    await shoot(a, '68-settings-pipelines');

    await a.goto('/deals');
    await waitForTitles(a, 'Proposal', ['Acme rollout']);
    expect(await a.locator('[data-testid=stage-column][data-stage="Qualified"]').count()).toBe(0);
  });

  test('another company sees none of it, and the deal URL is not found', async () => {
    await signUp(b, account('Hooli', 'Gavin Belson'));
    await b.goto('/deals');
    await b.getByRole('heading', { name: 'No deals yet' }).waitFor();
    await b.goto('/deals?view=list');
    await b.getByRole('heading', { name: 'No deals yet' }).waitFor();
    await b.goto(dealURL);
    await b.getByTestId('deal-not-found').waitFor();
    await b.getByRole('heading', { name: 'Deal not found' }).waitFor();
    expect(await b.getByText('Initech').count()).toBe(0);
    await shoot(b, '69-deal-not-found');
    await b.goto('/');
    await b.getByTestId('kpi-open').getByTestId('kpi-value').filter({ hasText: '$0.00' }).waitFor();
    await b.getByRole('heading', { name: 'No deals yet' }).waitFor();

    // The first company still has its deal.
    await a.goto(dealURL);
    await a.getByRole('heading', { name: 'Initech pilot (annual)', level: 1 }).waitFor();
  });

  test('amounts are read in the person’s locale: 2,50 € is two euros fifty', async () => {
    const ctx = await newContext(tb.browser, { locale: 'de-DE', timezoneId: 'Europe/Berlin' });
    const de = await ctx.newPage();
    await signUp(de, account('Müller GmbH', 'Hans Müller'));
    await de.goto('/deals');
    await de
      .getByRole('button', { name: /Create your first deal|New deal/ })
      .first()
      .click();
    const dialog = de.getByRole('dialog', { name: 'New deal' });
    await dialog.getByRole('textbox', { name: 'Title' }).fill('Kleiner Auftrag');
    await dialog.getByRole('textbox', { name: 'Value' }).fill('2,50');
    await dialog.getByText('= 2,50 €').waitFor();
    await shoot(de, '6a-deal-value-de');
    await dialog.getByRole('button', { name: 'Create deal' }).click();
    await dialog.waitFor({ state: 'hidden' });
    // Saved as two euros fifty, not 250 (the board shows amounts the same way everywhere).
    await expect.poll(() => de.getByTestId('stage-total').first().innerText(), { timeout: 10_000 }).toBe('€2.50');
    await de
      .getByRole('button', { name: /New deal/ })
      .first()
      .click();
    await dialog.getByRole('textbox', { name: 'Title' }).fill('Großer Auftrag');
    await dialog.getByRole('textbox', { name: 'Value' }).fill('1.250,50');
    await dialog.getByText('= 1.250,50 €').waitFor();
    await dialog.getByRole('button', { name: 'Create deal' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await ctx.close();
  });

  test('a long column shows its first cards and loads more; a card dropped below the last one stays there', async () => {
    // 55 more deals in Proposal (after Acme): the board holds a column's first 50 cards.
    const pipelines = (await (await a.request.get('/api/pipelines')).json()) as { items: { stages: { id: string; name: string }[] }[] };
    const proposal = pipelines.items[0].stages.find((st) => st.name === 'Proposal')!.id;
    for (let i = 1; i <= 55; i++) {
      const res = await a.request.post('/api/deals', { data: { title: `Bulk ${String(i).padStart(2, '0')}`, value: '10', stage_id: proposal } });
      expect(res.status()).toBe(201);
    }
    await a.goto('/deals');
    const col = column(a, 'Proposal');
    await col.getByTestId('stage-count').filter({ hasText: '56 deals' }).waitFor();
    await expect.poll(async () => (await titles(a, 'Proposal')).length).toBe(50);
    expect(await col.getByTestId('stage-total').innerText()).toBe('$12,550.00');
    const more = col.getByTestId('show-more');
    expect(await more.innerText()).toBe('Show 6 more of 6');

    // Drop Globex below the last card shown: it goes right after Bulk 49, not after the cards never loaded.
    await more.scrollIntoViewIfNeeded();
    const saved = moveSaved(a);
    await drag(a, 'Globex renewal', 'Lead', more, 4);
    await saved;
    await expect.poll(async () => (await titles(a, 'Proposal')).slice(-2)).toEqual(['Bulk 49', 'Globex renewal']);
    await col.getByTestId('stage-count').filter({ hasText: '57 deals' }).waitFor();
    await waitForTitles(a, 'Lead', []);
    await shoot(a, '6a-board-long-column', { scrollTo: more });

    await a.reload();
    await col.getByTestId('stage-count').filter({ hasText: '57 deals' }).waitFor();
    await expect.poll(async () => (await titles(a, 'Proposal')).length).toBe(50);
    expect(await titles(a, 'Proposal')).not.toContain('Globex renewal');
    await col.getByTestId('show-more').click();
    await expect.poll(async () => (await titles(a, 'Proposal')).length).toBe(57);
    const all = await titles(a, 'Proposal');
    expect(all.slice(48, 52)).toEqual(['Bulk 48', 'Bulk 49', 'Globex renewal', 'Bulk 50']);
    expect(all.at(-1)).toBe('Bulk 55');
    expect(await col.getByTestId('show-more').count()).toBe(0);
  });
});

async function expectRows(page: Page, n: number, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let got = -1;
  while (Date.now() < deadline) {
    got = await page.getByTestId('deal-row').count();
    if (got === n) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`the deals list shows ${got} rows, want ${n}`);
}
