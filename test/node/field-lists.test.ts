/**
 * Version 2's lists of the record type's fields, through the real n8n engine against the
 * simulator: the fields to return picked from a list (a reference by its key), the GraphQL
 * selection kept as Custom Selection, and Aggregate's Group By and Values' Field. The lists
 * are loaded as the editor loads them (n8n-core's LoadOptionsContext).
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import {
	customerFactory,
	dataRequests,
	errorOf,
	outputOf,
	recordType,
	runNode,
	useNodeEnv,
	warmUp,
} from './fixture';
import { loadOptions } from './load-options';

const env = useNodeEnv({ seed: { customers: 30, salesOrders: 6 } });
const CUSTOMER = recordType('xtremMasterData.customer');
const SALES_ORDER = recordType('xtremSales.salesOrder');
const newCustomer = customerFactory('FLST', 'Field Lists');
const customers = () => env.sim.store().list('xtremMasterData.customer');
const picked = (...fieldList: string[]): INodeParameters => ({ fieldList });
const values = (options: Array<{ value: unknown }>) => options.map((option) => option.value);

beforeAll(() => warmUp(env));

describe('the Fields list', () => {
	test('lists a sales order’s scalar fields by name and its references by their natural key, never its lines', async () => {
		const options = await loadOptions(
			env,
			'getReturnFields',
			{ resource: 'record', operation: 'get', recordType: SALES_ORDER },
			'fieldList',
		);
		expect(values(options)).toEqual(
			expect.arrayContaining([
				'_id',
				'number',
				'status',
				'orderDate',
				'totalAmountExcludingTax',
				'soldToCustomer.id',
				'site.id',
				'currency.id',
			]),
		);
		expect(values(options)).not.toContain('lines');
		expect(values(options).some((value) => String(value).startsWith('lines'))).toBe(false);
		expect(options.find((option) => option.value === 'soldToCustomer.id')?.name).toBe(
			'Sold To Customer (soldToCustomer.id)',
		);
		// Sorted by what people read.
		const names = options.map((option) => option.name);
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
	});

	test('a line’s reference to its order is written with the order’s key: document.number', async () => {
		const options = await loadOptions(
			env,
			'getReturnFields',
			{ recordType: recordType('xtremSales.salesOrderLine') },
			'fieldList',
		);
		expect(values(options)).toEqual(
			expect.arrayContaining(['document.number', 'item.id', 'lineNumber', 'quantity']),
		);
	});

	test('is loaded once per process: a second list sends no request', async () => {
		const parameters = { recordType: CUSTOMER };
		await loadOptions(env, 'getReturnFields', parameters, 'fieldList');
		const from = env.sim.graphqlLog().length;
		expect(values(await loadOptions(env, 'getReturnFields', parameters, 'fieldList'))).toEqual(
			expect.arrayContaining(['name', 'currency.id', 'country.id', 'creditLimit']),
		);
		expect(env.sim.graphqlLog().slice(from)).toEqual([]);
	});

	test('no record type picked yet: an empty list, and no request', async () => {
		const from = env.sim.graphqlLog().length;
		const empty = { recordType: { __rl: true, mode: 'list', value: '' } };
		expect(await loadOptions(env, 'getReturnFields', empty, 'fieldList')).toEqual([]);
		expect(env.sim.graphqlLog().slice(from)).toEqual([]);
	});
});

describe('the fields to return', () => {
	const get = { resource: 'record', operation: 'get', recordType: CUSTOMER, id: '1' };

	test('Get returns exactly the fields picked, a reference as its key', async () => {
		const [item] = outputOf(await runNode(env, { ...get, ...picked('id', 'name', 'currency.id') }));
		const stored = customers().find((customer) => String(customer._id) === '1')!;
		const currency = env.sim
			.store()
			.list('xtremMasterData.currency')
			.find((record) => record._id === stored.currency)!;
		expect(item.json).toEqual({ id: stored.id, name: stored.name, currency: { id: currency.id } });
	});

	test('an empty list returns what version 1 returns with empty Fields: every scalar field', async () => {
		const [v2] = outputOf(await runNode(env, { ...get, ...picked() }));
		const [v1] = outputOf(await runNode(env, { ...get, fields: '' }, { typeVersion: 1 }));
		expect(Object.keys(v2.json).sort()).toEqual(Object.keys(v1.json).sort());
		expect(v2.json).toEqual(v1.json);
		expect(Object.keys(v2.json)).toEqual(expect.arrayContaining(['_id', 'id', 'name', 'email']));
	});

	test('Custom Selection takes a GraphQL selection, returned with the fields picked', async () => {
		const [custom] = outputOf(await runNode(env, { ...get, fields: '_id currency { id name }' }));
		expect(Object.keys(custom.json)).toEqual(['_id', 'currency']);
		expect(Object.keys(custom.json.currency as IDataObject)).toEqual(['id', 'name']);
		const [both] = outputOf(
			await runNode(env, {
				...get,
				...picked('email', 'currency.id'),
				fields: 'currency { name }',
			}),
		);
		expect(Object.keys(both.json)).toEqual(['email', 'currency']);
		expect(Object.keys(both.json.currency as IDataObject).sort()).toEqual(['id', 'name']);
	});

	test('version 1 workflows keep their Fields, whatever a version 2 parameter holds', async () => {
		const [item] = outputOf(
			await runNode(env, { ...get, fields: '_id email', ...picked('name') }, { typeVersion: 1 }),
		);
		expect(Object.keys(item.json)).toEqual(['_id', 'email']);
	});

	test('Get Many: the fields picked, from an expression as an array or as text with commas', async () => {
		const getMany = { resource: 'record', operation: 'getMany', recordType: CUSTOMER, limit: 3 };
		const fromArray = outputOf(
			await runNode(env, { ...getMany, fieldList: '={{ ["id", "country.id"] }}' }),
		);
		const fromText = outputOf(await runNode(env, { ...getMany, fieldList: 'id, country.id' }));
		expect(fromArray.map((item) => Object.keys(item.json))).toEqual([
			['id', 'country'],
			['id', 'country'],
			['id', 'country'],
		]);
		expect(fromText.map((item) => item.json)).toEqual(fromArray.map((item) => item.json));
	});

	test('a key part that the list writes with two levels (document.number) is selected as such', async () => {
		const lines = outputOf(
			await runNode(env, {
				resource: 'record',
				operation: 'getMany',
				recordType: recordType('xtremSales.salesOrderLine'),
				limit: 2,
				...picked('document.number', 'item.id', 'quantity'),
			}),
		);
		const orders = new Map(
			env.sim
				.store()
				.list('xtremSales.salesOrder')
				.map((order) => [String(order._id), order.number]),
		);
		const stored = env.sim.store().list('xtremSales.salesOrderLine').slice(0, 2);
		expect(lines.map((line) => Object.keys(line.json))).toEqual([
			['document', 'item', 'quantity'],
			['document', 'item', 'quantity'],
		]);
		expect(lines.map((line) => (line.json.document as IDataObject).number)).toEqual(
			stored.map((line) => orders.get(String(line.document))),
		);
	});

	test('a field that is not the record type’s is refused before any record request, naming it', async () => {
		const from = env.sim.graphqlLog().length;
		const error = errorOf(await runNode(env, { ...get, ...picked('name', 'nickname') }));
		expect(error.message).toMatch(/nickname/);
		expect(dataRequests(env, from)).toEqual([]);
	});

	test('Create, Update and Create or Update return the fields picked', async () => {
		const data = newCustomer();
		const fields = picked('_id', 'id', 'currency.id');
		const [created] = outputOf(
			await runNode(env, {
				resource: 'record',
				operation: 'create',
				recordType: CUSTOMER,
				dataMode: 'json', // version 2: Data as prepared JSON, beside the field mapper
				data: JSON.stringify(data),
				...fields,
			}),
		);
		expect(Object.keys(created.json)).toEqual(['_id', 'id', 'currency']);
		expect(created.json.currency).toEqual({ id: 'EUR' });
		const [updated] = outputOf(
			await runNode(env, {
				resource: 'record',
				operation: 'update',
				recordType: CUSTOMER,
				id: String(created.json._id),
				dataMode: 'json',
				data: '{ "name": "Renamed" }',
				...picked('name'),
			}),
		);
		expect(updated.json).toEqual({ name: 'Renamed' });
		const [upserted] = outputOf(
			await runNode(env, {
				resource: 'record',
				operation: 'upsert',
				recordType: CUSTOMER,
				dataMode: 'json',
				data: JSON.stringify({ id: data.id, name: 'Upserted' }),
				...picked('id', 'name'),
			}),
		);
		expect(upserted.json).toEqual({ id: data.id, name: 'Upserted', _operation: 'updated' });
	});
});

describe('Aggregate picks its fields from lists', () => {
	const aggregate = { resource: 'record', operation: 'aggregate', recordType: CUSTOMER };
	const valueField = (aggregations: string[]) =>
		loadOptions(
			env,
			'getAggregateFields',
			{
				...aggregate,
				values: { value: [{ field: '', aggregations }] },
			},
			'values.value[0].field',
		);

	test('Values’ Field lists only numeric fields while Sum or Average is chosen, every own scalar field otherwise', async () => {
		const sum = values(await valueField(['sum', 'count']));
		expect(sum).toEqual(expect.arrayContaining(['creditLimit', 'paymentTermDays']));
		expect(sum).not.toContain('email');
		expect(sum).not.toContain('name');
		const count = values(await valueField(['count', 'distinctCount']));
		expect(count).toEqual(expect.arrayContaining(['creditLimit', 'email', 'name', 'isActive']));
		// References are grouped by, not aggregated.
		expect(count.some((value) => String(value).includes('.'))).toBe(false);
	});

	test('Group By lists fields and references by their key, and one item per group comes back', async () => {
		const groups = values(await loadOptions(env, 'getGroupByFields', aggregate, 'groupByFields'));
		expect(groups).toEqual(expect.arrayContaining(['country.id', 'currency.id', 'isActive']));
		expect(groups).not.toContain('_customData');

		const items = outputOf(
			await runNode(env, {
				...aggregate,
				groupByFields: ['country.id'],
				values: { value: [{ field: 'creditLimit', aggregations: ['sum'] }] },
			}),
		);
		const countryIds = new Map(
			env.sim
				.store()
				.list('xtremStructure.country')
				.map((country) => [country._id, country.id]),
		);
		const expected = new Map<unknown, number>();
		for (const customer of customers()) {
			const key = countryIds.get(customer.country) ?? null;
			expected.set(key, (expected.get(key) ?? 0) + Number(customer.creditLimit ?? 0));
		}
		expect(items).toHaveLength(expected.size);
		for (const item of items) {
			const group = item.json.group as { country: { id: string } | null };
			// Sage sums nothing to null: a group whose limits are all empty.
			const sum = (item.json.values as { creditLimit: { sum: number | null } }).creditLimit.sum;
			expect(sum ?? 0).toBeCloseTo(expected.get(group.country?.id ?? null)!, 2);
		}
	});
});
