/**
 * Building and checking GraphQL documents, before anything is sent: record documents from
 * the schema, users' documents checked, their paging found and their mutations merged.
 */
export * from './record-documents';
export * from './user-documents';
export * from './cursor-connection';
export * from './merge-mutations';
export * from './aggregate-documents';
export * from './async-documents';
export * from './bulk-documents';
export * from './upsert-documents';
export * from './selection-of-paths';
export * from './start-arguments';
