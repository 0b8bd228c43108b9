/**
 * End to end in Debian's Chromium: operator sign-in and roles in the browser console, against the
 * real headless console. Without a token the console asks to sign in; a wrong password is refused
 * in plain words; a viewer reads but cannot inject or re-drive, and finds their sign-in in the
 * audit log; signing out returns to the sign-in screen; a supervisor injects through the form and
 * the audit log names them; a bulk re-drive asks for a reason (validated before it is sent) and
 * records it; a drill lead must give a drill id; an ended session returns to the sign-in screen.
 * Screenshots of every changed screen at 1280x720 and 1920x1080 go to test-output/screenshots.
 */
import { DEFAULT_ABUSE_LIMITS } from '../../server/api/server';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadLetterPage } from '../../contracts';
import { loadConfig } from '../../runtime/config';
import { createPool, type Pool } from '../../runtime/db';
import { createKafka } from '../../runtime/kafka';
import { createOperator } from '../../runtime/operators';
import { FAST_HASH, orderCreated, repoRoot, waitFor } from '../support/harness';
import { startHeadless, type HeadlessConsole } from '../support/headless';

const shots = path.join(repoRoot, 'test-output', 'screenshots');
const CHROMIUM = process.env.SCT_CHROMIUM ?? '/usr/bin/chromium';
/** A small scrypt cost: these accounts only live for this run. */
const PASSWORD = 'correct horse battery';
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;

let consoleApp: HeadlessConsole;
let pool: Pool;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
const poisonIds: string[] = [];

/** Screenshots the page at both sizes (`access-<name>-1280.png`, `-1920.png`), ending at 1280x720. */
async function shot(name: string): Promise<void> {
  for (const size of [...SIZES].reverse()) {
    await page.setViewportSize(size);
    await page.waitForTimeout(150);
    await page.screenshot({ path: path.join(shots, `access-${name}-${size.width}.png`), fullPage: false });
  }
}

async function signIn(username: string, password = PASSWORD): Promise<void> {
  await page.getByTestId('sign-in-screen').waitFor();
  await page.getByTestId('sign-in-username').fill(username);
  await page.getByTestId('sign-in-password').fill(password);
  await page.getByTestId('sign-in-submit').click();
}

