// Drives Roster's web portal in headless Chromium, as a person would:
//   node portal.mjs BASE_URL SETUP_LINK [SCREENSHOT_DIR]
// setup through the one-time link, sign out and in, add three users by comma-separated
// emails, see them pending, open the activation mail from the Mail outbox, activate one, change
// its type, move two to a group in one bulk change, register an account-level app and approve
// it for the account from its page, add a custom attribute on the Advanced tab, and import a CSV
// (dry run, then the real run and its report), schedule and start a meeting, end it from the
// admins' view, and open Billing. Any console error or failed page load
// on any page fails the run. Every page is audited with axe-core (the sign-in, setup, reset,
// activation and consent pages, every page in the owner's navigation and a member's): any
// violation of impact serious or critical fails the run. The Add users form is opened, filled
// and sent with the keyboard alone. With SCREENSHOT_DIR, saves a screenshot of each main page.
import { chromium } from 'playwright-core';
import { audit, audited, tabTo } from './a11y.mjs';

const [base, setupLink, shots] = process.argv.slice(2);
if (!base || !setupLink) {
  console.error('usage: node portal.mjs BASE_URL SETUP_LINK [SCREENSHOT_DIR]');
  process.exit(2);
}
const OWNER = 'owner@e2e.test';
const PASSWORD = 'Secret123';
const problems = [];
// A step that deliberately gets an error page (a wrong password answers 401) sets the status
// it expects; Chromium's report of exactly that status is then not a problem.
let expectedStatus = null;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1200, height: 800 } });
context.on('page', watch);
const page = await context.newPage();
watch(page);

