import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The server under test, started by e2e/run.mjs. */
export const baseURL = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:8080';
export const artifacts = process.env.E2E_ARTIFACTS ?? fileURLToPath(new URL('./artifacts', import.meta.url));
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 812 };

/** A browser; Playwright gives each launch a fresh, throw-away user-data-dir. */
export interface TestBrowser {
  browser: Browser;
  close: () => Promise<void>;
}

export async function launch(): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close().catch(() => undefined);
    },
  };
}

let addresses = 0;
function nextAddress(): string {
  addresses += 1;
  return `10.${process.pid % 250}.${(addresses >> 8) & 255}.${addresses & 255}`;
}

/** newContext is a fresh session (its own cookies), like a second person at another computer. */
export async function newContext(browser: Browser, opts: { locale?: string; timezoneId?: string } = {}): Promise<BrowserContext> {
  const ctx = await browser.newContext({
    baseURL,
    viewport: DESKTOP,
    colorScheme: 'light',
    locale: opts.locale ?? 'en-US',
    timezoneId: opts.timezoneId ?? 'UTC',
    // Each person is at an address of their own, as people are: the server
    // (which trusts X-Forwarded-For from loopback in these tests) counts
    // sign-ups and guesses per address.
    extraHTTPHeaders: { 'X-Forwarded-For': nextAddress() },
  });
  ctx.setDefaultTimeout(15_000);
  ctx.setDefaultNavigationTimeout(20_000);
  return ctx;
}

/**
 * shoot saves the page at desktop and phone width into artifacts/ as
 * <name>.desktop.png and <name>.phone.png (without the passing toasts), and
 * fails the test if the phone layout scrolls sideways. With scrollTo, the
 * page is scrolled at each width so that element is at the top of the picture.
 */
export async function shoot(page: Page, name: string, opts: { scrollTo?: Locator } = {}): Promise<void> {
  mkdirSync(artifacts, { recursive: true });
  const original = page.viewportSize() ?? DESKTOP;
  const hideToasts = await page.addStyleTag({
    content: '.mantine-Notifications-root { display: none !important; }',
  });
  await page.mouse.move(DESKTOP.width - 1, DESKTOP.height - 1); // no hover tooltips in the pictures
  const scroll = async () => {
    // Below the app's fixed header (60px), with a little air.
    if (opts.scrollTo) await opts.scrollTo.evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 72));
  };
  await page.setViewportSize(DESKTOP);
  await settle(page);
  await scroll();
  await page.screenshot({ path: join(artifacts, `${name}.desktop.png`) });
  await page.setViewportSize(PHONE);
  await settle(page);
  await scroll();
  await page.screenshot({ path: join(artifacts, `${name}.phone.png`) });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await page.setViewportSize(original);
  await hideToasts.evaluate((el) => (el as Element).remove());
  await settle(page);
  if (overflow > 1) throw new Error(`${name}: the page scrolls sideways by ${overflow}px at phone width`);
}

async function settle(page: Page) {
  // Let layout, transitions and fonts finish so screenshots are stable.
  await page.evaluate(() => document.fonts?.ready);
  await page.waitForTimeout(250);
}

let counter = 0;
/** unique makes emails and names that never collide within a run. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

export interface Account {
  company: string;
  name: string;
  email: string;
  password: string;
}

export function account(company: string, name: string): Account {
  const slug = unique(company.toLowerCase().replace(/[^a-z]+/g, ''));
  return {
    company,
    name,
    email: `${slug}@example.com`,
    password: 'correct horse battery',
  };
}

/** signUp creates a company through the sign-up page, lands on the dashboard and opens the contacts page. */
export async function signUp(page: Page, a: Account, screenshot?: string): Promise<void> {
  await page.goto('/signup');
  await page.getByRole('textbox', { name: 'Company name', exact: true }).fill(a.company);
  await page.getByRole('textbox', { name: 'Your name', exact: true }).fill(a.name);
  await page.getByRole('textbox', { name: 'Work email', exact: true }).fill(a.email);
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(a.password);
  if (screenshot) await shoot(page, screenshot);
  await page.getByRole('button', { name: 'Create account' }).click();
  // Sign-up lands on the dashboard; the tests built on this helper start from the contacts page.
  await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
  await page.goto('/contacts');
  await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
}

