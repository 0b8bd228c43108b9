import fs, { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { InjectResult, SupplyChainEvent } from '../../contracts';
import { createLogger } from '../../runtime/logger';
import { ServiceUnavailableError } from '../../runtime/service-errors';
import { OutboxDrainer } from './drainer';
import type { OutboxPrincipal } from './records';
import { created } from './testing';
import { OutboxStore, type OutboxFs } from './store';

const log = createLogger('outbox-test', 'silent');
const who: OutboxPrincipal = { operator: 'ana', displayName: 'Ana', role: 'supervisor', method: 'session' };
const dirs: string[] = [];
const fast = { baseMs: 5, maxMs: 20, jitter: 'none' as const };

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sct-drainer-'));
  dirs.push(dir);
  return dir;
}

/** A stand-in broker: stores each event id once (like the workers' idempotency), counts sends. */
class FakeBroker {
  up = false;
  readonly sent: string[] = [];
  readonly stored = new Map<string, number>();
  publish = async (events: readonly SupplyChainEvent[]): Promise<InjectResult[]> => {
    if (!this.up) throw new ServiceUnavailableError('kafka', '127.0.0.1:1', 'connect ECONNREFUSED');
    return events.map((e) => {
      this.sent.push(e.id);
      this.stored.set(e.id, (this.stored.get(e.id) ?? 0) + 1);
      return { id: e.id, topic: 't', partition: 0, offset: String(this.sent.length) };
    });
  };
}

describe('outbox drainer', () => {
  it('delivers in queue order, stops on the first failure, and retries with backoff', async () => {
    const store = OutboxStore.open({ dir: tempDir(), log });
    const broker = new FakeBroker();
    const delivered: string[] = [];
    const drainer = new OutboxDrainer({
      store,
      publish: broker.publish,
      onDelivered: async (entry) => void delivered.push(entry.entryId),
      log,
      backoff: fast,
    });
    const events = ['o-1', 'o-2', 'o-3'].map((id) => created(id));
    store.enqueue('e1', who, [events[0]!]);
    store.enqueue('e2', who, [events[1]!, events[2]!]);
    drainer.kick();
    await drainer.idle();
    // Broker down: the first entry was tried once, nothing else, nothing left the queue.
    expect(drainer.state('e1')).toMatchObject({ attempts: 1, lastError: expect.stringContaining('Kafka') });
    expect(drainer.state('e2').attempts).toBe(0);
    expect(store.entries()).toHaveLength(2);

    await vi.waitFor(() => expect(drainer.state('e1').attempts).toBeGreaterThanOrEqual(2));
    broker.up = true;
    await vi.waitFor(() => expect(store.entries()).toHaveLength(0));
    expect(broker.sent).toEqual(events.map((e) => e.id));
    expect(delivered).toEqual(['e1', 'e2']);
    await drainer.stop();
    store.close();
  });

  it('stops on a failure in the middle: later entries wait, earlier ones stay delivered', async () => {
    const store = OutboxStore.open({ dir: tempDir(), log });
    const sent: string[] = [];
    let calls = 0;
    const drainer = new OutboxDrainer({
      store,
      publish: async (events) => {
        calls += 1;
        if (calls === 2) throw new ServiceUnavailableError('kafka', 'x', 'broker went away');
        sent.push(...events.map((e) => e.subject));
        return events.map((e) => ({ id: e.id, topic: 't', partition: 0, offset: '1' }));
      },
      onDelivered: async () => undefined,
      log,
      backoff: { baseMs: 60_000, maxMs: 60_000 },
    });
    for (const id of ['o-1', 'o-2', 'o-3']) store.enqueue(`e-${id}`, who, [created(id)]);
    drainer.kick();
    await drainer.idle();
    expect(sent).toEqual(['o-1']);
    expect(store.entries().map((e) => e.entryId)).toEqual(['e-o-2', 'e-o-3']);
    expect(drainer.state('e-o-2').lastError).toContain('broker went away');
    drainer.kick(); // e.g. the start completed: no waiting for the backoff
    await drainer.idle();
    expect(sent).toEqual(['o-1', 'o-2', 'o-3']);
    await drainer.stop();
    store.close();
  });

  it('delivers each event once across a restart, also after a crash between publish and "delivered"', async () => {
    const dir = tempDir();
    const broker = new FakeBroker();
    // First run: the broker stores the events, then the journal cannot record the delivery (the
    // process dies there, as far as the journal knows).
    let failWrites = false;
    const failing: OutboxFs = {
      ...fs,
      writeSync: ((...args: Parameters<typeof fs.writeSync>) => {
        if (failWrites) throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
        return (fs.writeSync as (...a: unknown[]) => number)(...args);
      }) as OutboxFs['writeSync'],
    };
    const first = OutboxStore.open({ dir, log, fs: failing });
    const events = ['o-1', 'o-2'].map((id) => created(id));
    first.enqueue('e1', who, [events[0]!]);
    first.enqueue('e2', who, [events[1]!]);
    broker.up = true;
    failWrites = true;
    const d1 = new OutboxDrainer({
      store: first,
      publish: broker.publish,
      onDelivered: async () => undefined,
      log,
      backoff: { baseMs: 60_000, maxMs: 60_000 },
    });
    d1.kick();
    await d1.idle();
    await d1.stop();
    first.close();
    expect(broker.sent).toEqual([events[0]!.id]);

    // After the restart: e1 is sent again with the same id (applied once), then e2.
    const second = OutboxStore.open({ dir, log });
    expect(second.entries().map((e) => e.entryId)).toEqual(['e1', 'e2']);
    const d2 = new OutboxDrainer({
      store: second,
      publish: broker.publish,
      onDelivered: async () => undefined,
      log,
    });
    d2.kick();
    await d2.idle();
    expect(second.entries()).toHaveLength(0);
    expect(broker.sent).toEqual([events[0]!.id, events[0]!.id, events[1]!.id]);
    expect([...broker.stored.keys()]).toEqual(events.map((e) => e.id));
    await d2.stop();
    second.close();

    // A third start finds nothing to send.
    const third = OutboxStore.open({ dir, log });
    expect(third.entries()).toHaveLength(0);
    third.close();
  });
});
