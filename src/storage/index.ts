/** Public surface of the storage adapter. */
export { createStore, parseDatabaseUrl, type DatabaseTarget } from './storage-factory.js';
export { createLedgerWriter, type LedgerWriterOptions } from './ledger-writer.js';
export { SqlHubStore } from './sql/sql-store.js';
