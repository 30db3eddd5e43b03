import type { DocumentNode } from 'graphql';

import { parseSelection } from './documents/record-documents';
import type { GraphQLExecutor, SageSchema } from './schema';
import { planDocument, planRecord } from './schema-plans';
import type { SchemaRequestOptions, TenantSchema } from './tenant-schema';

/** What a record operation (or the trigger) needs of the schema: the record type, its Fields, and whether it writes. */
export interface RecordSchemaNeed {
	recordType: string;
	fields?: string;
	mutation?: boolean;
}

/**
 * The schema with everything the record type's documents need loaded: its query, read and
 * mutation fields, its record type, and every type the Fields select into. When the record
 * type does not exist, the tenant's list of record types comes too, for the suggestion.
 */
export async function schemaForRecord(tenant: TenantSchema, client: GraphQLExecutor, need: RecordSchemaNeed, options: SchemaRequestOptions = {}): Promise<SageSchema> {
	const recordType = need.recordType.trim();
	// A syntax error is the user's, reported on their own text before anything is sent.
	const selection = need.fields?.trim() ? parseSelection(need.fields, 'Fields') : undefined;
	const schema = await tenant.load(client, (lookup) => planRecord({ recordType, selection, mutation: need.mutation }, lookup), options);
	if (!recordType || schema.recordType(recordType)) return schema;
	await tenant.recordTypeNames(client, options).catch(() => undefined); // only for "did you mean"
	return tenant.schema();
}

/** The schema with every type a user's document selects into, its fragments' and its variables' types loaded. */
export async function schemaForDocument(tenant: TenantSchema, client: GraphQLExecutor, document: DocumentNode, options: SchemaRequestOptions = {}): Promise<SageSchema> {
	return await tenant.load(client, (lookup) => planDocument(document, lookup), options);
}
