import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { account, failFast, launch, newContext, shoot, signUp, waitForRows, type TestBrowser } from './lib';

// Import a CSV with a bad row through the wizard: map the columns, see the
// problem in the preview, watch the progress reach done, download the report
// of the failed row, find the contacts; export the filtered list; see the
// file's bytes in Settings. A second company sees none of it.
const CSV = [
  'Full Name,E-mail,Phone,Company,Tags,Notes',
  'Katherine Johnson,katherine@nasa.example,+1 757 555 0101,NASA,"vip, space",Orbital mechanics',
  'Dorothy Vaughan,dorothy@nasa.example,+1 757 555 0102,NASA,space,FORTRAN',
  'Mary Jackson,not-an-email,+1 757 555 0103,NASA,,Wind tunnels',
  'Margaret Hamilton,margaret@mit.example,,MIT,apollo,',
  '',
].join('\r\n');

describe('CSV import and export', () => {
  let tb: TestBrowser;
  let a: Page;
  let b: Page;
  let importURL = '';

  beforeAll(async () => {
    tb = await launch();
    a = await (await newContext(tb.browser)).newPage();
    b = await (await newContext(tb.browser)).newPage();
  });
  afterAll(async () => tb?.close());
  failFast(() => [a, b]);

  test('upload a CSV file and map its columns, with the bad row flagged in the preview', async () => {
    await signUp(a, account('Langley Research', 'Lena Langley'));
    await a.getByRole('link', { name: 'Import', exact: true }).click();
    await a.waitForURL('**/import?kind=contacts');
    await a.getByRole('heading', { name: 'Import from CSV' }).waitFor();
    await a.getByText('No imports yet').waitFor();
    await a.getByTestId('import-file').setInputFiles({ name: 'nasa-leads.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await a.getByTestId('import-file-name').getByText('nasa-leads.csv').waitFor();
    await a.getByText(/^\d+ B$/).waitFor(); // the size
    await shoot(a, '50-import-upload');

    await a.getByRole('button', { name: 'Upload and map columns' }).click();
    await a.waitForURL(/\/import\?id=[0-9a-f-]{36}$/);
    importURL = new URL(a.url()).pathname + new URL(a.url()).search;
    await a.getByRole('heading', { name: 'Map columns' }).waitFor();

    // The server's guesses from the header names.
    const field = (header: string) => a.getByRole('combobox', { name: `Field for column “${header}”` });
    expect(await field('Full Name').inputValue()).toBe('Full name');
    expect(await field('E-mail').inputValue()).toBe('Email');
    expect(await field('Phone').inputValue()).toBe('Phone');
    expect(await field('Company').inputValue()).toBe('Company');
    expect(await field('Tags').inputValue()).toBe('Tags');
    expect(await field('Notes').inputValue()).toBe('Don’t import');

    // Notes become a custom field; the preview is checked again.
    await field('Notes').click();
    await a.getByRole('option', { name: 'Custom field “Notes”' }).click();
    const preview = a.getByTestId('import-preview');
    await preview.getByRole('columnheader', { name: 'Notes' }).waitFor();
    await preview.getByText('Orbital mechanics').waitFor();

    // Line 4 of the file (Mary Jackson) has a bad email.
    const bad = preview.locator('[data-testid="preview-row"][data-action="fail"]');
    await bad.getByText('Mary Jackson').waitFor();
    expect(await bad.locator('td').first().innerText()).toBe('4');
    await preview.getByText(/E-mail: .*email/i).waitFor();
    expect(await preview.locator('[data-testid="preview-row"][data-action="create"]').count()).toBe(3);
    await a.getByRole('radio', { name: /Skip the row/ }).waitFor();
    await shoot(a, '51-import-mapping');
    await shoot(a, '51-import-preview', { scrollTo: preview });
  });

  test('run it, watch the progress reach done, and download the report of the failed row', async () => {
    await a.getByRole('button', { name: 'Import 4 contacts' }).click();
    const progress = a.getByTestId('import-progress');
    await progress.waitFor();
    await a.locator('[data-testid="import-progress"][data-status="done"]').waitFor({ timeout: 30_000 });
    await a.getByRole('heading', { name: 'Import finished' }).waitFor();
    expect(await a.getByTestId('import-processed').innerText()).toBe('4 of 4 rows');
    expect(await a.getByTestId('import-created').innerText()).toBe('3');
    expect(await a.getByTestId('import-failed').innerText()).toBe('1');
    await a.getByText('Done, with 1 row that could not be imported').waitFor();
    await shoot(a, '52-import-done');

    const [download] = await Promise.all([a.waitForEvent('download'), a.getByRole('link', { name: 'Download report' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const report = readFileSync((await download.path())!, 'utf8');
    const lines = report.trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^row,error,Full Name,E-mail,Phone,Company,Tags,Notes$/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^4,/);
    expect(lines[1]).toMatch(/email/i);
    expect(lines[1]).toContain('Mary Jackson');
    expect(lines[1]).toContain('not-an-email');
  });

  test('the contacts are in the list, and the export carries the filters', async () => {
    await a.getByRole('link', { name: 'View contacts' }).click();
    await a.waitForURL('**/contacts');
    await waitForRows(a, ['Katherine Johnson', 'Dorothy Vaughan', 'Margaret Hamilton']);
    await shoot(a, '53-contacts-imported');

    await a.getByRole('textbox', { name: 'Search contacts' }).fill('nasa');
    await waitForRows(a, ['Katherine Johnson', 'Dorothy Vaughan']);
    const exportLink = a.getByRole('link', { name: 'Export CSV' });
    expect(await exportLink.getAttribute('href')).toContain('q=nasa');
    const [download] = await Promise.all([a.waitForEvent('download'), exportLink.click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toContain('katherine@nasa.example');
    expect(csv).toContain('dorothy@nasa.example');
    expect(csv).not.toContain('margaret@mit.example');

    await a.getByRole('link', { name: 'Katherine Johnson' }).click();
    await a.getByRole('cell', { name: 'Orbital mechanics' }).waitFor();

    await a.goto('/import');
    const row = a.getByTestId('import-row').filter({ hasText: 'nasa-leads.csv' });
    await row.getByText('Done').waitFor();
    await row.getByText('1 row failed').waitFor();
    await shoot(a, '54-imports-list', { scrollTo: a.getByTestId('imports-list') });
  });

  test('deals import too: the wizard offers deal fields, and a file can be discarded', async () => {
    const deals = [
      'Deal Name,Amount,Stage,Contact Email',
      'Apollo guidance,"$1,250.50",Qualified,margaret@mit.example',
      'Orbit tables,900,Lead,katherine@nasa.example',
    ].join('\n');
    await a.goto('/import?kind=contacts');
    await a
      .locator('label')
      .filter({ hasText: /^Deals$/ })
      .click();
    await a.waitForURL('**/import?kind=deals');
    await a.getByTestId('import-file').setInputFiles({ name: 'deals.csv', mimeType: 'text/csv', buffer: Buffer.from(deals) });
    await a.getByRole('button', { name: 'Upload and map columns' }).click();
    await a.getByRole('heading', { name: 'Map columns' }).waitFor();
    const field = (header: string) => a.getByRole('combobox', { name: `Field for column “${header}”` });
    expect(await field('Deal Name').inputValue()).toBe('Title (required)');
    expect(await field('Amount').inputValue()).toBe('Value');
    expect(await field('Stage').inputValue()).toBe('Stage');
    expect(await field('Contact Email').inputValue()).toBe('Contact email');
    // No duplicate policy for deals.
    expect(await a.getByRole('radio', { name: /Skip the row/ }).count()).toBe(0);
    // Without a title the server would refuse: the wizard says so and will not start.
    await field('Deal Name').click();
    await a.getByRole('option', { name: 'Don’t import' }).click();
    await a.getByText('Map a column to the deal’s Title.').waitFor();
    expect(await a.getByRole('button', { name: 'Import 2 deals' }).isDisabled()).toBe(true);
    await field('Deal Name').click();
    await a.getByRole('option', { name: 'Title (required)' }).click();
    await a.locator('[data-testid="preview-row"][data-action="create"]').nth(1).waitFor();
    await shoot(a, '56-import-deals-mapping');

    await a.getByRole('button', { name: 'Discard' }).click();
    await a.getByRole('dialog', { name: 'Discard this import?' }).getByRole('button', { name: 'Discard' }).click();
    await a.waitForURL('**/import?kind=deals');
    await a.getByTestId('import-row').first().waitFor();
    await expect.poll(() => a.getByTestId('import-row').filter({ hasText: 'deals.csv' }).count()).toBe(0);
  });

  test('Settings shows the storage the import files take', async () => {
    // The discarded deals file is gone; the contacts file stays until its import is deleted.
    await a.goto('/settings/company');
    const card = a.getByTestId('storage-usage');
    await card
      .getByTestId('storage-used')
      .filter({ hasText: `${Buffer.byteLength(CSV)} B of 1 GB used` })
      .waitFor();
    await card.getByText('1 import file').waitFor();
    // A few hundred bytes of a gigabyte: the bar is there, too thin to see.
    const bar = card.getByRole('progressbar', { name: 'Storage used' });
    await bar.waitFor({ state: 'attached' });
    expect(Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThan(0);
    await shoot(a, '57-settings-storage', { scrollTo: card });
  });

  test('another company sees none of it', async () => {
    await signUp(b, account('Globex', 'Gary Globex'));
    await b.getByRole('heading', { name: 'No contacts yet' }).waitFor();
    await b.goto('/settings/company');
    await b.getByTestId('storage-used').filter({ hasText: '0 B of 1 GB used' }).waitFor();
    await b.goto('/import');
    await b.getByText('No imports yet').waitFor();
    expect(await b.getByText('nasa-leads.csv').count()).toBe(0);

    // A's import and its report are not found, exactly like ids that never existed.
    await b.goto(importURL);
    await b.getByRole('heading', { name: 'Import not found' }).waitFor();
    expect(await b.getByText('Mary Jackson').count()).toBe(0);
    const id = new URLSearchParams(importURL.split('?')[1]).get('id');
    const res = await b.request.get(`/api/imports/${id}/failures.csv`);
    expect(res.status()).toBe(404);
    expect(await res.text()).not.toContain('Mary Jackson');
    const exported = await (await b.request.get('/api/contacts/export.csv')).text();
    expect(exported).not.toContain('nasa.example');
    await shoot(b, '55-import-not-found');
  });
});
