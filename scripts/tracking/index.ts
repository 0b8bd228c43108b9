/** The AfterShip tracking import: reading, the status table, zones, mapping and the batch import. */
export * from './status-map';
export * from './zones';
export * from './read';
export * from './mapping';
export * from './import';