function watch(p) {
  p.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (expectedStatus && m.text() === `Failed to load resource: the server responded with a status of ${expectedStatus} (${expectedStatus === 401 ? 'Unauthorized' : ''})`) return;
    problems.push(`console error on ${p.url()}: ${m.text()}`);
  });
  p.on('pageerror', (e) => problems.push(`page error on ${p.url()}: ${e.message}`));
  p.on('requestfailed', (r) => {
    // ERR_ABORTED is the browser dropping a request because the page moved on (a favicon still
    // loading when the test navigates), not a failure of the server.
    if (r.failure()?.errorText === 'net::ERR_ABORTED') return;
    problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
}

async function shot(name) {
  if (shots) await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}

function expect(cond, what) {
  if (!cond) throw new Error(`expected: ${what} (at ${page.url()})`);
}

async function text() {
  return page.locator('main').innerText();
}

// Audits the page `p` shows now; its serious and critical violations become problems.
async function check(what, p = page) {
  problems.push(...(await audit(p, what)));
}

async function step(name, fn) {
  process.stdout.write(`- ${name}\n`);
  await fn();
}

try {
  await step('first run: the setup link creates the account and signs the owner in', async () => {
    await page.goto(setupLink);
    await shot('setup');
    await check('setup');
    await page.getByLabel('Organisation name').fill('E2E School');
    await page.getByLabel("Owner's email").fill(OWNER);
    await page.getByLabel("Owner's password").fill(PASSWORD);
    await page.getByLabel('Plan').selectOption('business');
    await page.getByLabel('Licensed seats').fill('10');
    await page.getByRole('button', { name: 'Create the account' }).click();
    await page.waitForURL(/\/users$/);
    expect((await text()).includes(OWNER), 'the owner in the users list');
  });

  await step('sign out, then sign in with email and password', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/signin$/);
    await shot('signin');
    await check('sign-in');
    await page.getByLabel('Email').fill(OWNER);
    await page.getByLabel('Password').fill('wrong-password1');
    expectedStatus = 401;
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect((await text()).includes('Wrong email or password.'), 'the wrong-password message');
    await page.waitForLoadState('load');
    await check('sign-in with an error');
    expectedStatus = null;
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/users$/);
  });

  await step('create a group for the bulk move', async () => {
    await page.getByRole('link', { name: 'Groups' }).click();
    await page.getByLabel('Name of the new group').fill('Teachers');
    await page.getByRole('button', { name: 'Create group' }).click();
    await page.waitForLoadState();
    await page.goto(`${base}/groups`);
    expect((await text()).includes('Teachers'), 'the new group listed');
    await shot('groups');
  });

  await step('add three users by comma-separated emails, with the keyboard alone', async () => {
    await page.getByRole('link', { name: 'User management' }).click();
    await page.waitForLoadState('load');
    const onSummary = await tabTo(page, () => document.activeElement?.closest('#add-users > summary') != null);
    expect(onSummary, 'Tab reaches "Add users"');
    const ring = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement);
      return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    });
    expect(ring, 'the focused "Add users" shows a focus outline');
    await page.keyboard.press('Enter');
    expect(await page.locator('#add-users').evaluate((d) => d.open), 'Enter opens the Add users form');
    expect(await tabTo(page, () => document.activeElement?.id === 'add-emails'), 'Tab reaches the emails field');
    await page.keyboard.type('ann@e2e.test, bob@e2e.test, cy@e2e.test');
    const onAdd = await tabTo(page, () => {
      const a = document.activeElement;
      return a?.tagName === 'BUTTON' && a.closest('#add-users') != null && a.type === 'submit';
    }, 40);
    expect(onAdd, 'Tab reaches the Add button');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    await check('users after adding');
    const t = await text();
    for (const e of ['ann@e2e.test', 'bob@e2e.test', 'cy@e2e.test']) expect(t.includes(`Invited: ${e}`), `${e} invited`);
    await shot('users');
  });

  await step('see them pending', async () => {
    await page.getByRole('link', { name: 'Pending' }).click();
    const t = await text();
    for (const e of ['ann@e2e.test', 'bob@e2e.test', 'cy@e2e.test']) expect(t.includes(e), `${e} pending`);
    await shot('pending');
  });

  let activation;
  await step('open the activation mail from the outbox', async () => {
    await page.getByRole('link', { name: 'Mail outbox' }).click();
    const mail = page.locator('article', { hasText: 'ann@e2e.test' }).first();
    activation = await mail.locator('a[href*="/activate?token="]').first().getAttribute('href');
    expect(activation, 'an activation link for ann');
    await shot('outbox');
  });

  await step('activate one user on the /activate page', async () => {
    const other = await context.browser().newContext();
    const p = await other.newPage();
    watch(p);
    await p.goto(activation);
    await check('activation', p);
    await p.getByLabel('First name').fill('Ann');
    await p.getByLabel('Last name').fill('Lee');
    await p.getByLabel('Password', { exact: true }).fill('Member123');
    await p.getByLabel(/Confirm|again/i).fill('Member123');
    await p.getByRole('button').first().click();
    await p.waitForLoadState();
    await check('activation done', p);
    await p.goto(`${base}/reset`);
    await check('reset', p);
    await other.close();
  });

  await step("change the activated user's type", async () => {
    await page.getByRole('link', { name: 'User management' }).click();
    await page.getByRole('link', { name: 'ann@e2e.test' }).click();
    await page.getByLabel('User type').selectOption({ label: 'Licensed' });
    await page.getByRole('button', { name: 'Save' }).click();
    expect((await text()).includes('Saved.'), 'saved');
    await shot('user-edit');
    await page.getByRole('link', { name: /Users/ }).first().click();
    const row = page.locator('tr', { hasText: 'ann@e2e.test' });
    expect((await row.innerText()).includes('Licensed'), 'ann is Licensed');
  });

  await step('bulk-move two users to the group', async () => {
    await page.getByLabel('Select ann@e2e.test').check();
    await page.getByLabel(`Select ${OWNER}`).check();
    await page.getByLabel('Move to group').selectOption({ label: 'Teachers' });
    await page.getByRole('button', { name: 'Apply' }).last().click();
    const t = await text();
    expect(t.includes('Users changed: ann@e2e.test') || t.includes('Users changed:'), 'bulk change reported');
    await page.goto(`${base}/users`);
    for (const e of ['ann@e2e.test', OWNER]) {
      const row = await page.locator('tr', { hasText: e }).innerText();
      expect(row.includes('Teachers'), `${e} in Teachers`);
    }
  });

  await step('approve an account-level app', async () => {
    await page.goto(`${base}/integrations`);
    await page.getByText('Register an app').click();
    await page.getByLabel('Name', { exact: true }).fill('CRM');
    await page.getByLabel('Redirect URIs').fill(`${base}/integrations`);
    await page.locator('input[name="scope"][value="user:read:admin"]').check();
    await page.getByRole('button', { name: 'Register the app' }).click();
    await page.waitForLoadState();
    expect((await text()).includes('Copy it now'), 'the client secret shown once');
    await shot('integrations-app');
    await page.locator('#install-link').click();
    await page.waitForLoadState();
    expect((await page.content()).includes('Allow access?'), 'the consent page, no second sign-in');
    await check('consent');
    await page.getByRole('button', { name: 'Approve for everyone in the account' }).click();
    await page.waitForLoadState();
    expect(page.url().includes('/integrations?code='), 'back at the redirect URI with a code');
    await page.getByRole('link', { name: 'CRM' }).click();
    await page.waitForLoadState();
    expect((await text()).includes('Through the account install'), 'connected through the account install');
    await shot('integrations');
  });

  await step('Advanced tab: counts and seats, and a custom attribute added', async () => {
    await page.goto(`${base}/users/advanced`);
    expect((await text()).includes('Users and seats'), 'the summary');
    await shot('advanced');
    await page.getByLabel('Name', { exact: true }).fill('Campus');
    await page.getByRole('button', { name: 'Add the attribute' }).click();
    expect((await text()).includes('Saved.'), 'attribute saved');
  });

  await step('import a CSV: dry-run report, then the real run with its progress and report', async () => {
    await page.goto(`${base}/users/import`);
    await page.locator('#csv-file').setInputFiles({
      name: 'people.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('Email,First Name,Last Name,Type\r\ncsv1@e2e.test,Csv,One,1\r\nnot-an-email,Bad,Row,1\r\n'),
    });
    await page.getByRole('button', { name: 'Upload and preview' }).click();
    await page.waitForLoadState();
    expect((await text()).includes('Dry run done'), 'dry run report');
    await shot('import-preview');
    await page.getByRole('button', { name: 'Start the import' }).click();
    let done = false;
    for (let i = 0; i < 40 && !done; i++) {
      await page.waitForTimeout(500);
      try { done = (await text()).includes('The import is done.'); } catch { /* reloading */ }
    }
    expect(done, 'the import finished and its report shows');
    expect((await text()).includes('csv1@e2e.test'), 'the report lists the row');
    await shot('import-report');
    await page.goto(`${base}/users/pending`);
    expect((await text()).includes('csv1@e2e.test'), 'the imported user is pending');
  });

  await step('schedule and start a meeting, see it live, end it', async () => {
    await page.goto(`${base}/meetings`);
    await page.getByLabel('Topic').fill('Physics 101');
    // The owner has no time zone in their profile, so the form's times are UTC.
    const start = new Date(Date.now() + 2 * 86400e3).toISOString().slice(0, 16);
    await page.locator('#start_time').fill(start);
    await page.getByLabel('Duration (minutes)').fill('45');
    await page.getByRole('button', { name: 'Schedule', exact: true }).click();
    await page.waitForLoadState();
    expect((await text()).includes('Physics 101'), 'the meeting listed');
    await shot('meetings');
    await page.getByRole('button', { name: 'Start Physics 101' }).click();
    await page.waitForLoadState();
    expect(page.url().includes('/s/'), 'the host start link opened');
    await page.goto(`${base}/meetings/all`);
    expect((await text()).includes('Physics 101'), "the admin's view lists it");
    await shot('meetings-all');
    await page.getByRole('button', { name: 'End Physics 101' }).click();
    await page.waitForLoadState();
    await page.goto(`${base}/billing`);
    expect((await text()).includes('Licensed'), 'the seat pools');
    await shot('billing');
  });

  await step('every page in the navigation, and each Users tab, opens without an error', async () => {
    await page.goto(`${base}/users`);
    const links = await page.locator('header nav a, nav.tabs a').evaluateAll(
      (as) => as.map((a) => a.getAttribute('href')));
    for (const href of [...new Set(links)]) {
      const res = await page.goto(`${base}${href}`);
      expect(res && res.status() === 200, `${href} answers 200`);
      expect((await page.locator('h1').count()) === 1, `${href} has its heading`);
      await check(href);
    }
    await page.goto(`${base}/roles`);
    await shot('roles');
    await page.goto(`${base}/audit`);
    await shot('audit');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/users`);
    await shot('users-phone');
    await page.setViewportSize({ width: 1200, height: 800 });
  });

  await step("a member's pages pass the audit too", async () => {
    const other = await context.browser().newContext({ locale: 'en-US' });
    const p = await other.newPage();
    watch(p);
    await p.goto(`${base}/signin`);
    await p.getByLabel('Email').fill('ann@e2e.test');
    await p.getByLabel('Password').fill('Member123');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL(/\/profile$/);
    const links = await p.locator('header nav a, nav.tabs a').evaluateAll(
      (as) => as.map((a) => a.getAttribute('href')));
    for (const href of [...new Set([...links, '/profile', '/meetings', '/integrations/mine'])]) {
      const res = await p.goto(`${base}${href}`);
      expect(res && res.status() === 200, `${href} answers 200 to a member`);
      await check(`member ${href}`, p);
    }
    await other.close();
  });

  await step('the language switcher', async () => {
    await page.getByLabel('Language').selectOption('fr');
    await page.getByRole('button', { name: 'Apply' }).first().click();
    await page.waitForLoadState();
    expect((await page.locator('html').getAttribute('lang')) === 'fr', 'lang=fr');
    await shot('users-fr');
    await page.goto(`${base}/profile`);
    await shot('profile-fr');
  });
} catch (e) {
  problems.push(String(e.stack || e));
} finally {
  await browser.close();
}

if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
const minor = audited.filter((a) => a.minor.length);
for (const a of minor) console.log(`a11y note on ${a.what}: ${a.minor.join(', ')}`);
console.log(`a11y: ${audited.length} pages audited, none with a serious or critical violation`);
console.log('portal e2e: ok');
