import { describe, expect, it } from 'vitest';
import type { OutboxView } from '../../../contracts/outbox';
import { OUTBOX_IDLE_POLL_MS, OUTBOX_POLL_MS, outboxPollMs } from './outbox';

const view = (entries: number): OutboxView => ({
  enabled: true,
  journal: '/x/outbox.jsonl',
  pending: Array.from({ length: entries }, (_, i) => ({
    entryId: `e${i}`,
    queuedAt: '2026-01-01T00:00:00.000Z',
    operator: 'ana',
    role: 'supervisor',
    eventCount: 1,
    types: ['sct.order.created.v1'],
    drillIds: [],
    events: [],
    attempts: 0,
    lastError: null,
    lastAttemptAt: null,
  })),
  queuedEvents: entries,
  quarantined: 0,
  delivering: false,
});

describe('outbox polling', () => {
  it('polls fast while injections are queued and slowly otherwise', () => {
    expect(outboxPollMs(undefined)).toBe(OUTBOX_IDLE_POLL_MS);
    expect(outboxPollMs(view(0))).toBe(OUTBOX_IDLE_POLL_MS);
    expect(outboxPollMs(view(2))).toBe(OUTBOX_POLL_MS);
    expect(OUTBOX_POLL_MS).toBeLessThan(OUTBOX_IDLE_POLL_MS);
  });
});
