/**
 * Drill screen wording (QA), end to end in Debian's Chromium against the real headless console:
 * before any preview the hypothesis shows `…` for the figures a preview computes (never the raw
 * `{expected.late}` placeholders); a paused run's banner says "paused" with no remaining time; a
 * running or paused run's report says why its purge waits. Screenshots at 1280x720 and 1920x1080
 * go to $SCT_SHOTS_DIR (default test-output/screenshots/drill-wording).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrillRun } from '../../contracts';
import { repoRoot, waitFor } from '../support/harness';
import { startHeadless, type HeadlessConsole } from '../support/headless';

const shots = process.env.SCT_SHOTS_DIR ?? path.join(repoRoot, 'test-output', 'screenshots', 'drill-wording');
const CHROMIUM = process.env.SCT_CHROMIUM ?? '/usr/bin/chromium';
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;

let consoleApp: HeadlessConsole;
let browser: Browser;
let page: Page;

async function shot(name: string): Promise<void> {
  for (const size of [...SIZES].reverse()) {
    await page.setViewportSize(size);
    await page.waitForTimeout(200);
    await page.screenshot({ path: path.join(shots, `${name}-${size.width}.png`) });
  }
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  consoleApp = await startHeadless();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  page = await (await browser.newContext({ viewport: SIZES[0] })).newPage();
  await page.goto(`${consoleApp.url}/#token=${consoleApp.token}`);
  await page.getByTestId('nav-dashboard').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await consoleApp?.close();
});

describe('drill screen wording', () => {
  it('shows … instead of the raw placeholders before a preview, and the figures after it', async () => {
    await page.getByTestId('nav-drills').click();
    await page.locator('[data-testid="drill-scenario"][data-scenario-id="lost-parcel"]').click();
    const hypothesis = page.getByTestId('drill-hypothesis');
    await hypothesis.waitFor();
    const before = (await hypothesis.textContent()) ?? '';
    expect(before).not.toMatch(/[{}]/);
    expect(before).toContain('…');
    expect(before).toContain('press Preview to compute');
    await shot('01-drills-before-preview');
    await page.getByTestId('drill-preview-button').click();
    await page.getByTestId('drill-preview').waitFor();
    const after = (await hypothesis.textContent()) ?? '';
    expect(after).not.toMatch(/[{}…]/);
  });

  it("a paused run's banner says paused, with no time left; its purge says to stop it first", async () => {
    const started = (await (
      await consoleApp.api('/api/drills/runs', {
        method: 'POST',
        body: JSON.stringify({ scenarioId: 'lost-parcel', parameters: { orders: 100, rate: 30 } }),
      })
    ).json()) as DrillRun;
    await waitFor('some events sent', async () => {
      const r = (await (await consoleApp.api(`/api/drills/runs/${started.id}`)).json()) as DrillRun;
      return r.progress.sent > 0;
    });
    const paused = await consoleApp.api(`/api/drills/runs/${started.id}/pause`, {
      method: 'POST',
      body: JSON.stringify({}),
    });
    expect(paused.status).toBe(200);
    const banner = page.locator(`[data-testid="drill-run-banner"][data-run-id="${started.id}"]`);
    await banner.and(page.locator('[data-state="paused"]')).waitFor();
    const progress = (await banner.getByTestId('drill-run-banner-progress').textContent()) ?? '';
    expect(progress).toContain('paused');
    expect(progress).not.toMatch(/left/);
    await banner.scrollIntoViewIfNeeded();
    await shot('02-banner-paused');
    await page.goto(`${consoleApp.url}/#/drills/runs/${started.id}`);
    await page.getByTestId('drill-report').waitFor();
    expect(await page.getByTestId('drill-purge').isDisabled()).toBe(true);
    expect(await page.getByTestId('drill-purge-blocked').textContent()).toBe(
      `Run ${started.id} of drill ${started.drillId} is paused: stop it first, then purge`,
    );
    await shot('03-report-purge-blocked');
    await consoleApp.api(`/api/drills/runs/${started.id}/stop`, { method: 'POST', body: JSON.stringify({}) });
  });
});
