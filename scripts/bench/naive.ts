/**
 * The naive baseline: the common tutorial consumer. One message at a time (kafkajs `eachMessage`,
 * one partition at a time), the same decoding and validation as the workers, then ONE upsert per
 * message in autocommit mode (no explicit transaction, no batching, no idempotency table), Kafka
 * offsets auto-committed. It writes less per event than the pipeline does (one row; no lines,
 * history, facts or applied-event ids), so the ratio to it is conservative.
 */
import type { Kafka } from 'kafkajs';
import { EVENT_TYPES, ORDER_STATUS_OF_EVENT, entityOfType, type OrderEvent } from '../../contracts';
import type { Pool } from '../../runtime/db';
import { decodeMessage } from '../../workers/consumer-framework/batch-consumer';
import type { RateResult } from './limits';
import { nowMs } from './stats';

export async function naiveRate(
  kafka: Kafka,
  pool: Pool,
  topic: string,
  groupId: string,
  limit: number,
): Promise<RateResult & { invalid: number }> {
  await pool.query('DROP TABLE IF EXISTS bench_naive_orders, bench_naive_shipments');
  await pool.query('CREATE TABLE bench_naive_orders (LIKE orders INCLUDING ALL)');
  await pool.query('CREATE TABLE bench_naive_shipments (LIKE shipments INCLUDING ALL)');
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  await consumer.connect();
  let count = 0;
  let invalid = 0;
  let first = 0;
  let last = 0;
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(
        () => reject(new Error(`naive consumer handled ${count}/${limit} in 180 s`)),
        180_000,
      );
      void consumer.run({
        autoCommit: true,
        eachMessage: async ({ message }) => {
          if (count >= limit) return;
          if (first === 0) first = nowMs();
          const decoded = decodeMessage(message);
          if ('error' in decoded) {
            invalid += 1;
          } else if ('event' in decoded) {
            const e = decoded.event;
            if (entityOfType(e.type) === 'order') {
              const created =
                e.type === EVENT_TYPES.orderCreated
                  ? (e.data as { customerId: string; warehouseId: string; promisedDate: string })
                  : null;
              await pool.query(
                `INSERT INTO bench_naive_orders (order_id, status, customer_id, warehouse_id, promised_date, created_at, last_event_time, event_count)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 1)
                 ON CONFLICT (order_id) DO UPDATE SET status = EXCLUDED.status,
                   customer_id = coalesce(EXCLUDED.customer_id, bench_naive_orders.customer_id),
                   warehouse_id = coalesce(EXCLUDED.warehouse_id, bench_naive_orders.warehouse_id),
                   promised_date = coalesce(EXCLUDED.promised_date, bench_naive_orders.promised_date),
                   created_at = coalesce(EXCLUDED.created_at, bench_naive_orders.created_at),
                   last_event_time = greatest(EXCLUDED.last_event_time, bench_naive_orders.last_event_time),
                   event_count = bench_naive_orders.event_count + 1, updated_at = now()`,
                [
                  e.subject,
                  ORDER_STATUS_OF_EVENT[(e as OrderEvent).type],
                  created?.customerId ?? null,
                  created?.warehouseId ?? null,
                  created?.promisedDate ?? null,
                  created ? e.time : null,
                  e.time,
                ],
              );
            } else {
              const status =
                e.type === EVENT_TYPES.shipmentCreated
                  ? 'info_received'
                  : e.type === EVENT_TYPES.shipmentDelivered
                    ? 'delivered'
                    : ((e.data as { status?: string }).status ?? 'in_transit');
              await pool.query(
                `INSERT INTO bench_naive_shipments (shipment_id, status, last_event_time) VALUES ($1, $2, $3)
                 ON CONFLICT (shipment_id) DO UPDATE SET status = EXCLUDED.status,
                   last_event_time = greatest(EXCLUDED.last_event_time, bench_naive_shipments.last_event_time), updated_at = now()`,
                [e.subject, status, e.time],
              );
            }
          }
          count += 1;
          last = nowMs();
          if (count >= limit) {
            clearTimeout(timeout);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return { count, seconds: (last - first) / 1000, perSecond: count / ((last - first) / 1000), invalid };
}
