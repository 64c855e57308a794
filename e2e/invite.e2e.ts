import type { Page } from 'playwright-core';
import { account, createContact, launch, newContext, shoot, signUp, unique, waitForRows, failFast, type TestBrowser } from './lib';

// Invite → accept through the link → the new member sees the contacts but not
// the admin settings.
describe('invites', () => {
  let tb: TestBrowser;
  let owner: Page;
  let member: Page;
  let hooli: Page;
  const milton = { email: `${unique('milton')}@example.com`, password: 'red stapler 123' };

  beforeAll(async () => {
    tb = await launch();
    owner = await (await newContext(tb.browser)).newPage();
    member = await (await newContext(tb.browser)).newPage();
    hooli = await (await newContext(tb.browser)).newPage();
  });
  afterAll(async () => tb?.close());
  failFast(() => [owner, member, hooli]);

  test('a member joins through an invite link and sees contacts but not admin settings', async () => {
    const admin = account('Initech', 'Bill Lumbergh');
    await signUp(owner, admin);
    await createContact(owner, {
      first: 'Peter',
      last: 'Gibbons',
      email: 'peter@initech.example',
      company: 'Initech',
      title: 'Engineer',
    });

    // Settings → Users → invite a member.
    await owner.getByRole('link', { name: 'Settings' }).click();
    await owner.getByRole('heading', { name: 'Settings' }).waitFor();
    await shoot(owner, '30-settings-company');
    await owner.getByRole('tab', { name: 'Users' }).click();
    await owner.getByTestId('user-row').first().waitFor();
    await shoot(owner, '31-settings-users');

    const email = milton.email;
    await owner.getByRole('button', { name: 'Invite user' }).click();
    const dialog = owner.getByRole('dialog', { name: 'Invite a teammate' });
    await dialog.getByRole('textbox', { name: 'Email', exact: true }).fill(email);
    await dialog.getByRole('button', { name: 'Create invite' }).click();
    const linkInput = dialog.getByRole('textbox', {
      name: 'Invite link',
      exact: true,
    });
    await linkInput.waitFor();
    const link = await linkInput.inputValue();
    expect(link).toMatch(/^https?:\/\/.+\/invite\/.+/);
    await shoot(owner, '32-invite-link');
    await dialog.getByRole('button', { name: 'Done' }).click();

    await owner.getByRole('tab', { name: 'Invites' }).click();
    await owner.getByTestId('invite-row').filter({ hasText: email }).waitFor();
    await shoot(owner, '33-settings-invites');

    // The invitee opens the link in their own browser.
    await member.goto(new URL(link).pathname);
    await member.getByRole('heading', { name: `Join ${admin.company}` }).waitFor();
    expect(await member.getByRole('textbox', { name: 'Email', exact: true }).inputValue()).toBe(email);
    await member.getByRole('textbox', { name: 'Your name', exact: true }).fill('Milton Waddams');
    await member.getByRole('textbox', { name: 'Choose a password', exact: true }).fill(milton.password);
    await shoot(member, '34-invite-accept');
    await member.getByRole('button', { name: 'Create account and join' }).click();
    await member.waitForURL('**/contacts');
    await waitForRows(member, ['Peter Gibbons']);
    expect(await member.getByTestId('company-name').innerText()).toBe(admin.company);

    // The member's settings are the read-only company profile and pipelines, and their own phone.
    await member.getByRole('link', { name: 'Settings' }).click();
    await member.getByText(/Only admins and owners can change these settings/).waitFor();
    expect(await member.getByRole('tab').allInnerTexts()).toEqual(['Company', 'Pipelines', 'Phone']);
    expect(await member.getByRole('button', { name: 'Save changes' }).count()).toBe(0);
    await shoot(member, '35-member-settings');
    await member.getByRole('tab', { name: 'Pipelines' }).click();
    await member.getByTestId('pipeline-card').first().waitFor();
    expect(await member.getByRole('button', { name: 'New pipeline' }).count()).toBe(0);
    expect(await member.getByTestId('pipeline-card').first().getByRole('textbox').count()).toBe(0);
    await member.getByRole('link', { name: 'Settings' }).click();
    for (const tab of ['users', 'invites', 'tokens']) {
      await member.goto(`/settings/${tab}`);
      await member.waitForURL('**/settings/company');
    }
    expect(await member.getByRole('link', { name: 'Admin' }).count()).toBe(0);

    // The accepted invite is no longer pending; the member is on the team.
    await owner.reload();
    await owner.getByText('No pending invites').waitFor();
    await owner.getByRole('tab', { name: 'Users' }).click();
    await owner.getByTestId('user-row').filter({ hasText: 'Milton Waddams' }).waitFor();
  });

  test('a person in two companies signs in to accept, then switches between them', async () => {
    // Another company invites Milton, who already has an account.
    await signUp(hooli, account('Hooli', 'Gavin Belson'));
    await createContact(hooli, { first: 'Richard', last: 'Hendricks', email: 'richard@piedpiper.example', company: 'Pied Piper' });
    await hooli.goto('/settings/users');
    await hooli.getByRole('button', { name: 'Invite user' }).click();
    const dialog = hooli.getByRole('dialog', { name: 'Invite a teammate' });
    await dialog.getByRole('textbox', { name: 'Email', exact: true }).fill(milton.email);
    await dialog.getByRole('combobox', { name: 'Role' }).click();
    await hooli.getByRole('option', { name: /^Admin/ }).click();
    await dialog.getByRole('button', { name: 'Create invite' }).click();
    const link = await dialog.getByRole('textbox', { name: 'Invite link', exact: true }).inputValue();

    // Opened signed out, the link never checks a password: an address with
    // an account is told to sign in first.
    const fresh = await (await newContext(tb.browser)).newPage();
    await fresh.goto(new URL(link).pathname);
    await fresh.getByRole('heading', { name: 'Join Hooli' }).waitFor();
    await fresh.getByRole('textbox', { name: 'Your name', exact: true }).fill('Milton Waddams');
    await fresh.getByRole('textbox', { name: 'Choose a password', exact: true }).fill(milton.password);
    await fresh.getByRole('button', { name: 'Create account and join' }).click();
    await fresh.getByText(`${milton.email} already has an account.`).waitFor();
    await shoot(fresh, '36-invite-existing-account');
    await fresh.getByRole('link', { name: 'Log in with it' }).click();
    await fresh.waitForURL(/\/login\?next=/);
    await fresh.getByRole('textbox', { name: 'Email', exact: true }).fill(milton.email);
    await fresh.getByRole('textbox', { name: 'Password', exact: true }).fill(milton.password);
    await fresh.getByRole('button', { name: 'Log in' }).click();
    await fresh.waitForURL('**/invite/**');
    await fresh.getByText(`You are signed in as ${milton.email}`).waitFor();
    await shoot(fresh, '37-invite-join');
    await fresh.getByRole('button', { name: 'Join Hooli' }).click();
    await fresh.waitForURL('**/contacts');
    await waitForRows(fresh, ['Richard Hendricks']);
    expect(await fresh.getByTestId('company-name').innerText()).toBe('Hooli');

    // The switcher lists both companies; switching shows the other company's contacts only.
    await fresh.getByRole('button', { name: /Switch company/ }).click();
    await fresh.getByRole('menuitem', { name: /Initech/ }).click();
    await waitForRows(fresh, ['Peter Gibbons']);
    expect(await fresh.getByTestId('company-name').innerText()).toBe('Initech');
    await fresh.context().close();
  });
});
