/** Public surface of the contracts package: event schemas, statuses, topics, site time (the on-time rule) and the API contract. */
export * from './events';
export * from './order-status';
export * from './shipment-status';
export * from './topics';
export * from './api';
export * from './ipc';
export * from './ipc-requests';
export * from './auth';
export * from './routes';
export * from './audit';
export * from './workers';
export * from './backoff';
export * from './site-time';
export * from './kpi-drilldown';
export * from './kpi-range';
export * from './paging';
export * from './shortcuts';
