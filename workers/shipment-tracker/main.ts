/** shipment-tracker worker entry: `node out/workers/shipment-tracker.mjs [--config file.json]`. */
import { startWorker } from '../runtime/worker-main';
import { shipmentProjection } from './projection';

void startWorker('shipment-tracker', ({ redis, config }) => shipmentProjection(redis, config.topicPrefix));
