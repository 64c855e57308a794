import { createHmac, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { account, artifacts, baseURL, createContact, failFast, launch, newContext, shoot, signUp, waitForRows, type TestBrowser } from './lib';

// SMS and phone calls through Twilio. The server talks to a fake Twilio
// (e2e/fake-twilio.mjs, real HTTP) that records what it was sent and knows
// which numbers each account owns; inbound texts arrive as signed webhooks
// posted from here. An admin connects Twilio and adds a number (refused until
// the Twilio account has it), widens the countries texts may go to, texts a
// contact from the contact page, gets a reply (and a STOP, then opts them
// back in with evidence), calls the contact and keeps notes; a second company
// tries the built-in simulator, which gives it a fictional number, and sees
// none of the first company's texts and calls.

const twilioURL = process.env.E2E_TWILIO_URL ?? '';
// The fake's token (fake-twilio.mjs): alphanumeric, as twilio-go insists.
const TOKEN = 'e2eauthtoken0123456789abcdef';
const hex32 = () => randomBytes(16).toString('hex');
const SID = `AC${hex32()}`;
const NUMBER = '+15005550006';
const ADA_PHONE = '+14155550123';
const MY_PHONE = '+14155550199';

interface FakeRequest {
  method: string;
  path: string;
  user: string;
  form: Record<string, string>;
  status: number;
  response: { sid?: string } | null;
}

/** ownNumbers tells the fake Twilio which numbers an account owns (as buying them in the console would). */
async function ownNumbers(sid: string, numbers: string[]): Promise<void> {
  const res = await fetch(`${twilioURL}/__accounts/${sid}/numbers`, { method: 'PUT', body: JSON.stringify({ numbers }) });
  if (!res.ok) throw new Error(`the fake Twilio refused the numbers: ${res.status}`);
}

async function twilioRequests(): Promise<FakeRequest[]> {
  const res = await fetch(`${twilioURL}/__requests`);
  return (await res.json()) as FakeRequest[];
}

/** waitForTwilio waits until the fake Twilio has received a request that matches. */
async function waitForTwilio(match: (r: FakeRequest) => boolean, what: string, timeout = 15_000): Promise<FakeRequest> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const hit = (await twilioRequests()).find(match);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the fake Twilio never received ${what}; it got: ${JSON.stringify(await twilioRequests())}`);
}

/** signature is Twilio's X-Twilio-Signature: base64(HMAC-SHA1(token, url + sorted key+value pairs)). */
function signature(token: string, url: string, params: Record<string, string>): string {
  const data =
    url +
    Object.keys(params)
      .sort()
      .map((k) => k + params[k])
      .join('');
  return createHmac('sha1', token).update(data, 'utf8').digest('base64');
}

/** webhook posts a form to the server (a path, or a full URL it gave Twilio) as Twilio would, signed with the token unless another signature is given. */
async function webhook(path: string, params: Record<string, string>, sig?: string): Promise<Response> {
  const url = path.startsWith('http') ? path : `${baseURL}${path}`;
  return fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Twilio-Signature': sig ?? signature(TOKEN, url, params),
    },
    body: new URLSearchParams(params).toString(),
  });
}

function inboundSms(body: string, from = ADA_PHONE): Record<string, string> {
  return {
    MessageSid: `SM${hex32()}`,
    AccountSid: SID,
    From: from,
    To: NUMBER,
    Body: body,
    NumMedia: '0',
  };
}

function thread(page: Page, name: string) {
  return page.locator(`[data-testid=sms-thread][data-name="${name}"]`);
}

async function openContact(page: Page, name: string) {
  await page.goto('/contacts');
  await page.getByRole('link', { name }).click();
  await page.waitForURL(/\/contacts\/[0-9a-f-]{36}$/);
  await page.getByRole('heading', { name, level: 1 }).waitFor();
}

describe('sms and calls', () => {
  let tb: TestBrowser;
  let a: Page;
  let b: Page;
  let threadURL = '';
  const owner = account('Hooli', 'Gavin Belson');

  beforeAll(async () => {
    if (!twilioURL) throw new Error('E2E_TWILIO_URL is not set: run through e2e/run.mjs');
    tb = await launch();
    a = await (await newContext(tb.browser)).newPage();
    b = await (await newContext(tb.browser)).newPage();
  });
  afterAll(async () => tb?.close());
  failFast(() => [a, b]);

  test('an admin connects Twilio, checks it, adds a number and sets their own phone', async () => {
    await signUp(a, owner);
    await createContact(a, {
      first: 'Ada',
      last: 'Lovelace',
      phone: '+1 415 555 0123',
      company: 'Analytical Engines',
    });
    await waitForRows(a, ['Ada Lovelace']);

    // Before anything is connected the SMS page says where to go.
    await a.getByRole('link', { name: 'SMS' }).click();
    await a.getByRole('heading', { name: 'Texting is not set up yet' }).waitFor();
    await shoot(a, '80-sms-not-set-up');
    await a.getByRole('link', { name: 'Connect Twilio in Settings → Phone' }).click();
    await a.waitForURL('**/settings/phone');

    const conn = a.getByTestId('twilio-connection');
    await conn.getByRole('radio', { name: /^Twilio/ }).waitFor();
    // A malformed SID is refused by the server, next to the field.
    await conn.getByRole('textbox', { name: 'Account SID' }).fill('AC123');
    await conn.getByLabel('Auth token').fill('wrongtoken0123456789');
    await conn.getByRole('button', { name: 'Save and connect' }).click();
    await conn.locator('.mantine-InputWrapper-error').first().waitFor();
    expect(await conn.locator('.mantine-InputWrapper-error').first().innerText()).toMatch(/./);
    await shoot(a, '81-phone-settings-errors', { scrollTo: conn });

    // A well-formed SID with the wrong token saves, but the check says it fails.
    await conn.getByRole('textbox', { name: 'Account SID' }).fill(SID);
    await conn.getByRole('button', { name: 'Save and connect' }).click();
    await conn.getByTestId('twilio-status').filter({ hasText: 'Connected' }).waitFor();
    await conn.getByRole('button', { name: 'Test connection' }).click();
    await conn.getByText('Connection failed').waitFor();
    await conn.getByText(/refused the Account SID and auth token/).waitFor();

    // The token is never shown again; a new one replaces it.
    expect(await conn.getByLabel('Auth token').inputValue()).toBe('');
    expect(await conn.getByLabel('Auth token').getAttribute('placeholder')).toBe('•••••• stored');
    await conn.getByLabel('Auth token').fill(TOKEN);
    await conn.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => conn.getByRole('button', { name: 'Save changes' }).isDisabled()).toBe(true);
    await conn.getByRole('button', { name: 'Test connection' }).click();
    await conn.getByText('Connection works').waitFor();
    await waitForTwilio((r) => r.path === `/2010-04-01/Accounts/${SID}.json` && r.status === 200, 'an authenticated account check');

    // Recording is on by default; the company writes its own notice and
    // greeting, and they are kept.
    const recording = conn.getByTestId('call-recording');
    expect(await recording.getByRole('switch', { name: 'Record answered calls' }).isChecked()).toBe(true);
    await recording.getByRole('textbox', { name: 'Recording notice' }).fill('Calls with Hooli are recorded for training.');
    await recording.getByRole('textbox', { name: 'Voicemail greeting' }).fill('You reached Hooli sales. Leave a message.');
    await conn.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => conn.getByRole('button', { name: 'Save changes' }).isDisabled()).toBe(true);
    await a.reload();
    await recording.getByRole('textbox', { name: 'Recording notice' }).waitFor();
    expect(await recording.getByRole('textbox', { name: 'Recording notice' }).inputValue()).toBe('Calls with Hooli are recorded for training.');
    expect(await recording.getByRole('textbox', { name: 'Voicemail greeting' }).inputValue()).toBe('You reached Hooli sales. Leave a message.');
    await shoot(a, '95-call-recording', { scrollTo: recording });

    // Webhook URLs to paste into the Twilio console.
    const smsHook = a.getByRole('textbox', { name: 'SMS URL', exact: true });
    expect(await smsHook.inputValue()).toBe(`${baseURL}/webhooks/twilio/sms`);

    // A number the Twilio account does not have is refused, next to the
    // field: the server asked Twilio.
    await a.getByRole('button', { name: 'Add number' }).click();
    const dialog = a.getByRole('dialog', { name: 'Add a phone number' });
    await dialog.getByRole('textbox', { name: 'Number' }).fill('+1 500 555 0006');
    await dialog.getByRole('textbox', { name: 'Label' }).fill('Sales line');
    await dialog.getByRole('button', { name: 'Add number' }).click();
    await dialog
      .locator('.mantine-InputWrapper-error')
      .filter({ hasText: /not a number of the Twilio account/i })
      .waitFor();
    const lookup = await waitForTwilio((r) => r.path === `/2010-04-01/Accounts/${SID}/IncomingPhoneNumbers.json`, 'the ownership check');
    expect(lookup.user).toBe(SID);
    expect(lookup.status).toBe(200);
    await shoot(a, '81-number-not-in-account');
    // Once the account has it, it is added.
    await ownNumbers(SID, [NUMBER]);
    await dialog.getByRole('button', { name: 'Add number' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await a.locator(`[data-testid=number-row][data-number="${NUMBER}"]`).waitFor();

    // Limits: no text or call yet today, and texts go to the countries of
    // the company's numbers (the US) until an admin adds more.
    const limits = a.getByTestId('phone-limits');
    await limits.getByTestId('usage-sms').getByText('0 of 1,000 today').waitFor();
    expect(await limits.getByTestId('usage-calls').getAttribute('data-limit')).toBe('300');
    const countries = limits.getByTestId('allowed-countries');
    await countries.getByText('The default: the countries of your numbers (United States)', { exact: false }).waitFor();
    await countries.getByLabel('Countries texts and calls may go to').click();
    await countries.getByLabel('Countries texts and calls may go to').fill('Canada');
    await a.getByRole('option', { name: 'Canada (CA)' }).click();
    await countries.getByRole('button', { name: 'Save countries' }).click();
    await countries.getByText('Chosen by an admin', { exact: false }).waitFor();
    await shoot(a, '82-phone-limits', { scrollTo: limits });

    await a.getByRole('textbox', { name: 'Your phone number' }).fill('+1 415 555 0199');
    await a.getByRole('button', { name: 'Save phone' }).click();
    await a.getByText('Your phone is +1 415 555 0199.').waitFor();
    await shoot(a, '82-phone-settings');
  });

  test('text a contact from the contact page; the text reaches Twilio', async () => {
    await openContact(a, 'Ada Lovelace');
    await a.getByRole('button', { name: 'Text Ada Lovelace' }).click();
    // No conversation yet: a new message to Ada.
    const dialog = a.getByRole('dialog', { name: 'New message' });
    await dialog.waitFor();
    await expect.poll(() => dialog.getByRole('combobox', { name: 'To' }).inputValue()).toBe('Ada Lovelace');
    const text = 'Hi Ada, your engines ship Monday {tracking}';
    await dialog.getByRole('textbox', { name: 'Message' }).fill(text);
    // {} are GSM extension characters: two places each.
    await dialog.getByTestId('sms-counter').getByText('43 chars · 1 segment').waitFor();
    await shoot(a, '83-sms-new-message');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await a.waitForURL(/\/sms\/[0-9a-f-]{36}$/);
    threadURL = new URL(a.url()).pathname;

    const bubble = a.getByTestId('sms-message').filter({ hasText: text });
    await bubble.waitFor();
    expect(['queued', 'sending', 'sent', 'delivered']).toContain(await bubble.getAttribute('data-status'));
    const sent = await waitForTwilio((r) => r.path === `/2010-04-01/Accounts/${SID}/Messages.json`, 'the text');
    expect(sent.form.To).toBe(ADA_PHONE);
    expect(sent.form.From).toBe(NUMBER);
    expect(sent.form.Body).toBe(text);
    expect(sent.user).toBe(SID);
    expect(sent.form.StatusCallback).toContain(`${baseURL}/webhooks/twilio/sms/status`);

    // A text to a country the company does not text is refused by the server.
    const abroad = await a.evaluate(async () => {
      const res = await fetch('/api/sms/messages', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ to: '+442079460018', body: 'Hello London' }),
      });
      return { status: res.status, body: await res.json() };
    });
    expect(abroad.status).toBe(422);
    expect(JSON.stringify(abroad.body)).toContain('a country the company does not text or call');

    // Twilio reports delivery to the callback it was given; the bubble follows without a reload.
    const report = (status: string, extra: Record<string, string> = {}) =>
      webhook(sent.form.StatusCallback, {
        MessageSid: sent.response?.sid ?? '',
        MessageStatus: status,
        AccountSid: SID,
        From: NUMBER,
        To: ADA_PHONE,
        ...extra,
      });
    expect((await report('sent')).status).toBeLessThan(300);
    expect((await report('delivered')).status).toBeLessThan(300);
    await expect.poll(() => bubble.getAttribute('data-status'), { timeout: 10_000 }).toBe('delivered');

    // A text that does not arrive says why.
    const composer = a.getByTestId('sms-composer');
    await composer.getByRole('textbox', { name: 'Message' }).fill('Did you get the tracking number?');
    await composer.getByTestId('sms-counter').getByText('32 chars · 1 segment').waitFor();
    await composer.getByRole('button', { name: 'Send' }).click();
    const second = await waitForTwilio((r) => r.form.Body === 'Did you get the tracking number?', 'the second text');
    // The send job can reach Twilio before the browser has the API's answer.
    await expect.poll(() => composer.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('');
    const failed = await webhook(second.form.StatusCallback, {
      MessageSid: second.response?.sid ?? '',
      MessageStatus: 'undelivered',
      AccountSid: SID,
      From: NUMBER,
      To: ADA_PHONE,
      ErrorCode: '30003',
      ErrorMessage: 'Unreachable destination handset',
    });
    expect(failed.status).toBeLessThan(300);
    const status = a.getByTestId('sms-message').filter({ hasText: 'Did you get the tracking number?' }).getByTestId('sms-status');
    await expect.poll(() => status.getAttribute('data-status'), { timeout: 10_000 }).toBe('undelivered');
    expect(await status.getAttribute('aria-label')).toBe('Undelivered. Error 30003: Unreachable destination handset');
    await status.hover();
    await a.getByRole('tooltip').getByText('Error 30003: Unreachable destination handset').waitFor();
    await thread(a, 'Ada Lovelace').waitFor();
    await a.screenshot({ path: join(artifacts, '84-sms-delivery-error.png') });
    await shoot(a, '84-sms-thread');
  });

  test('a signed inbound text shows up unread; a bad signature is refused', async () => {
    await a.goto('/sms');
    await thread(a, 'Ada Lovelace').waitFor();

    const bad = await webhook('/webhooks/twilio/sms', inboundSms('Forged'), 'bm90IGEgc2lnbmF0dXJl');
    expect(bad.status).toBe(403);
    const unsigned = await fetch(`${baseURL}/webhooks/twilio/sms`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(inboundSms('Forged')).toString(),
    });
    expect(unsigned.status).toBe(403);

    const ok = await webhook('/webhooks/twilio/sms', inboundSms('Hello from e2e'));
    expect(ok.status).toBe(200);
    // The list polls: the reply and its unread badge appear on their own.
    const row = thread(a, 'Ada Lovelace');
    await row.getByTestId('thread-unread').waitFor({ timeout: 10_000 });
    await row.getByText('Hello from e2e').waitFor();
    await a.getByTestId('nav-unread').waitFor();
    await shoot(a, '85-sms-unread');

    await row.click();
    await a.getByTestId('sms-message').filter({ hasText: 'Hello from e2e' }).waitFor();
    expect(await a.getByTestId('sms-message').filter({ hasText: 'Hello from e2e' }).getAttribute('data-direction')).toBe('inbound');
    // Opening it reads it.
    await row.getByTestId('thread-unread').waitFor({ state: 'detached' });
    expect(await a.getByTestId('sms-message').filter({ hasText: 'Forged' }).count()).toBe(0);
  });

  test('STOP opts the contact out: the thread says so and Send is disabled', async () => {
    const ok = await webhook('/webhooks/twilio/sms', inboundSms('STOP'));
    expect(ok.status).toBe(200);
    await a.getByTestId('opted-out-note').waitFor({ timeout: 10_000 });
    await thread(a, 'Ada Lovelace').getByTestId('thread-opted-out').waitFor();
    const composer = a.getByTestId('sms-composer');
    expect(await composer.getByRole('textbox', { name: 'Message' }).isDisabled()).toBe(true);
    expect(await composer.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    await shoot(a, '86-sms-opted-out');

    // The server refuses too, with the reason on the recipient.
    const r = await a.evaluate(async () => {
      const res = await fetch('/api/sms/messages', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ to: '+14155550123', body: 'Are you there?' }),
      });
      return { status: res.status, body: await res.json() };
    });
    expect(r.status).toBe(422);
    expect(JSON.stringify(r.body)).toContain('opted out');

    // The consent record says when, how and on which number.
    await a.getByRole('button', { name: 'SMS consent history' }).click();
    const history = a.getByRole('dialog', { name: /SMS consent/ });
    await history.getByTestId('consent-history').getByText('Texted STOP to +1 500 555 0006').waitFor();
    await shoot(a, '86-sms-consent-history');

    // Opting them back in by hand needs the evidence: how, when, what they said.
    await history.getByRole('button', { name: 'Opt back in with evidence…' }).click();
    const evidence = history.getByTestId('consent-evidence-form');
    await evidence.getByRole('button', { name: 'Opt back in' }).click();
    await evidence.getByText('How did they agree?').waitFor();
    await evidence.getByText('Write down what they said or signed').waitFor();
    await evidence.getByLabel('How they agreed').click();
    await a.getByRole('option', { name: 'Verbally, on a call' }).click();
    await evidence.getByRole('textbox', { name: 'What they said or signed' }).fill('Yes, text me when the engines ship.');
    await shoot(a, '86-sms-consent-evidence');
    await evidence.getByRole('button', { name: 'Opt back in' }).click();
    await history
      .getByTestId('consent-evidence')
      .filter({ hasText: 'Verbally, on a call' })
      .filter({ hasText: 'Yes, text me when the engines ship.' })
      .waitFor();
    await history.getByText(`Set by hand by ${owner.name}`).waitFor();
    await shoot(a, '86-sms-consent-opted-in');
    await history.getByRole('button', { name: 'Close' }).click();
    await history.waitFor({ state: 'hidden' });
    await a.getByTestId('opted-out-note').waitFor({ state: 'detached', timeout: 10_000 });
  });

  test('click-to-call from the contact page, then notes on the call land on the timeline', async () => {
    await openContact(a, 'Ada Lovelace');
    await a.getByRole('button', { name: /^Call Ada Lovelace/ }).click();
    await a.getByText('Ringing your phone…').waitFor();
    const dial = await waitForTwilio((r) => r.path === `/2010-04-01/Accounts/${SID}/Calls.json`, 'the call');
    // Twilio rings my phone first, from the company number.
    expect(dial.form.To).toBe(MY_PHONE);
    expect(dial.form.From).toBe(NUMBER);

    await a.getByRole('link', { name: 'Calls', exact: true }).click();
    await a.waitForURL('**/calls');
    const row = a.locator('[data-testid=call-row][data-party="Ada Lovelace"]');
    await row.waitFor();
    await shoot(a, '87-calls');
    // Filters: "me" keeps it, incoming hides it.
    await a.getByRole('combobox', { name: 'Filter by user' }).click();
    await a.getByRole('option', { name: 'Me' }).click();
    await row.waitFor();
    await a.getByRole('combobox', { name: 'Filter by direction' }).click();
    await a.getByRole('option', { name: 'Incoming' }).click();
    await a.getByRole('heading', { name: 'No calls match' }).waitFor();
    await a.getByRole('button', { name: 'Clear filters' }).click();

    await row.getByRole('button', { name: /Call to Ada Lovelace/ }).click();
    const drawer = a.getByRole('dialog', { name: /Call to Ada Lovelace/ });
    await drawer.waitFor();
    await drawer.getByRole('textbox', { name: 'Notes' }).fill('Discussed the spring delivery.\nSend the revised quote.');
    await drawer.getByRole('button', { name: 'Save notes' }).click();
    await a.getByText('Notes saved to the contact’s timeline.').waitFor();
    await shoot(a, '88-call-drawer');
    await a.keyboard.press('Escape');

    await openContact(a, 'Ada Lovelace');
    const feed = a.getByTestId('timeline-feed');
    await feed.locator('[data-kind=call-log]').getByTestId('timeline-call-notes').filter({ hasText: 'Discussed the spring delivery.' }).waitFor();
    // The call activity that holds the notes is not shown twice beside its call.
    expect(await feed.locator('[data-kind=call]').filter({ hasText: 'Discussed the spring delivery.' }).count()).toBe(0);
    await feed.getByText('Hello from e2e').waitFor();
    await shoot(a, '89-contact-timeline-phone', {
      scrollTo: a.getByTestId('timeline'),
    });

    // A deal calls and texts its contact too.
    const contactId = new URL(a.url()).pathname.split('/').pop();
    const deal = await a.evaluate(async (id) => {
      const res = await fetch('/api/deals', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ title: 'Engine order', contact_id: id }),
      });
      return (await res.json()) as { id: string };
    }, contactId);
    await a.goto(`/deals/${deal.id}`);
    // Its timeline holds Ada's texts and calls.
    const dealFeed = a.getByTestId('timeline-feed');
    await dealFeed.getByText('Hello from e2e').waitFor();
    await dealFeed.locator('[data-kind=call-log]').getByTestId('timeline-call-notes').filter({ hasText: 'Discussed the spring delivery.' }).waitFor();
    const buttons = a.getByTestId('contact-phone-buttons');
    await buttons.getByRole('button', { name: /^Call Ada Lovelace/ }).waitFor();
    await buttons.getByRole('button', { name: 'Text Ada Lovelace' }).click();
    // Ada has a conversation now: the button opens it.
    await a.waitForURL(threadURL);
    await a.getByTestId('sms-message').filter({ hasText: 'Hello from e2e' }).waitFor();
  });

  test('a second company tries the simulator and sees none of the first company’s texts and calls', async () => {
    await signUp(b, account('Raviga', 'Laurie Bream'));
    await createContact(b, {
      first: 'Bob',
      last: 'Builder',
      phone: '+1 415 555 0177',
    });
    await waitForRows(b, ['Bob Builder']);
    await b.goto('/settings/phone');
    const conn = b.getByTestId('twilio-connection');
    await conn.getByRole('radio', { name: /^Simulator/ }).click();
    await conn.getByText('Try SMS and calls without a Twilio account — nothing is really sent.').waitFor();
    await conn.getByRole('button', { name: 'Save and connect' }).click();
    await conn.getByTestId('twilio-status').filter({ hasText: 'Simulator' }).waitFor();

    // The simulator gives out a fictional number; there is nothing to type,
    // so no real number (Hooli's included) can be taken.
    await b.getByRole('button', { name: 'Get a number' }).click();
    const dialog = b.getByRole('dialog', { name: 'Get a simulated number' });
    await dialog.getByTestId('simulated-number-note').waitFor();
    expect(await dialog.getByRole('textbox', { name: 'Number' }).count()).toBe(0);
    await shoot(b, '90-simulated-number');
    await dialog.getByRole('button', { name: 'Get a number' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const simRow = b.getByTestId('number-row').first();
    await simRow.waitFor();
    const simNumber = (await simRow.getAttribute('data-number')) ?? '';
    expect(simNumber).toMatch(/^\+1[2-9]\d{2}55501\d{2}$/);
    // The server refuses a real number too, even asked directly.
    const real = await b.evaluate(async (n) => {
      const res = await fetch('/api/twilio-settings/numbers', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ number: n }),
      });
      return res.status;
    }, NUMBER);
    expect(real).toBe(422);

    const before = (await twilioRequests()).length;
    await openContact(b, 'Bob Builder');
    await b.getByRole('button', { name: 'Text Bob Builder' }).click();
    const compose = b.getByRole('dialog', { name: 'New message' });
    await compose.getByRole('textbox', { name: 'Message' }).fill('Can we fix it? 🛠️');
    await compose.getByTestId('sms-counter').getByText('Unicode').waitFor();
    await compose.getByRole('button', { name: 'Send' }).click();
    await b.waitForURL(/\/sms\/[0-9a-f-]{36}$/);
    const bubble = b.getByTestId('sms-message').filter({ hasText: 'Can we fix it?' });
    await expect.poll(() => bubble.getAttribute('data-status'), { timeout: 20_000 }).toBe('delivered');
    await b.getByTestId('simulated-badge').first().waitFor();

    await b.getByRole('button', { name: 'Simulate inbound SMS' }).click();
    const sim = b.getByRole('dialog', { name: 'Simulate inbound SMS' });
    await expect.poll(() => sim.getByRole('textbox', { name: 'From' }).inputValue()).toBe('+14155550177');
    await sim.getByRole('textbox', { name: 'Message' }).fill('Yes we can!');
    await sim.getByRole('button', { name: 'Simulate' }).click();
    await sim.waitFor({ state: 'hidden' });
    await b.getByTestId('sms-message').filter({ hasText: 'Yes we can!' }).waitFor();
    await shoot(b, '91-sms-simulator');
    // The simulator never called Twilio.
    expect((await twilioRequests()).slice(before).filter((r) => r.form.From === simNumber)).toEqual([]);

    await b.getByRole('link', { name: 'Calls', exact: true }).click();
    await b.getByRole('button', { name: 'Simulate inbound call' }).click();
    const simCall = b.getByRole('dialog', { name: 'Simulate inbound call' });
    await simCall.getByRole('textbox', { name: 'From' }).fill('+1 415 555 0177');
    await simCall.getByRole('button', { name: 'Simulate' }).click();
    await simCall.waitFor({ state: 'hidden' });
    await b.locator('[data-testid=call-row][data-party="Bob Builder"]').waitFor();
    expect(await b.locator('[data-testid=call-row][data-party="Ada Lovelace"]').count()).toBe(0);
    await shoot(b, '92-calls-simulator');

    // None of Hooli's conversations, and its thread URL is not found.
    await b.goto('/sms');
    await thread(b, 'Bob Builder').waitFor();
    // The dark theme, with a conversation open.
    await b.getByRole('button', { name: 'Switch to dark theme' }).click();
    await thread(b, 'Bob Builder').click();
    await b.getByTestId('sms-message').filter({ hasText: 'Yes we can!' }).waitFor();
    await shoot(b, '94-sms-dark');
    await b.getByRole('button', { name: 'Switch to light theme' }).click();
    await b.goto('/sms');
    expect(await thread(b, 'Ada Lovelace').count()).toBe(0);
    await b.goto(threadURL);
    await b.getByTestId('thread-not-found').waitFor();
    await shoot(b, '93-thread-not-found');
  });
});
