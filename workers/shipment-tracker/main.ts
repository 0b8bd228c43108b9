/** shipment-tracker worker entry: `node out/workers/shipment-tracker.mjs [--config file.json]`. */
import { startWorker } from '../consumer-framework/worker-main';
import { shipmentProjection } from './projection';

void startWorker('shipment-tracker', ({ pool, redis, config, cache }) =>
  shipmentProjection(pool, redis, config.topicPrefix, cache),
);
