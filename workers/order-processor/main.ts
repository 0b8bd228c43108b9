/** order-processor worker entry: `node out/workers/order-processor.mjs [--config file.json]`. */
import { startWorker } from '../runtime/worker-main';
import { orderProjection } from './projection';

void startWorker('order-processor', ({ redis, config }) => orderProjection(redis, config.topicPrefix));
