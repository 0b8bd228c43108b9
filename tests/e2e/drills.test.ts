/**
 * End to end in Debian's Chromium against the real headless console (API, workers, Kafka,
 * PostgreSQL, Redis): the inject form's drill survives a reload and shows in a banner on every
 * screen until the operator leaves it; then a drill from the scenario library: choose it, preview,
 * run, pause (the banner and its progress survive a reload), resume, see the check results, open
 * the report (parameters with their units, notes saved, HTML downloaded, print layout), purge it
 * with the confirmation naming what goes (the report then says when and by whom, in its timeline
 * too, and offers the purge no more), and find every step in the audit log (filtered by the drill id, in the URL) and in
 * its CSV export. Screenshots of each step at 1280x720 and 1920x1080 go to
 * $SCT_SHOTS_DIR (default test-output/screenshots/drills).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrillPurgePreview, DrillRun } from '../../contracts';
import { repoRoot, waitFor } from '../support/harness';
import { startHeadless, type HeadlessConsole } from '../support/headless';

const shots = process.env.SCT_SHOTS_DIR ?? path.join(repoRoot, 'test-output', 'screenshots', 'drills');
const CHROMIUM = process.env.SCT_CHROMIUM ?? '/usr/bin/chromium';
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;

let consoleApp: HeadlessConsole;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

/** Screenshots the page at both sizes (`<name>-1280.png`, `-1920.png`), ending at 1280x720. */
async function shot(name: string, fullPage = false): Promise<void> {
  for (const size of [...SIZES].reverse()) {
    await page.setViewportSize(size);
    await page.waitForTimeout(200);
    await page.screenshot({ path: path.join(shots, `${name}-${size.width}.png`), fullPage });
  }
}

async function run(id: string): Promise<DrillRun> {
  return (await (await consoleApp.api(`/api/drills/runs/${id}`)).json()) as DrillRun;
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  consoleApp = await startHeadless();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  const context = await browser.newContext({ viewport: SIZES[0], acceptDownloads: true });
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto(`${consoleApp.url}/#token=${consoleApp.token}`);
  await page.getByTestId('nav-dashboard').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await consoleApp?.close();
});

