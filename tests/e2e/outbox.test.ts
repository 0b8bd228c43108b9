/**
 * End to end in Debian's Chromium (issue 13 item 3): the queued-injection view. The headless
 * console runs; this checkout's Kafka broker is stopped with the stack script (only when this
 * checkout's stack started it: `.stack/kafka/kafka.pid`), an event injected on the Inject screen
 * is answered "Queued — will be sent when Kafka is back", the header shows "N queued" on every
 * screen, the queued-injections view lists each entry, one is discarded (confirmed, audited),
 * and once the broker is back the rest is delivered: the badge goes, the orders show the events.
 * Screenshots at 1280x720 and 1920x1080 go to test-output/screenshots (or SCT_SHOTS_DIR).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditPage, InjectResult, OrderDetail } from '../../contracts';
import { orderCreated, orderEvent, repoRoot, waitFor } from '../support/harness';
import { startHeadless, type HeadlessConsole } from '../support/headless';

const shots = process.env.SCT_SHOTS_DIR ?? path.join(repoRoot, 'test-output', 'screenshots');
const CHROMIUM = process.env.SCT_CHROMIUM ?? '/usr/bin/chromium';
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;
const ownBroker = existsSync(path.join(repoRoot, '.stack', 'kafka', 'kafka.pid'));

let consoleApp: HeadlessConsole;
let browser: Browser;
let page: Page;
let brokerDown = false;

async function shot(name: string): Promise<void> {
  for (const size of [...SIZES].reverse()) {
    await page.setViewportSize(size);
    await page.waitForTimeout(250);
    await page.screenshot({ path: path.join(shots, `outbox-${name}-${size.width}.png`), fullPage: false });
  }
}

/** Stops or starts this checkout's broker with the stack script (as the fault suite does). */
function stack(cmd: 'down' | 'up'): boolean {
  return (
    spawnSync('npx', ['tsx', 'scripts/stack.ts', cmd], { cwd: repoRoot, stdio: 'ignore', timeout: 180_000 })
      .status === 0
  );
}

beforeAll(async () => {
  if (!ownBroker) return;
  mkdirSync(shots, { recursive: true });
  consoleApp = await startHeadless();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  page = await browser.newPage({ viewport: SIZES[0] });
}, 120_000);

afterAll(async () => {
  if (brokerDown) stack('up');
  await browser?.close();
  await consoleApp?.close();
}, 240_000);

describe('queued injections while Kafka is unreachable', () => {
  it.skipIf(!ownBroker)(
    'queues an injection, shows the badge and the view, discards one, and delivers the rest',
    async () => {
      const id = randomUUID().slice(0, 6);
      const kept = `E2E-OB-${id}`;
      const dropped = `E2E-OBX-${id}`;
      for (const o of [kept, dropped]) {
        const res = await consoleApp.api('/api/events', {
          method: 'POST',
          body: JSON.stringify(orderCreated(o)),
        });
        expect(res.status).toBe(202);
      }
      await waitFor(
        'both orders visible',
        async () =>
          (await consoleApp.api(`/api/orders/${kept}`)).status === 200 &&
          (await consoleApp.api(`/api/orders/${dropped}`)).status === 200,
      );
      await page.goto(`${consoleApp.url}/#token=${consoleApp.token}`);
      await page.getByTestId('nav-inject').waitFor();

      // The broker goes away.
      brokerDown = true;
      expect(stack('down')).toBe(true);

      // Injected on the Inject screen: answered queued.
      await page.goto(
        `${consoleApp.url}/#/inject?type=sct.order.approved.v1&subject=${encodeURIComponent(kept)}`,
      );
      await page.getByTestId('inject-form').waitFor();
      await page.getByTestId('inject-submit').click();
      const result = page.getByTestId('inject-result');
      await result.waitFor({ timeout: 60_000 });
      expect(await result.getAttribute('data-queued')).toBe('true');
      expect(await result.innerText()).toContain('Queued — will be sent when Kafka is back');
      await page.getByTestId('outbox-badge').waitFor();
      await shot('01-inject-queued');

      // Two more through the API: a mistake (cancels the wrong order) and the next step of the kept one.
      const mistake = orderEvent(dropped, 'cancelled', '2024-03-01T13:00:00Z');
      const picked = orderEvent(kept, 'picked', new Date(Date.now() + 60_000).toISOString());
      for (const e of [mistake, picked]) {
        const res = await consoleApp.api('/api/events', { method: 'POST', body: JSON.stringify(e) });
        expect(res.status).toBe(202);
        expect(((await res.json()) as InjectResult).queued).toBe(true);
      }

      // The badge is on every screen; it leads to the queued view, oldest first.
      await page.getByTestId('nav-orders').click();
      const badge = page.getByTestId('outbox-badge');
      await expect.poll(() => badge.getAttribute('data-entries'), { timeout: 15_000 }).toBe('3');
      expect(await badge.innerText()).toContain('3 queued');
      await badge.click();
      await page.getByTestId('outbox-table').waitFor();
      const rows = page.getByTestId('outbox-row');
      await expect.poll(() => rows.count()).toBe(3);
      expect(await rows.nth(1).innerText()).toContain(dropped);
      await shot('02-queued-view');

      // Discard the mistake: the confirmation names what goes.
      await rows.nth(1).getByTestId('outbox-discard').click();
      const dialog = page.getByTestId('outbox-discard-confirmation');
      await dialog.waitFor();
      expect(await dialog.innerText()).toContain(`order.cancelled.v1 for ${dropped}`);
      await page.getByTestId('outbox-discard-reason').fill('cancelled the wrong order');
      await shot('03-discard-confirmation');
      await page.getByTestId('outbox-discard-confirm').click();
      await dialog.waitFor({ state: 'detached' });
      await expect.poll(() => rows.count()).toBe(2);
      expect(await page.getByTestId('outbox-table').innerText()).not.toContain(dropped);

      // The broker returns: the rest goes out in order, the badge disappears.
      expect(stack('up')).toBe(true);
      brokerDown = false;
      await page.getByTestId('outbox-empty').waitFor({ timeout: 120_000 });
      await expect.poll(() => badge.count()).toBe(0);
      await shot('04-delivered');
      await waitFor(
        'the kept order picked',
        async () => {
          const res = await consoleApp.api(`/api/orders/${kept}`);
          return res.status === 200 && ((await res.json()) as OrderDetail).status === 'picked';
        },
        90_000,
        500,
      );
      expect(((await (await consoleApp.api(`/api/orders/${dropped}`)).json()) as OrderDetail).status).toBe(
        'created',
      );
      const audit = (await (await consoleApp.api('/api/audit?action=outbox.discard')).json()) as AuditPage;
      expect(audit.items[0]).toMatchObject({ action: 'outbox.discard', reason: 'cancelled the wrong order' });
    },
    420_000,
  );
});
