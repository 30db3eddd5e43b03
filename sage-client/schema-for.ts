import type { DocumentNode, SelectionSetNode } from 'graphql';

import {
	asyncOperations,
	requireAsyncOperation,
	type AsyncOperationInfo,
} from './schema/async-operations';
import { planAsyncOperation } from './schema/async-plan';
import { parseSelection } from './documents/record-documents';
import { planRecordFields } from './fields/plan-fields';
import { describeRecordFields, type RecordFields } from './fields/record-fields';
import { literalPaths } from './documents/filter-check';
import type { GraphQLExecutor, SageSchema } from './schema/schema';
import { planDocument, planRecord } from './schema/schema-plans';
import type { SchemaRequestOptions, TenantSchema } from './schema/tenant-schema';

/** What a record operation (or the trigger) needs of the schema: the record type, its Fields, and whether it writes. */
export interface RecordSchemaNeed {
	recordType: string;
	fields?: string;
	mutation?: boolean;
	/** A Filter and an Order By to check: the types their property paths go through are loaded too. */
	filter?: string;
	orderBy?: string;
	/** What an Aggregate selects under the node's query type (aggregate-documents.ts). */
	aggregate?: SelectionSetNode;
}

/**
 * The schema with everything the record type's documents need loaded: its query, read and
 * mutation fields, its record type, every type the Fields select into, and the types on the
 * property paths of a Filter or Order By. When the record type does not exist, the tenant's
 * list of record types comes too, for the suggestion.
 */
export async function schemaForRecord(
	tenant: TenantSchema,
	client: GraphQLExecutor,
	need: RecordSchemaNeed,
	options: SchemaRequestOptions = {},
): Promise<SageSchema> {
	const recordType = need.recordType.trim();
	// A syntax error is the user's, reported on their own text before anything is sent.
	const selection = need.fields?.trim() ? parseSelection(need.fields, 'Fields') : undefined;
	const paths = [...literalPaths(need.filter), ...literalPaths(need.orderBy)];
	const schema = await tenant.load(
		client,
		(lookup) =>
			planRecord(
				{ recordType, selection, mutation: need.mutation, paths, aggregate: need.aggregate },
				lookup,
			),
		options,
	);
	if (!recordType || schema.recordType(recordType)) return schema;
	await tenant.recordTypeNames(client, options).catch(() => undefined); // only for "did you mean"
	return tenant.schema();
}

/** The schema with every type a user's document selects into, its fragments' and its variables' types loaded. */
export async function schemaForDocument(
	tenant: TenantSchema,
	client: GraphQLExecutor,
	document: DocumentNode,
	options: SchemaRequestOptions = {},
): Promise<SageSchema> {
	return await tenant.load(client, (lookup) => planDocument(document, lookup), options);
}

/** What Start and Wait needs: the operation (`package.node.operation`) and its Result Fields. */
export interface AsyncSchemaNeed {
	name: string;
	resultFields?: string;
}

/**
 * The schema with the asynchronous operation's start and track paths, their answers and
 * the result's selection loaded, and the operation found in it. When it does not exist, the
 * tenant's list of asynchronous operations is loaded for the suggestion.
 */
export async function schemaForAsyncOperation(
	tenant: TenantSchema,
	client: GraphQLExecutor,
	need: AsyncSchemaNeed,
	options: SchemaRequestOptions = {},
): Promise<{ schema: SageSchema; info: AsyncOperationInfo }> {
	const name = need.name.trim();
	const result = need.resultFields?.trim()
		? parseSelection(need.resultFields, 'Result Fields')
		: undefined;
	const schema = await tenant.load(
		client,
		(lookup) => planAsyncOperation({ name, result }, lookup),
		options,
	);
	const info = asyncOperations(schema).find((candidate) => candidate.name === name);
	if (info) return { schema, info };
	const known = await tenant.asyncOperationNames(client, options).catch(() => undefined);
	return { schema, info: requireAsyncOperation(schema, name, known) };
}

/**
 * One description per record type and loaded schema: a filter read per item, a poll, Describe
 * per item ask again and get the same object, without walking the types each time. A schema
 * that loads more types is a new object, so its descriptions are made anew.
 */
const descriptions = new WeakMap<SageSchema, Map<string, RecordFields>>();

function describedOnce(schema: SageSchema, recordType: string): RecordFields {
	let byType = descriptions.get(schema);
	if (!byType) descriptions.set(schema, (byType = new Map()));
	let described = byType.get(recordType);
	if (!described) byType.set(recordType, (described = describeRecordFields(schema, recordType)));
	return described;
}

/**
 * The record type's fields as the panels, the filter builder and Describe read them
 * (fields/record-fields.ts), loaded by targeted introspection (fields/plan-fields.ts): two
 * requests for a cold tenant, none once this process holds the types. A reference names its
 * record type when that is loaded or the tenant's list is (the Record Type list loads it).
 */
export async function fieldsForRecord(
	tenant: TenantSchema,
	client: GraphQLExecutor,
	recordType: string,
	options: SchemaRequestOptions = {},
): Promise<RecordFields> {
	const name = recordType.trim();
	const schema = await tenant.load(client, (lookup) => planRecordFields(name, lookup), options);
	if (!name || schema.recordType(name)) return describedOnce(schema, name);
	await tenant.recordTypeNames(client, options).catch(() => undefined); // only for "did you mean"
	return describeRecordFields(tenant.schema(), name);
}
