/** analytics-aggregator worker entry: `node out/workers/analytics-aggregator.mjs [--config file.json]`. */
import { startWorker } from '../consumer-framework/worker-main';
import { analyticsProjection } from './projection';

void startWorker('analytics-aggregator', ({ pool, redis, config, log, cache }) =>
  analyticsProjection(pool, redis, config.topicPrefix, log, cache),
);
