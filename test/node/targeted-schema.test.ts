/**
 * Targeted introspection (sage-client/tenant-schema.ts, schema-plans.ts) against graphql-js
 * executing the simulator's own schema: the types a document needs are found by the
 * schema's shape, whatever the types are called; Sage's usual names only save rounds.
 */
import { buildSchema, parse, validate, type GraphQLObjectType } from 'graphql';

import {
	aggregateSelection,
	buildAggregateDocument,
	buildQueryDocument,
	buildMutationDocument,
	buildStartDocument,
	buildTrackDocument,
	requireRecordType,
} from '../../sage-client/documents';
import {
	schemaForAsyncOperation,
	schemaForDocument,
	schemaForRecord,
} from '../../sage-client/schema-for';
import { TenantSchema } from '../../sage-client/schema/tenant-schema';
import { naturalKeyOf } from '../../sage-client/natural-key';
import { executorOf } from '../helpers/schema-executor';
import { buildSdl } from '../simulator';

const SDL = buildSdl();

test('a record type with a reference in Fields: one request, and the documents built from it are valid for the whole schema', async () => {
	const full = buildSchema(SDL);
	const client = executorOf(full);
	const tenant = new TenantSchema(0);
	const fields = '_id name currency { id name }';
	const schema = await schemaForRecord(tenant, client, {
		recordType: 'xtremMasterData.customer',
		fields,
		mutation: true,
	});
	expect(client.sent).toHaveLength(1);
	const info = requireRecordType(schema, 'xtremMasterData.customer');
	for (const document of [
		buildQueryDocument(schema, info, fields),
		buildMutationDocument(schema, info, 'create', 2, fields),
	]) {
		expect(validate(full, parse(document.text))).toEqual([]);
	}
	// Types it did not need were not asked for.
	expect(client.sent.join('\n')).not.toMatch(/"SalesOrder"|"Item"/);
});

test('type names that follow no convention: found by shape all the same, in a few more rounds', async () => {
	const renamed = SDL.replace(/\bXtremMasterData_Query\b/g, 'MasterDataNodes')
		.replace(/\bCustomer_Query\b/g, 'CustomerOperations')
		.replace(/\bCustomer_Connection\b/g, 'CustomerPage')
		.replace(/\bCustomer_Edge\b/g, 'CustomerRow')
		.replace(/\bCurrency\b/g, 'Money');
	const full = buildSchema(renamed);
	const client = executorOf(full);
	const tenant = new TenantSchema(0);
	const schema = await schemaForRecord(tenant, client, {
		recordType: 'xtremMasterData.customer',
		fields: '_id currency { id }',
	});
	expect(client.sent.length).toBeGreaterThan(1);
	expect(client.sent.length).toBeLessThanOrEqual(6);
	const info = requireRecordType(schema, 'xtremMasterData.customer');
	expect(
		validate(full, parse(buildQueryDocument(schema, info, '_id currency { id }').text)),
	).toEqual([]);
});

test('a user document: every type it selects into, through fragments, and its variables’ types', async () => {
	const full = buildSchema(SDL);
	const client = executorOf(full);
	const document =
		parse(`query Orders($data: String) { xtremSales { salesOrder { query(filter: $data) { edges { node { ...Order } } } } } }
		fragment Order on SalesOrder { number soldToCustomer { id country { name } } lines { query { edges { node { item { id } } } } } }`);
	const schema = await schemaForDocument(new TenantSchema(0), client, document);
	expect(validate(schema.schema, document)).toEqual([]);
	const wrong = parse(
		'{ xtremSales { salesOrder { query { edges { node { soldToCustomer { surname } } } } } } }',
	);
	const partial = await schemaForDocument(new TenantSchema(0), executorOf(full), wrong);
	expect(validate(partial.schema, wrong).map((error) => error.message)).toEqual(
		validate(full, wrong).map((error) => error.message),
	);
});

test('concurrent loads of one tenant share their requests', async () => {
	const client = executorOf(buildSchema(SDL));
	const tenant = new TenantSchema(0);
	await Promise.all(
		[1, 2, 3].map(() =>
			schemaForRecord(tenant, client, { recordType: 'xtremMasterData.item', fields: '_id' }),
		),
	);
	expect(client.sent).toHaveLength(1);
});

test('an asynchronous operation: start, track and the result in at most 3 requests (none three lists deep), its documents valid for the whole schema', async () => {
	const full = buildSchema(SDL);
	const client = executorOf(full);
	const { schema, info } = await schemaForAsyncOperation(new TenantSchema(0), client, {
		name: 'xtremReporting.report.generateReportPdf',
		resultFields: 'filename mimeType',
	});
	expect(client.sent.length).toBeLessThanOrEqual(3);
	for (const document of [
		buildStartDocument(schema, info, { reportName: 'customerList' }),
		buildTrackDocument(schema, info, 'filename mimeType'),
	])
		expect(validate(full, parse(document.text))).toEqual([]);
});

test('the types on a Filter’s property paths are loaded for its check, a collection’s child records included', async () => {
	const client = executorOf(buildSchema(SDL));
	const schema = await schemaForRecord(new TenantSchema(0), client, {
		recordType: 'xtremSales.salesOrder',
		fields: '_id',
		filter: "{soldToCustomer:{country:{name:'France'}}, lines:{item:{id:'X'}}}",
		orderBy: '{soldToCustomer:{name:1}}',
	});
	for (const name of ['Customer', 'Country', 'SalesOrderLine', 'Item'])
		expect(Object.keys((schema.schema.getType(name) as GraphQLObjectType).getFields())).toContain(
			name === 'Item' || name === 'Country' ? 'name' : '_id',
		);
});

test('an Aggregate’s group and value types are loaded with the record type', async () => {
	const full = buildSchema(SDL);
	const client = executorOf(full);
	const values = [{ field: 'creditLimit', aggregations: ['sum', 'avg'] }];
	const schema = await schemaForRecord(new TenantSchema(0), client, {
		recordType: 'xtremMasterData.customer',
		aggregate: aggregateSelection('currency { id }', values),
	});
	expect(client.sent.length).toBeLessThanOrEqual(2);
	const info = requireRecordType(schema, 'xtremMasterData.customer');
	const document = buildAggregateDocument(schema, info, 'currency { id }', values);
	expect(validate(full, parse(document.text))).toEqual([]);
});

test('a record type’s natural key comes from its schema description, a composite one with its parts; a type without one has none', async () => {
	const full = buildSchema(SDL);
	const client = executorOf(full);
	const schema = await schemaForRecord(new TenantSchema(0), client, {
		recordType: 'xtremSales.salesOrderLine',
		fields: '_id document { _id }',
	});
	const line = requireRecordType(schema, 'xtremSales.salesOrderLine').recordObject;
	expect(naturalKeyOf(line)).toEqual(['document', 'lineNumber']);
	const order = requireRecordType(
		await schemaForRecord(new TenantSchema(0), client, { recordType: 'xtremSales.salesOrder' }),
		'xtremSales.salesOrder',
	).recordObject;
	expect(naturalKeyOf(order)).toEqual(['number']);
	// Without the description line (a schema that does not state it), the key is unknown, not guessed.
	const silent = buildSchema(SDL.replace(/"Natural key: [^"]*"\n/g, ''));
	const bare = await schemaForRecord(new TenantSchema(0), executorOf(silent), {
		recordType: 'xtremMasterData.customer',
	});
	expect(naturalKeyOf(requireRecordType(bare, 'xtremMasterData.customer').recordObject)).toBe(
		undefined,
	);
});
