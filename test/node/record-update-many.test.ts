/**
 * Record → Update Many (Sage's bulkUpdate) through the real n8n engine against the
 * simulator: one item per input item with the filter and Sage's answer; one transaction.
 */
import { errorOf, outputOf, recordType, runNode, useNodeEnv, SAGE_SYNTAX } from './fixture';

const env = useNodeEnv({ seed: { customers: 30, salesOrders: 12 } });
const CUSTOMER = recordType('xtremMasterData.customer');
const updateMany = {
	resource: 'record',
	operation: 'updateMany',
	recordType: CUSTOMER,
	...SAGE_SYNTAX,
};
const customers = () => env.sim.store().list('xtremMasterData.customer');

test('updates every record matching the filter; the item holds the filter and Sage’s answer', async () => {
	const items = outputOf(
		await runNode(
			env,
			{ ...updateMany, filter: '={{ $json.filter }}', data: '={{ $json.data }}' },
			{
				input: [
					{ filter: "{country:{id:'FR'}}", data: { paymentTermDays: 60 } },
					{ filter: { city: 'Boston' }, data: { phone: '+1 555' } },
				],
			},
		),
	);
	expect(items).toEqual([
		{ json: { filter: "{country:{id:'FR'}}", result: true }, pairedItem: { item: 0 } },
		{ json: { filter: '{"city":"Boston"}', result: true }, pairedItem: { item: 1 } },
	]);
	const french = customers().filter((c) => String(c.id).startsWith('FR'));
	expect(french.every((c) => c.paymentTermDays === 60)).toBe(true);
	expect(
		customers()
			.filter((c) => c.city === 'Boston')
			.every((c) => c.phone === '+1 555'),
	).toBe(true);
});

test('a failing bulk update changes nothing (one transaction), and its error says what Sage said', async () => {
	const before = customers();
	const error = errorOf(
		await runNode(env, { ...updateMany, filter: "{country:{id:'US'}}", data: '{ "id": "SAME" }' }),
	);
	expect(error.message).toBe(
		'A record already exists with the same data. (at xtremMasterData.customer.bulkUpdate) [item 0]',
	);
	expect(error.description).toContain('Nothing was applied by this execution.');
	expect(customers()).toEqual(before);
});

test('records a business rule keeps from changing stay unchanged, without a word', async () => {
	const orders = env.sim.store().list('xtremSales.salesOrder');
	const [item] = outputOf(
		await runNode(env, {
			...updateMany,
			recordType: recordType('xtremSales.salesOrder'),
			filter: '{}',
			data: '{ "customerReference": "BULK-1" }',
		}),
	);
	expect(item.json).toEqual({ filter: '{}', result: true });
	const after = env.sim.store().list('xtremSales.salesOrder');
	expect(after.filter((o) => o.customerReference === 'BULK-1')).toHaveLength(
		orders.filter((o) => o.status !== 'closed').length,
	);
	expect(after.filter((o) => o.status === 'closed' && o.customerReference === 'BULK-1')).toEqual(
		[],
	);
});

test('bad input fails before any request: an empty filter, _id in Data, Data not an object, a record type without bulkUpdate', async () => {
	const before = env.sim.counters().graphqlRequests;
	await runNode(env, {
		resource: 'record',
		operation: 'get',
		recordType: CUSTOMER,
		id: '1',
		fields: '_id',
	}); // caches the schema
	const schemaAndGet = env.sim.counters().graphqlRequests;
	const sent = () => env.sim.counters().graphqlRequests - env.sim.counters().graphqlIntrospections;
	const getOnly = sent();
	const cases: Array<[Record<string, unknown>, string]> = [
		[{ filter: '={{ "" }}', data: '{ "name": "x" }' }, 'Filter is empty [item 0]'],
		[
			{ filter: '{}', data: '{ "_id": "1", "name": "x" }' },
			'Data has _id, but Update Many changes the records its Filter matches [item 0]',
		],
		[{ filter: '{}', data: '[1]' }, 'Data must be a JSON object, not an array [item 0]'],
		[
			{
				filter: '{}',
				data: '{ "name": "x" }',
				recordType: recordType('xtremSales.salesOrderLine'),
			},
			'The record type xtremSales.salesOrderLine has no bulkUpdate in the API of this Sage tenant. [item 0]',
		],
	];
	for (const [parameters, message] of cases)
		expect(errorOf(await runNode(env, { ...updateMany, ...parameters })).message).toBe(message);
	// Schema requests are not what the item sends: another record type's types may not be loaded yet.
	expect(sent()).toBe(getOnly);
	expect(schemaAndGet - before).toBeLessThanOrEqual(2);
});

test('with Continue On Fail, each item gets Sage’s answer or its error', async () => {
	const items = outputOf(
		await runNode(
			env,
			{ ...updateMany, filter: '={{ $json.filter }}', data: '{ "paymentTermDays": 15 }' },
			{
				input: [{ filter: '{nope:1}' }, { filter: "{id:'GB001'}" }],
				continueOnFail: true,
			},
		),
	);
	expect(items[0]).toEqual({
		json: { error: expect.stringMatching(/nope.*\(at xtremMasterData\.customer\.bulkUpdate\)$/) },
		pairedItem: { item: 0 },
	});
	expect(items[1]).toEqual({
		json: { filter: "{id:'GB001'}", result: true },
		pairedItem: { item: 1 },
	});
	expect(customers().find((c) => c.id === 'GB001')?.paymentTermDays).toBe(15);
});

test('_customData goes in as an object', async () => {
	const [item] = outputOf(
		await runNode(env, {
			...updateMany,
			filter: "{id:'DE001'}",
			data: '{ "_customData": { "segment": "key account" } }',
		}),
	);
	expect(item.json.result).toBe(true);
	expect(customers().find((c) => c.id === 'DE001')?._customData).toBe('{"segment":"key account"}');
});
