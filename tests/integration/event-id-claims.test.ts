/**
 * QA findings of session 6 at the API, against a real isolated deployment (Kafka, PostgreSQL,
 * Redis and the three built workers):
 * - two requests sent at the same time with one event id for two different orders were both
 *   answered 202; the workers kept one and silently skipped the other, and a rebuild from the
 *   topics then reported drift. Now exactly one is accepted and the other gets 409 naming the id;
 * - the same id, entity and event time with other data was taken as a retry (202, the change
 *   silently dropped): a retry repeats the event exactly, its data too;
 * - a body nested 8,000 levels deep answered 500 (also before sign-in): now 400 `too_deep`.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError, OrderDetail } from '../../contracts';
import { orderCreated, startDeployment, waitFor, type TestDeployment } from '../support/harness';

let d: TestDeployment;

beforeAll(async () => {
  d = await startDeployment();
}, 120_000);

afterAll(async () => {
  await d?.close();
});

const inject = (event: unknown) => d.api('/api/events', { method: 'POST', body: JSON.stringify(event) });

describe('event id claims (QA, session 6)', () => {
  it('accepts exactly one of two simultaneous requests reusing one id, and that one is applied', async () => {
    const pairs = Array.from({ length: 12 }, (_, i) => {
      const id = randomUUID();
      return [orderCreated(`qa-race-${i}-a`, { id }), orderCreated(`qa-race-${i}-b`, { id })] as const;
    });
    const answers = await Promise.all(
      pairs.map(async ([a, b]) => {
        const [ra, rb] = await Promise.all([inject(a), inject(b)]);
        return { a, b, statuses: [ra.status, rb.status].sort(), winner: ra.status === 202 ? a : b, rb, ra };
      }),
    );
    for (const { statuses, ra, rb, a } of answers) {
      expect(statuses).toEqual([202, 409]);
      const refused = (ra.status === 409 ? await ra.json() : await rb.json()) as ApiError;
      expect(refused.message).toContain(a.id);
    }
    // Every accepted event is applied: none was silently skipped.
    for (const { winner } of answers) {
      await waitFor(`order ${winner.subject}`, async () => {
        const res = await d.api(`/api/orders/${winner.subject}`);
        return res.status === 200 ? ((await res.json()) as OrderDetail) : null;
      });
    }
  });

  it('refuses the same id, entity and event time with other data; an exact retry (keys in any order) is fine', async () => {
    const first = orderCreated('qa-claim-data');
    expect((await inject(first)).status).toBe(202);
    const otherSku = { ...first, data: { ...first.data, lines: [{ sku: 'SKU-2', quantity: 2 }] } };
    const refused = await inject(otherSku);
    expect(refused.status).toBe(409);
    const body = (await refused.json()) as ApiError;
    expect(body.message).toContain(first.id);
    expect(body.message).toContain('other data');
    const reordered = {
      data: Object.fromEntries(Object.entries(first.data).reverse()),
      time: '2024-03-01T12:00:00.000+00:00',
      subject: first.subject,
      type: first.type,
      source: first.source,
      id: first.id.toUpperCase(),
      specversion: '1.0',
    };
    expect((await inject(reordered)).status).toBe(202);
  });

  it('claims nothing for a refused batch: its new ids stay free', async () => {
    const used = orderCreated('qa-claim-used');
    expect((await inject(used)).status).toBe(202);
    const fresh = orderCreated('qa-claim-fresh');
    const batch = await d.api('/api/events/batch', {
      method: 'POST',
      body: JSON.stringify({ events: [fresh, { ...used, subject: 'qa-claim-other' }] }),
    });
    expect(batch.status).toBe(409);
    expect(((await batch.json()) as ApiError).index).toBe(1);
    // The refused batch's first id was not kept: it may now name another event.
    expect((await inject({ ...fresh, subject: 'qa-claim-fresh-2' })).status).toBe(202);
  });

  it('answers a body nested thousands of levels deep with 400 too_deep, before and after sign-in', async () => {
    const deep = '['.repeat(8000) + ']'.repeat(8000);
    const login = await fetch(`${d.core.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: deep,
    });
    expect(login.status).toBe(400);
    expect(JSON.stringify(await login.json())).toContain('too_deep');
    const events = await d.api('/api/events', {
      method: 'POST',
      body: '{"a":'.repeat(40_000) + '1' + '}'.repeat(40_000),
    });
    expect(events.status).toBe(400);
  });
});
