/**
 * Volume through the real n8n engine: every record of a large tenant in order, and a
 * large batched create with one failure in the middle.
 */
import { NODE_NAME, dataRequests, outputOf, recordType, runNode, useNodeEnv } from './fixture';

const CUSTOMERS = 25_000;
const env = useNodeEnv({ seed: { customers: CUSTOMERS, items: 10, salesOrders: 0 } });
const CUSTOMER = recordType('xtremMasterData.customer');

test('Get Many with Return All gives exactly 25,000 items, in order', async () => {
	const before = env.sim.counters().graphqlRequests;
	const items = outputOf(
		await runNode(env, {
			resource: 'record',
			operation: 'getMany',
			recordType: CUSTOMER,
			returnAll: true,
			fields: '_id id',
		}),
	);
	expect(items).toHaveLength(CUSTOMERS);
	const expected = env.sim
		.store()
		.list('xtremMasterData.customer')
		.map((record) => record._id);
	expect(items.map((item) => item.json._id)).toEqual(expected);
	expect(new Set(items.map((item) => item.json.id)).size).toBe(CUSTOMERS);
	expect(items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
	// 500 rows per request by default, plus the schema request.
	expect(env.sim.counters().graphqlRequests - before).toBe(CUSTOMERS / 500 + 1);
});

test('a batch create of 1,000 items with Batch Size 50 takes 20 requests; one failure in the middle stays with its item', async () => {
	const existing = env.sim.store().list('xtremMasterData.customer')[0];
	const input = Array.from({ length: 1000 }, (_, index) => ({
		id: index === 500 ? String(existing.id) : `BULK${String(index).padStart(4, '0')}`,
		name: `Bulk customer ${index}`,
		currency: '#USD',
		email: `bulk${index}@example.com`,
	}));
	const before = env.sim.counters();
	const from = env.sim.graphqlLog().length;
	const result = await runNode(
		env,
		{
			resource: 'record',
			operation: 'create',
			recordType: CUSTOMER,
			data: '={{ $json }}',
			fields: '_id id',
			options: { batchSize: 50 },
		},
		{ input, continueOnFail: true },
	);
	const items = outputOf(result);
	const after = env.sim.counters();

	// 20 requests, besides one that loads the types of the create mutation.
	expect(
		after.graphqlRequests -
			after.graphqlIntrospections -
			(before.graphqlRequests - before.graphqlIntrospections),
	).toBe(20);
	expect(dataRequests(env, from)).toHaveLength(20);
	expect(after.mutations.create - before.mutations.create).toBe(999);
	expect(items).toHaveLength(1000);
	items.forEach((item, index) => expect(item.pairedItem).toEqual({ item: index }));
	expect(items[500].json).toEqual({
		error: 'A record already exists with the same data. (at xtremMasterData.customer.create)',
	});
	const created = items.filter((_, index) => index !== 500);
	expect(created.map((item) => item.json.id)).toEqual(
		input.filter((_, index) => index !== 500).map((record) => record.id),
	);

	const stored = env.sim
		.store()
		.list('xtremMasterData.customer')
		.filter((record) => String(record.id).startsWith('BULK'));
	expect(stored).toHaveLength(999);
	expect(new Set(stored.map((record) => record.id)).size).toBe(999);
	expect(stored.map((record) => record._id).sort()).toEqual(
		created.map((item) => item.json._id).sort(),
	);
	expect(result.hints(NODE_NAME)).toEqual([]);
});
