/** order-processor worker entry: `node out/workers/order-processor.mjs [--config file.json]`. */
import { startWorker } from '../consumer-framework/worker-main';
import { orderProjection } from './projection';

void startWorker('order-processor', ({ pool, redis, config, cache }) =>
  orderProjection(pool, redis, config.topicPrefix, cache),
);