describe('drills in the console', () => {
  it('keeps the inject form drill across a reload, in a banner on every screen, until left', async () => {
    await page.goto(`${consoleApp.url}/#/inject`);
    await expect(page.getByTestId('drill-banner').count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'New drill' }).click();
    const drillId = await page.getByTestId('inject-drillid').inputValue();
    expect(drillId).toMatch(/^drill-\d{8}-/);
    await page.getByTestId('drill-banner').waitFor();
    await page.reload();
    await page.getByTestId('inject-form').waitFor();
    // After the reload the form still holds the drill: the next event is drill traffic.
    expect(await page.getByTestId('inject-drillid').inputValue()).toBe(drillId);
    expect(await page.getByTestId('inject-submit').textContent()).toBe('Send drill event');
    await page.goto(`${consoleApp.url}/#/orders`);
    expect(await page.getByTestId('drill-banner').getAttribute('data-drill-id')).toBe(drillId);
    await shot('01-inject-drill-banner');
    await page.getByTestId('drill-banner-leave').click();
    await expect(page.getByTestId('drill-banner').count()).resolves.toBe(0);
    await page.reload();
    await page.getByTestId('nav-orders').waitFor();
    await expect(page.getByTestId('drill-banner').count()).resolves.toBe(0);
    await page.goto(`${consoleApp.url}/#/inject`);
    expect(await page.getByTestId('inject-drillid').inputValue()).toBe('');
  });

  let runId = '';
  let drillId = '';

  it('chooses a scenario, refuses a parameter out of its limits, previews and runs it', async () => {
    await page.goto(`${consoleApp.url}/#/drills`);
    await page.getByTestId('drill-scenario').first().waitFor();
    expect(await page.getByTestId('drill-scenario').count()).toBeGreaterThanOrEqual(5);
    await page.locator('[data-testid="drill-scenario"][data-scenario-id="lost-parcel"]').click();
    await page.locator('[data-testid="drill-form"][data-scenario-id="lost-parcel"]').waitFor();
    await shot('02-library');
    // Out of the scenario's limits, a bad seed and a note with a control character: refused
    // before anything is sent, every field named in one round (QA: one problem per round).
    await page.getByTestId('drill-param-orders').fill('5000');
    await page.getByTestId('drill-param-seed').fill('-1');
    await page.getByTestId('drill-note').fill('bell \u0007 in the note');
    await page.getByTestId('drill-preview-button').click();
    const error = page.getByTestId('drill-param-error');
    await error.first().waitFor();
    const fields = await error.evaluateAll((els) => els.map((e) => e.getAttribute('data-field')));
    expect(fields).toEqual(['parameters.orders', 'seed', 'note']);
    expect(await page.getByTestId('drill-form-error').textContent()).toContain('3 problems');
    expect(await page.getByTestId('drill-start').isDisabled()).toBe(true);
    await shot('02b-form-errors');
    await page.getByTestId('drill-param-seed').fill('1');
    await page.getByTestId('drill-note').fill('');
    await page.getByTestId('drill-param-orders').fill('8');
    await page.getByTestId('drill-param-rate').fill('4');
    await page.getByTestId('drill-preview-button').click();
    await page.getByTestId('drill-preview').waitFor();
    const total = Number(await page.getByTestId('drill-preview').getAttribute('data-total'));
    expect(total).toBeGreaterThan(8);
    expect(await page.getByTestId('drill-preview-counts').locator('tbody tr').count()).toBeGreaterThan(1);
    expect(await page.getByTestId('drill-preview-expected').locator('tbody tr').count()).toBeGreaterThan(0);
    await page.getByTestId('drill-preview-events').locator('summary').click();
    await shot('03-preview');
    await page.getByTestId('drill-note').fill('e2e: lost parcels at WH-DRILL-SP, watch the exceptions queue');
    await page.getByTestId('drill-start').click();
    const panel = page.getByTestId('drill-run');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="drill-run"]')?.getAttribute('data-state') === 'running',
    );
    runId = (await panel.getAttribute('data-run-id'))!;
    drillId = (await panel.getAttribute('data-drill-id'))!;
    expect(Number(await panel.getAttribute('data-total'))).toBe(total);
    // The banner with progress shows on every screen while it runs.
    await page.getByTestId('drill-run-banner').waitFor();
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="drill-run-banner"]')?.getAttribute('data-sent')) > 0,
    );
    await shot('04-running');
  });

  it('pauses; the banner and progress survive a reload; resumes to the end with check results', async () => {
    await page.getByTestId('drill-pause').click();
    await waitFor('run paused', async () => (await run(runId)).state === 'paused');
    const pausedAt = (await run(runId)).progress.sent;
    expect(pausedAt).toBeLessThan((await run(runId)).progress.total);
    await page.reload();
    await page.getByTestId('drill-run-banner').waitFor();
    expect(await page.getByTestId('drill-run-banner').getAttribute('data-state')).toBe('paused');
    await page.goto(`${consoleApp.url}/#/shipments`);
    await page.getByTestId('drill-run-banner').waitFor();
    expect(await page.getByTestId('drill-run-banner-progress').textContent()).toContain(`${pausedAt} of`);
    await shot('05-paused-banner-other-screen');
    // Paused means paused: nothing more is sent meanwhile.
    await page.waitForTimeout(1_500);
    expect((await run(runId)).progress.sent).toBe(pausedAt);
    await page.goto(`${consoleApp.url}/#/drills`);
    await page.getByTestId('drill-resume').click();
    await waitFor('run completed', async () => (await run(runId)).state === 'completed', 120_000);
    await page.getByTestId('drill-checks').waitFor();
    const checks = page.getByTestId('drill-check');
    expect(await checks.count()).toBeGreaterThan(1);
    const final = await run(runId);
    expect(final.progress.sent).toBe(final.progress.total);
    expect(final.checks?.every((c) => c.passed)).toBe(true);
    expect(await page.getByTestId('drill-checks').getAttribute('data-passed')).toBe('true');
    await expect(page.getByTestId('drill-run-banner').count()).resolves.toBe(0);
    await page.getByTestId('drill-checks').scrollIntoViewIfNeeded();
    await shot('06-check-results');
  });

  it('opens the report: timeline, checks, notes saved, HTML download and print layout', async () => {
    await page.getByTestId('drill-open-report').click();
    await page.getByTestId('drill-report').waitFor();
    const kinds = await page
      .getByTestId('drill-report-timeline-entry')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')));
    expect(kinds).toEqual(expect.arrayContaining(['started', 'paused', 'resumed', 'completed']));
    // Each value with its unit (QA: "Span 60", "Time shift -48").
    const parameters = await page
      .getByTestId('drill-report-parameters')
      .locator('tr')
      .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));
    expect(parameters).toEqual(
      expect.arrayContaining([
        'Parcels 8 orders',
        'Span 60 minutes',
        'Time shift -48 hours',
        'Rate 4 events/s',
      ]),
    );
    await page.getByTestId('drill-notes').fill('Exceptions queue showed every lost parcel within seconds.');
    await page.getByTestId('drill-notes-save').click();
    await waitFor('note saved', async () => (await run(runId)).note?.startsWith('Exceptions queue') === true);
    await shot('07-report', true);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('drill-report-download').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`drill-report-${drillId}.html`);
    const html = readFileSync(await download.path(), 'utf8');
    expect(html).toContain(drillId);
    expect(html).toContain('Exceptions queue showed every lost parcel');
    expect(html).toContain('PASS');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.nav').isVisible()).toBe(false);
    await shot('08-report-print', true);
    await page.emulateMedia({ media: 'screen' });
  });

  it('purges the drill after a confirmation that names what goes', async () => {
    await page.getByTestId('drill-purge').click();
    const dialog = page.getByTestId('drill-purge-dialog');
    await dialog.getByTestId('drill-purge-what').waitFor();
    const what = await dialog.getByTestId('drill-purge-what').textContent();
    const preview = (await (
      await consoleApp.api(`/api/drills/${drillId}/purge`)
    ).json()) as DrillPurgePreview;
    expect(preview.orders).toBe(8);
    expect(what).toContain(`${preview.orders} orders`);
    expect(what).toContain(`${preview.shipments} shipments`);
    await shot('09-purge-confirmation');
    await dialog.getByTestId('drill-purge-reason').fill('e2e drill done');
    await dialog.getByTestId('drill-purge-confirm').click();
    await dialog.getByTestId('drill-purge-done').waitFor();
    await waitFor('drill purged from the read models', async () => {
      const p = (await (await consoleApp.api(`/api/drills/${drillId}/purge`)).json()) as DrillPurgePreview;
      return p.alreadyPurged && p.orders === 0 && p.shipments === 0;
    });
    // The report says so (QA: it still offered "Purge drill…" and its timeline had no purge).
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.getByTestId('drill-report-purged').waitFor();
    expect(await page.getByTestId('drill-report-purged').textContent()).toContain('e2e drill done');
    const purgedEntry = page.locator('[data-testid="drill-report-timeline-entry"][data-kind="purged"]');
    expect(await purgedEntry.textContent()).toContain('e2e drill done');
    expect(await page.getByTestId('drill-purge').isDisabled()).toBe(true);
    expect(await page.getByTestId('drill-purge-blocked').textContent()).toContain(
      `Drill ${drillId} was purged`,
    );
    await shot('09b-report-purged');
  });

  it('finds every step in the audit log, filtered by drill id in the URL, and in its CSV export', async () => {
    await page.goto(`${consoleApp.url}/#/audit`);
    await page.getByTestId('audit-drill').fill(drillId);
    await page.waitForFunction((id) => window.location.hash.includes(`drillId=${id}`), drillId);
    const want = ['drills.start', 'drills.pause', 'drills.resume', 'drills.note', 'drills.purge'];
    await waitFor('drill actions listed', async () => {
      const actions = await page
        .getByTestId('audit-row')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
      return want.every((a) => actions.includes(a));
    });
    // Every row listed names this drill.
    const drills = await page
      .getByTestId('audit-row')
      .evaluateAll((rows) => rows.map((r) => r.querySelector('.audit-col-drills')?.textContent ?? ''));
    expect(drills.every((d) => d.includes(drillId))).toBe(true);
    await shot('10-audit-filtered');
    // The filtered view is a link: a reload shows the same rows.
    const rowsBefore = await page.getByTestId('audit-row').count();
    await page.reload();
    await page.getByTestId('audit-row').first().waitFor();
    expect(await page.getByTestId('audit-drill').inputValue()).toBe(drillId);
    expect(await page.getByTestId('audit-row').count()).toBe(rowsBefore);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('audit-export').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^audit-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = parse<Record<string, string>>(readFileSync(await download.path(), 'utf8'), {
      columns: true,
    });
    expect(csv.length).toBe(rowsBefore);
    expect(csv.map((r) => r['action'])).toEqual(expect.arrayContaining(want));
    expect(csv.every((r) => r['drill_ids']!.split(' ').includes(drillId))).toBe(true);
  });

  it('logged no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
