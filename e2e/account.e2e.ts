import { createHmac } from 'node:crypto';
import type { Page } from 'playwright-core';
import { account, failFast, launch, newContext, shoot, signUp, unique, type TestBrowser } from './lib';

// RFC 6238 TOTP (SHA-1, 30 s, 6 digits), as an authenticator app computes it.
function totp(secret: string, at = Date.now()): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secret.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/** toCodeStep logs in with the password and waits for the question for the code. */
async function toCodeStep(page: Page, email: string, password: string) {
  await page.goto('/login');
  await page.getByRole('textbox', { name: 'Email', exact: true }).fill(email);
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByText('This account uses two-step sign-in').waitFor();
}

async function loginWithCode(page: Page, email: string, password: string, code: () => string) {
  await toCodeStep(page, email, password);
  await page.getByRole('textbox', { name: 'Code', exact: true }).fill(code());
  await page.getByRole('button', { name: 'Verify and log in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

// Account & security: two-step sign-in, the login's code step, sessions
// signed out from elsewhere, a password change, and a company that requires
// two-step sign-in from a new member.
describe('account security', () => {
  let tb: TestBrowser;
  let owner: Page;
  let laptop: Page;
  let member: Page;
  const me = account('Stark Industries', 'Pepper Potts');
  let secret = '';

  beforeAll(async () => {
    tb = await launch();
    owner = await (await newContext(tb.browser)).newPage();
    laptop = await (await newContext(tb.browser)).newPage();
    member = await (await newContext(tb.browser)).newPage();
  });
  afterAll(async () => tb?.close());
  failFast(() => [owner, laptop, member]);

  test('two-step sign-in is set up with an authenticator app and asked for at login', async () => {
    await signUp(owner, me);
    await owner.getByTestId('user-menu').click();
    await owner.getByRole('menuitem', { name: 'Account & security' }).click();
    await owner.getByRole('heading', { name: 'Account & security' }).waitFor();
    await owner.getByTestId('session-row').first().waitFor();
    await shoot(owner, '90-account');

    await owner.getByRole('button', { name: 'Set up' }).click();
    const dialog = owner.getByRole('dialog', { name: 'Set up two-step sign-in' });
    await dialog.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    secret = await dialog.getByRole('textbox', { name: 'Secret', exact: true }).inputValue();
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await shoot(owner, '91-two-factor-setup');
    await dialog.getByRole('textbox', { name: 'Code from the app' }).fill('000000');
    await dialog.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
    await dialog.getByText('That code is not right').waitFor();
    await dialog.getByRole('textbox', { name: 'Code from the app' }).fill(totp(secret));
    await dialog.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
    const codes = dialog.getByTestId('recovery-codes');
    await codes.waitFor();
    expect((await codes.locator('code').allInnerTexts()).length).toBe(10);
    await shoot(owner, '92-recovery-codes');
    await dialog.getByRole('button', { name: 'I have saved them' }).click();
    await owner.getByText('Signing in asks for a code from your authenticator app').waitFor();

    // A second browser needs the code after the password.
    await toCodeStep(laptop, me.email, me.password);
    await laptop.getByRole('textbox', { name: 'Code', exact: true }).fill('111111');
    await laptop.getByRole('button', { name: 'Verify and log in' }).click();
    await laptop.getByText('That code is not right').waitFor();
    await shoot(laptop, '93-login-code');
    await laptop.getByRole('textbox', { name: 'Code', exact: true }).fill(totp(secret));
    await laptop.getByRole('button', { name: 'Verify and log in' }).click();
    await laptop.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
  });

  test('another session is listed and signed out from here', async () => {
    await owner.reload();
    const rows = owner.getByTestId('session-row');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
    await rows.filter({ hasText: 'This browser' }).waitFor();
    await shoot(owner, '94-sessions', { scrollTo: owner.getByRole('heading', { name: 'Where you are signed in' }) });
    await rows.filter({ hasNotText: 'This browser' }).getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);
    await laptop.goto('/contacts');
    await laptop.waitForURL('**/login**');
  });

  test('a password change signs out everywhere else', async () => {
    await loginWithCode(laptop, me.email, me.password, () => totp(secret));
    await owner.getByLabel('Current password').fill(me.password);
    await owner.getByLabel('New password', { exact: true }).fill('a new and longer password');
    await owner.getByLabel('New password again').fill('a new and longer password');
    await owner.getByRole('button', { name: 'Change password' }).click();
    await owner.getByText('Password changed. Your other sessions were signed out.').waitFor();
    await laptop.goto('/contacts');
    await laptop.waitForURL('**/login**');
    me.password = 'a new and longer password';
    await loginWithCode(laptop, me.email, me.password, () => totp(secret));
  });

  test('a company that requires two-step sign-in makes a new member set it up first', async () => {
    await owner.goto('/settings/company');
    await owner.getByRole('switch', { name: 'Require two-step sign-in for everyone' }).click({ force: true });
    await owner.getByText('Two-step sign-in is now required.').waitFor();
    await shoot(owner, '95-require-two-factor');

    const email = `${unique('happy')}@example.com`;
    await owner.goto('/settings/users');
    await owner.getByRole('button', { name: 'Invite user' }).click();
    const dialog = owner.getByRole('dialog', { name: 'Invite a teammate' });
    await dialog.getByRole('textbox', { name: 'Email', exact: true }).fill(email);
    await dialog.getByRole('button', { name: 'Create invite' }).click();
    const link = await dialog.getByRole('textbox', { name: 'Invite link', exact: true }).inputValue();
    await dialog.getByRole('button', { name: 'Done' }).click();

    await member.goto(new URL(link).pathname);
    await member.getByRole('textbox', { name: 'Your name', exact: true }).fill('Happy Hogan');
    await member.getByRole('textbox', { name: 'Choose a password', exact: true }).fill('driver of the boss');
    await member.getByRole('button', { name: 'Create account and join' }).click();
    await member.getByRole('heading', { name: 'Turn on two-step sign-in' }).waitFor();
    const memberSecret = await member.getByRole('textbox', { name: 'Secret', exact: true }).inputValue();
    await shoot(member, '96-two-factor-required');
    await member.getByRole('textbox', { name: 'Code from the app' }).fill(totp(memberSecret));
    await member.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
    await member.getByRole('button', { name: 'I have saved them' }).click();
    await member.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();

    // The team page shows who uses it.
    await owner.reload();
    const row = owner.getByTestId('user-row').filter({ hasText: 'Happy Hogan' });
    await row.getByText('On', { exact: true }).waitFor();
  });
});
