/**
 * End to end in Debian's Chromium (issue 13): the headless console started with PostgreSQL
 * unreachable (DATABASE_URL on a closed port) opens on the connection screen naming each service,
 * the address tried and what failed; its settings (read-only headless, each with its source) run
 * *Test connection* with one result per service (PostgreSQL not reachable, Kafka and Redis
 * reached with version and latency); when PostgreSQL comes up at that address (a forwarder to the
 * real one opens on the port) the console starts by itself and the Settings screen is in the
 * navigation. Screenshots at 1280x720 and 1920x1080 go to test-output/screenshots (or
 * SCT_SHOTS_DIR).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../runtime/config';
import { closedPort, Forwarder } from '../support/forwarder';
import { repoRoot } from '../support/harness';
import { startHeadless, type HeadlessConsole } from '../support/headless';

const shots = process.env.SCT_SHOTS_DIR ?? path.join(repoRoot, 'test-output', 'screenshots');
const CHROMIUM = process.env.SCT_CHROMIUM ?? '/usr/bin/chromium';
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;

let consoleApp: HeadlessConsole;
let browser: Browser;
let page: Page;
let pg: Forwarder;
let pgPort: number;
const consoleErrors: string[] = [];

async function shot(name: string): Promise<void> {
  for (const size of [...SIZES].reverse()) {
    await page.setViewportSize(size);
    await page.waitForTimeout(200);
    await page.screenshot({ path: path.join(shots, `settings-${name}-${size.width}.png`), fullPage: false });
  }
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  const base = loadConfig();
  const target = new URL(base.databaseUrl);
  pgPort = await closedPort();
  pg = new Forwarder(pgPort, { host: target.hostname, port: Number(target.port || 5432) });
  // The console's own database, through the forwarder's port: nothing listens there yet.
  consoleApp = await startHeadless({ until: 'listening', databasePort: pgPort });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  page = await browser.newPage({ viewport: SIZES[0] });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await consoleApp?.close();
  await pg?.close();
});

describe('connection screen and settings', () => {
  it('opens on the connection screen naming PostgreSQL, its address and what failed', async () => {
    await page.goto(`${consoleApp.url}/#token=${consoleApp.token}`);
    await page.getByTestId('connection-screen').waitFor();
    const postgres = page.getByTestId('connection-service-postgres');
    await expect.poll(() => postgres.getAttribute('data-state'), { timeout: 30_000 }).toBe('down');
    const text = await postgres.innerText();
    expect(text).toContain('PostgreSQL');
    expect(text).toContain(`127.0.0.1:${pgPort}`);
    expect(text).toMatch(/connection refused/);
    expect(text).toMatch(/To fix:/);
    await expect
      .poll(() => page.getByTestId('connection-service-kafka').getAttribute('data-state'), {
        timeout: 30_000,
      })
      .toBe('up');
    expect(await page.getByTestId('connection-headline').innerText()).toBe(
      'The console cannot reach PostgreSQL yet',
    );
    await shot('connection');
  });

  it('shows the settings read-only with their sources, and tests the connection per service', async () => {
    await page.getByTestId('connection-open-settings').click();
    await page.getByTestId('settings-screen').waitFor();
    expect(await page.getByTestId('settings-read-only').innerText()).toMatch(
      /environment variables and SCT_SETTINGS_FILE/,
    );
    expect(await page.getByTestId('settings-databaseUrl').getAttribute('readonly')).not.toBeNull();
    expect(await page.getByTestId('settings-databaseUrl-source').innerText()).toBe(
      'set by DATABASE_URL (environment)',
    );
    expect(await page.getByTestId('settings-siteTimeZone-source').innerText()).toBe('default');
    await page.getByTestId('settings-test').click();
    await page.getByTestId('settings-test-results').waitFor({ timeout: 30_000 });
    const pgRow = page.getByTestId('settings-test-postgres');
    expect(await pgRow.getAttribute('data-reached')).toBe('false');
    expect(await pgRow.innerText()).toMatch(/not reachable[\s\S]*connection refused/);
    expect(await page.getByTestId('settings-test-kafka').getAttribute('data-reached')).toBe('true');
    expect(await page.getByTestId('settings-test-redis').innerText()).toMatch(/Redis \d+\.\d+.*\d+ ms/);
    await page.getByTestId('settings-test-results').scrollIntoViewIfNeeded();
    await shot('test-connection');
  });

  it('starts by itself when PostgreSQL comes up, with Settings in the navigation', async () => {
    await pg.open();
    await page.getByTestId('nav-settings').waitFor({ timeout: 120_000 });
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-screen').waitFor();
    await shot('screen');
    expect(consoleErrors.filter((e) => !/Failed to load resource|503/.test(e))).toEqual([]);
  });
});