async function signOut(): Promise<void> {
  await page.getByTestId('sign-out').click();
  await page.getByTestId('sign-in-screen').waitFor();
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  consoleApp = await startHeadless();
  pool = createPool({ databaseUrl: consoleApp.databaseUrl }, 2);
  await createOperator(
    pool,
    { username: 'vera', displayName: 'Vera Viewer', role: 'viewer', password: PASSWORD },
    FAST_HASH,
  );
  await createOperator(
    pool,
    { username: 'sam', displayName: 'Sam Supervisor', role: 'supervisor', password: PASSWORD },
    FAST_HASH,
  );
  await createOperator(
    pool,
    { username: 'dora', displayName: 'Dora Drill-Lead', role: 'drill_lead', password: PASSWORD },
    FAST_HASH,
  );
  // Two poison messages: valid order events written straight into the shipments topic (a
  // producer bug), which the workers park. They are valid events, so the console offers them for
  // re-drive, to the orders topic where they belong (a schema-invalid one, or one drill isolation
  // would refuse again, never is).
  const producer = createKafka(loadConfig(), 'sct-e2e-access-poison').producer();
  await producer.connect();
  for (let i = 0; i < 2; i++) {
    const orderId = `E2E-ACCESS-POISON-${i}-${randomUUID().slice(0, 6)}`;
    const poison = orderCreated(orderId, { time: '2024-05-21T09:30:00Z' });
    poisonIds.push(poison.id);
    await producer.send({
      topic: `${consoleApp.prefix}.shipments`,
      messages: [
        { key: orderId, value: JSON.stringify(poison), headers: { ce_id: poison.id, ce_type: poison.type } },
      ],
    });
  }
  await producer.disconnect();
  await waitFor('both poison messages parked', async () => {
    const r = await consoleApp.api('/api/dead-letters');
    const p = (await r.json()) as DeadLetterPage;
    return poisonIds.every((id) => p.items.some((l) => l.eventId === id));
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  page = await browser.newPage({ viewport: SIZES[0] });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
});

afterAll(async () => {
  await browser?.close();
  await pool?.end();
  await consoleApp?.close();
});

describe('operator access in Chromium', () => {
  it('opens on the sign-in screen without a token', async () => {
    await page.goto(`${consoleApp.url}/`);
    await page.getByTestId('sign-in-screen').waitFor();
    expect(await page.getByTestId('sign-in-username').getAttribute('autocomplete')).toBe('username');
    expect(await page.getByTestId('sign-in-password').getAttribute('autocomplete')).toBe('current-password');
    expect(await page.getByLabel('Username').count()).toBe(1);
    expect(await page.getByLabel('Password').count()).toBe(1);
    await page.getByTestId('use-machine-token').waitFor();
    await shot('01-sign-in');
  });

  it('keeps the machine token reachable from the sign-in screen', async () => {
    await page.getByTestId('use-machine-token').click();
    await page.getByTestId('token-screen').waitFor();
    await shot('02-machine-token');
    await page.getByTestId('back-to-sign-in').click();
    await page.getByTestId('sign-in-screen').waitFor();
  });

  it('says a wrong machine-token link was rejected (not that a session ended)', async () => {
    const other = await browser.newPage({ viewport: SIZES[0] });
    try {
      await other.goto(`${consoleApp.url}/#token=not-the-machine-token-0123456789`);
      await other.getByTestId('token-screen').waitFor();
      expect(await other.getByTestId('token-screen').innerText()).toContain('rejected the token');
      expect(await other.getByTestId('sign-in-screen').count()).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('refuses a wrong password in plain words', async () => {
    await signIn('vera', 'not the password at all');
    const error = page.getByTestId('sign-in-error');
    await error.waitFor();
    expect(await error.innerText()).toContain('Wrong username or password');
    expect(await page.getByTestId('sign-in-password').inputValue()).toBe('');
    await shot('03-sign-in-wrong-password');
  });

  it('lets a viewer read, but not inject or re-drive; the audit log lists the sign-in', async () => {
    await page.getByTestId('sign-in-password').fill(PASSWORD);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('kpi-otd').waitFor();
    expect(await page.getByTestId('signed-in-name').innerText()).toBe('Vera Viewer');
    expect(await page.getByTestId('signed-in-summary').innerText()).toMatch(
      /^Viewer · signed in, session ends (tomorrow )?\d{2}:\d{2}$/,
    );
    expect(await page.getByTestId('nav-inject').count()).toBe(0);
    await shot('04-viewer-dashboard');

    await page.evaluate(() => (window.location.hash = '#/inject'));
    const refused = page.getByTestId('inject-not-allowed');
    await refused.waitFor();
    expect(await refused.innerText()).toContain('Your role (Viewer) cannot inject events');
    expect(await page.getByTestId('inject-form').count()).toBe(0);
    await shot('05-viewer-inject');

    // An order's page offers no "Inject event…" to a role that cannot inject.
    const seen = `E2E-ACCESS-VIEW-${randomUUID().slice(0, 6)}`;
    await consoleApp.api('/api/events', {
      method: 'POST',
      body: JSON.stringify(orderCreated(seen, { time: '2024-05-20T12:00:00Z' })),
    });
    await waitFor('order visible', async () => (await consoleApp.api(`/api/orders/${seen}`)).status === 200);
    await page.evaluate((id) => (window.location.hash = `#/orders/${id}`), seen);
    await page.getByTestId('order-id').waitFor();
    expect(await page.getByTestId('inject-for-order').count()).toBe(0);

    await page.getByTestId('nav-dead-letters').click();
    await expect.poll(async () => page.getByTestId('dead-letter-row').count(), { timeout: 20_000 }).toBe(2);
    expect(await page.getByTestId('dead-letter-redrive').first().isDisabled()).toBe(true);
    expect(await page.getByTestId('dead-letters-redrive').isDisabled()).toBe(true);
    await page.getByTestId('dead-letters-read-only').waitFor();
    await shot('06-viewer-dead-letters');

    await page.getByTestId('nav-audit').click();
    const login = page.locator('[data-testid="audit-row"][data-action="auth.login"][data-operator="vera"]');
    await login.first().waitFor();
    expect(await login.first().innerText()).toContain('Viewer');
    await shot('07-viewer-audit');
  });

  it('signs out back to the sign-in screen and forgets the token', async () => {
    await signOut();
    expect(await page.getByTestId('sign-in-notice').getAttribute('data-notice')).toBe('signed-out');
    expect(await page.evaluate(() => window.sessionStorage.length)).toBe(0);
    await shot('08-signed-out');
  });

  it('lets a supervisor inject through the form, and the audit log names them', async () => {
    const open = `E2E-ACCESS-${randomUUID().slice(0, 6)}`;
    await consoleApp.api('/api/events', {
      method: 'POST',
      body: JSON.stringify(orderCreated(open, { time: '2024-05-20T12:00:00Z' })),
    });
    await waitFor('order visible', async () => (await consoleApp.api(`/api/orders/${open}`)).status === 200);

    await signIn('sam');
    await page.getByTestId('signed-in').waitFor();
    expect(await page.getByTestId('signed-in-summary').innerText()).toContain('Supervisor · signed in');
    await page.evaluate((id) => (window.location.hash = `#/orders/${id}`), open);
    await page.getByTestId('inject-for-order').waitFor();
    await page.getByTestId('nav-inject').click();
    await page.getByTestId('inject-form').waitFor();
    await page.getByTestId('inject-type').selectOption('sct.order.cancelled.v1');
    await page.getByTestId('inject-subject').fill(open);
    await page
      .locator('[data-field="data.reason"]')
      .locator('visible=true')
      .first()
      .fill('Customer changed their mind');
    await page.getByTestId('inject-submit').click();
    await page.getByTestId('inject-result').waitFor();

    await page.getByTestId('nav-audit').click();
    await page.getByTestId('audit-action').selectOption('events.inject');
    await page.getByTestId('audit-operator').fill('sam');
    const row = page.locator('[data-testid="audit-row"][data-action="events.inject"][data-operator="sam"]');
    // Both filters applied: only sam's injection is left (the seed's machine-token one is not).
    await expect.poll(async () => page.getByTestId('audit-row').count(), { timeout: 10_000 }).toBe(1);
    expect(await row.count()).toBe(1);
    const text = await row.innerText();
    expect(text).toContain('Supervisor');
    expect(text).toContain('1 event');
    expect(await row.getAttribute('data-outcome')).toBe('ok');
    await shot('09-supervisor-audit-filtered');
  });

  it('asks for a reason before a bulk re-drive, validates it, and records it', async () => {
    await page.getByTestId('nav-dead-letters').click();
    await expect.poll(async () => page.getByTestId('dead-letter-row').count(), { timeout: 20_000 }).toBe(2);
    await page.getByTestId('dead-letters-select-all').check();
    await page.getByTestId('dead-letters-redrive').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('Re-drive 2 dead letters?');
    // Focus is in the dialog, on the reason.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'redrive-reason',
    );

    await page.getByTestId('dead-letters-confirm').click();
    const error = page.getByTestId('redrive-reason-error');
    await error.waitFor();
    expect(await error.innerText()).toContain('required');
    await page.getByTestId('redrive-reason').fill('ab');
    await page.getByTestId('dead-letters-confirm').click();
    await expect.poll(async () => error.innerText()).toContain('at least 3');
    await shot('10-bulk-redrive-reason-error');

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    await page.getByTestId('dead-letters-redrive').click();
    await page.getByTestId('redrive-reason').fill('Producer bug fixed; sending them to the orders topic');
    await shot('11-bulk-redrive-dialog');
    await page.getByTestId('dead-letters-confirm').click();
    await page.getByTestId('dead-letters-results').waitFor();
    expect(await page.getByTestId('dead-letters-results').innerText()).toContain('2 re-driven');

    await page.getByTestId('nav-audit').click();
    await page.getByTestId('audit-action').selectOption('dead_letters.redrive');
    const row = page.locator('[data-testid="audit-row"][data-action="dead_letters.redrive"]');
    await row.first().waitFor();
    const text = await row.first().innerText();
    expect(text).toContain('Producer bug fixed');
    expect(text).toContain('2 dead letters');
    await page.getByTestId('audit-action').selectOption('');
    await expect.poll(async () => page.getByTestId('audit-row').count()).toBeGreaterThanOrEqual(6);
    await shot('12-audit-all');
    await signOut();
  });

  it('makes a drill lead give a drill id, and says why', async () => {
    await signIn('dora');
    await page.getByTestId('signed-in').waitFor();
    await page.getByTestId('nav-inject').click();
    await page.getByTestId('inject-form').waitFor();
    await page.getByTestId('inject-drillid').fill('');
    await page.getByTestId('inject-submit').click();
    const issue = page.locator('[data-testid="field-error"][data-field="drillid"]');
    await issue.first().waitFor();
    expect(await issue.first().getAttribute('data-rule')).toBe('drillid_required_for_role');
    expect(await page.locator('#inj-drillid-hint').innerText()).toContain('drill traffic only');
    await shot('13-drill-lead-inject');
  });

  it('returns to the sign-in screen when the session ends', async () => {
    // End the session behind the console's back (as an expiry would), then make it call the API.
    const ended = await page.evaluate(async () => {
      const token = window.sessionStorage.getItem('sct.console-token');
      const res = await fetch('/api/auth/logout', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      return res.status;
    });
    expect(ended).toBe(204);
    await page.getByTestId('nav-orders').click();
    await page.getByTestId('sign-in-screen').waitFor();
    const notice = page.getByTestId('sign-in-notice');
    expect(await notice.getAttribute('data-notice')).toBe('ended');
    expect(await notice.innerText()).toContain('Your session has ended; sign in again');
    expect(await page.getByTestId('sign-in-username').inputValue()).toBe('dora');
    await shot('14-session-ended');
  });

  it('says until when a locked-out sign-in must wait', async () => {
    await page.getByTestId('sign-in-username').fill('mallory');
    // The server locks a username and address out after loginFailures failed sign-ins.
    for (let i = 0; i <= DEFAULT_ABUSE_LIMITS.loginFailures; i++) {
      await page.getByTestId('sign-in-password').fill(`wrong password ${i}`);
      await page.getByTestId('sign-in-submit').click();
      await page.getByTestId('sign-in-error').waitFor();
      await expect.poll(async () => page.getByTestId('sign-in-submit').innerText()).toBe('Sign in');
    }
    const error = page.getByTestId('sign-in-error');
    expect(await error.innerText()).toMatch(
      new RegExp(
        `locked out[\\s\\S]*paused until (tomorrow )?\\d{2}:\\d{2} \\(in ${DEFAULT_ABUSE_LIMITS.loginLockoutSeconds / 60} min\\)`,
      ),
    );
    await shot('15-sign-in-locked-out');
  });

  it('ran without unexpected console errors or CSP violations', () => {
    // Refusals this test provoked on purpose are logged by Chromium as failed resources.
    const expected = /Failed to load resource: the server responded with a status of (401|422|429)/;
    expect(consoleErrors.filter((e) => !e.includes('favicon') && !expected.test(e))).toEqual([]);
  });
});