/** logIn signs in through the login page and opens the contacts page. */
export async function logIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByRole('textbox', { name: 'Email', exact: true }).fill(email);
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  // Logging in lands on the dashboard (or the page asked for); the tests built on this helper continue on the contacts page.
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  if (new URL(page.url()).pathname !== '/contacts') await page.goto('/contacts');
  await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
}

export interface NewContact {
  first: string;
  last: string;
  email?: string;
  phone?: string;
  company?: string;
  title?: string;
  tags?: string[];
}

/** createContact fills the "New contact" form and waits for the modal to close. */
export async function createContact(page: Page, c: NewContact): Promise<void> {
  await page
    .getByRole('button', { name: /New contact|Add your first contact/ })
    .first()
    .click();
  const dialog = page.getByRole('dialog', { name: 'New contact' });
  await dialog.waitFor();
  await dialog.getByRole('textbox', { name: 'First name', exact: true }).fill(c.first);
  await dialog.getByRole('textbox', { name: 'Last name', exact: true }).fill(c.last);
  if (c.email) await dialog.getByRole('textbox', { name: 'Email', exact: true }).fill(c.email);
  if (c.phone) await dialog.getByRole('textbox', { name: 'Phone', exact: true }).fill(c.phone);
  if (c.company) await dialog.getByRole('textbox', { name: 'Company', exact: true }).fill(c.company);
  if (c.title) await dialog.getByRole('textbox', { name: 'Job title', exact: true }).fill(c.title);
  for (const t of c.tags ?? []) {
    await dialog.getByRole('combobox', { name: 'Tags', exact: true }).fill(t);
    await dialog.getByRole('combobox', { name: 'Tags', exact: true }).press('Enter');
  }
  await dialog.getByRole('button', { name: 'Create contact' }).click();
  await dialog.waitFor({ state: 'hidden' });
}

/** rowNames lists the contact names shown in the contacts table. */
export async function rowNames(page: Page): Promise<string[]> {
  return page.getByTestId('contact-row').locator('a.crm-link-cell').allInnerTexts();
}

/** waitForRows waits until the contacts table shows exactly these names (in any order). */
export async function waitForRows(page: Page, names: string[], timeout = 10_000): Promise<void> {
  const want = [...names].sort().join('|');
  const deadline = Date.now() + timeout;
  let got = '';
  while (Date.now() < deadline) {
    got = (await rowNames(page)).sort().join('|');
    if (got === want) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`contacts table shows [${got}], want [${want}]`);
}

/** api calls the server directly (for checks outside the browser, e.g. an API token). */
export async function apiGet(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(new URL(path, baseURL), { headers });
}

/**
 * failFast makes the tests of one describe block a story: after the first
 * failure the rest are skipped (they would only time out), and each open page
 * is saved as FAILED-<test>-<n>.png for the post-mortem.
 */
export function failFast(pages: () => (Page | undefined)[]): void {
  let failed = false;
  beforeEach((ctx) => {
    if (failed) {
      ctx.skip();
      return;
    }
    ctx.onTestFailed(async () => {
      failed = true;
      mkdirSync(artifacts, { recursive: true });
      const slug = ctx.task.name
        .replace(/[^a-z0-9]+/gi, '-')
        .toLowerCase()
        .slice(0, 60);
      let n = 0;
      for (const p of pages()) {
        n += 1;
        if (!p || p.isClosed()) continue;
        await p
          .screenshot({
            path: join(artifacts, `FAILED-${slug}-${n}.png`),
            fullPage: true,
          })
          .catch(() => undefined);
        console.error(`[e2e] page ${n} was at ${p.url()}`);
      }
    });
  });
}
