/**
 * The field layer (sage-client/fields/): a record type's fields as the field mapper, the field
 * lists, the filter builder and Describe read them, loaded by targeted introspection from
 * graphql-js executing the simulator's own schema, small and realistic.
 */
import { buildSchema } from 'graphql';

import { fieldsForRecord } from '../../sage-client/schema-for';
import { labelOf } from '../../sage-client/fields/labels';
import { TenantSchema } from '../../sage-client/schema/tenant-schema';
import { executorOf } from '../helpers/schema-executor';
import { buildSdl } from '../simulator';
import { schemaFor } from '../simulator/schema-versions';

test('a sales order’s fields: kinds, required on create, references with their natural key, enum values, lines with their input; two requests, then none', async () => {
	const client = executorOf(buildSchema(buildSdl()));
	const tenant = new TenantSchema(0);
	const order = await fieldsForRecord(tenant, client, 'xtremSales.salesOrder');
	expect(client.sent).toHaveLength(2);
	expect(order).toMatchObject({
		recordType: 'xtremSales.salesOrder',
		typeName: 'SalesOrder',
		label: 'Sales Order',
		naturalKey: ['number'],
	});
	const kinds = Object.fromEntries(order.fields.map((field) => [field.name, field.kind]));
	expect(kinds).toMatchObject({
		_id: 'id',
		_createStamp: 'dateTime',
		_updateStamp: 'dateTime',
		_updateTick: 'integer',
		_customData: 'json',
		number: 'string',
		soldToCustomer: 'reference',
		orderDate: 'date',
		status: 'enum',
		totalAmountExcludingTax: 'number',
		lines: 'collection',
	});
	const customer = order.field('soldToCustomer')!;
	expect(customer).toMatchObject({
		label: 'Sold To Customer',
		system: false,
		readable: true,
		input: { required: true, list: false, typeName: 'String' },
		target: { typeName: 'Customer', naturalKey: ['id'] },
	});
	expect(customer.target!.fields.map((field) => field.name)).toEqual(
		expect.arrayContaining(['id', 'name', 'currency']),
	);
	expect(order.field('currency')!.input!.required).toBe(false);
	expect(order.field('status')!.enumValues).toEqual(expect.arrayContaining(['quote', 'shipped']));
	// Computed and system fields are read, never written.
	expect(order.field('totalAmountExcludingTax')!.input).toBeUndefined();
	expect(order.field('_createStamp')!.input).toBeUndefined();
	const lines = order.field('lines')!;
	expect(lines.input).toMatchObject({ list: true, typeName: 'SalesOrderLine_Input' });
	expect(lines.target).toMatchObject({
		typeName: 'SalesOrderLine',
		naturalKey: ['document', 'lineNumber'],
	});
	const line = Object.fromEntries(lines.target!.fields.map((field) => [field.name, field]));
	expect(line.item).toMatchObject({ kind: 'reference', input: { required: true } });
	expect(line.quantity).toMatchObject({ kind: 'number', input: { required: true } });
	expect(line._action).toMatchObject({ readable: false, input: { required: false } });

	await fieldsForRecord(tenant, client, 'xtremSales.salesOrder');
	expect(client.sent).toHaveLength(2); // kept for the process
});

test('a realistic tenant’s sales order: two requests of a few types, never the whole schema', async () => {
	const client = executorOf(schemaFor('real'));
	const order = await fieldsForRecord(new TenantSchema(0), client, 'xtremSales.salesOrder');
	expect(client.sent.length).toBeLessThanOrEqual(2);
	expect(client.sent.join('').length).toBeLessThan(20_000);
	expect(order.field('soldToCustomer')!.target!.naturalKey).toEqual(['id']);
});

test('an unknown record type is named, with the record type it may have meant', async () => {
	const client = executorOf(buildSchema(buildSdl()));
	await expect(
		fieldsForRecord(new TenantSchema(0), client, 'xtremSales.customer'),
	).rejects.toMatchObject({
		message: expect.stringContaining('xtremSales.customer'),
	});
});

test('labels read as people say them, the Sage name kept apart', () => {
	expect(labelOf('soldToCustomer')).toBe('Sold To Customer');
	expect(labelOf('_createStamp')).toBe('Create Stamp');
	expect(labelOf('_id')).toBe('ID');
	expect(labelOf('totalAmountExcludingTax')).toBe('Total Amount Excluding Tax');
	expect(labelOf('vatNumber')).toBe('VAT Number');
});
