/** Test fixtures of the outbox tests (not used by the app). */
import { randomUUID } from 'node:crypto';
import { validateEvent, type SupplyChainEvent } from '../../contracts';

/** A valid order-created event for `orderId`. */
export function created(orderId: string, drillid?: string): SupplyChainEvent {
  const result = validateEvent({
    specversion: '1.0',
    id: randomUUID(),
    source: 'test',
    type: 'sct.order.created.v1',
    subject: orderId,
    time: '2024-03-01T12:00:00Z',
    ...(drillid ? { drillid } : {}),
    data: {
      customerId: 'c-1',
      warehouseId: 'w-1',
      siteTimeZone: 'America/Sao_Paulo',
      promisedDate: '2024-03-10',
      lines: [{ sku: 'SKU-1', quantity: 2 }],
    },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.event;
}
