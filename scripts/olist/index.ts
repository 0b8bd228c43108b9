/** The Olist import: CSV reading, order-to-events mapping, and the batch import. */
export * from './time';
export * from './ids';
export * from './read';
export * from './mapping';
export * from './import';
