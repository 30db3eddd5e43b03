/**
 * Sage's 28-second limit through the n8n engine (the simulator computes each request's
 * cost: time-limit.ts there). A batch that Sage stops at the limit is a lost answer: each
 * of its records is looked up, the ones found are output, the others are sent again in
 * smaller requests, and nothing is created twice. A page that hits the limit is asked for
 * again with fewer rows. Counts and contents are asserted, never times.
 */
import type { IDataObject } from 'n8n-workflow';

import { RECOVERED_MARK } from '../../nodes/SageErp/actions/record/write/verify-lost';
import { dataRequests, outputOf, recordType, runNode, useNodeEnv } from '../node/fixture';

const env = useNodeEnv({ seed: { customers: 1000, items: 20, salesOrders: 0 } });
afterEach(() => env.sim.workCost(undefined));

const ORDERS = 1000;
const LINES = 20;

/** Mutations in one request (aliases m0, m1, ...). */
const membersOf = (query: unknown) => (String(query).match(/\bm\d+: create\(/g) ?? []).length;

test(`${ORDERS} sales orders of ${LINES} lines at Batch Size 100: the batch Sage stopped is looked up, the rest sent again smaller, each order created once`, async () => {
	// 50 ms per order and 15 ms per line: 350 ms an order, so 100 orders need 35 s and Sage stops the first batch after 80.
	env.sim.workCost({ perMutationMs: 50, perLineMs: 15 });
	const input: IDataObject[] = Array.from({ length: ORDERS }, (_, index) => ({
		number: `TL${String(index + 1).padStart(5, '0')}`,
		soldToCustomer: String(1 + (index % 1000)), // by _id
		site: '#700',
		lines: Array.from({ length: LINES }, (_, line) => ({
			item: `#ITEM-${(line % 20) + 1}`,
			quantity: line + 1,
		})),
	}));
	const from = env.sim.graphqlLog().length;
	const result = await runNode(
		env,
		{
			resource: 'record',
			operation: 'create',
			recordType: recordType('xtremSales.salesOrder'),
			data: '={{ $json }}',
			fields: '_id number',
			options: { batchSize: 100 },
		},
		{ input },
	);
	const items = outputOf(result);
	expect(items.map((item) => item.json.number)).toEqual(input.map((order) => order.number));
	expect(items.filter((item) => item.json[RECOVERED_MARK] === true)).toHaveLength(80);

	const stored = env.sim
		.store()
		.list('xtremSales.salesOrder')
		.filter((order) => String(order.number).startsWith('TL'));
	expect(stored).toHaveLength(ORDERS);
	expect(new Set(stored.map((order) => order.number)).size).toBe(ORDERS);
	const lines = env.sim.store().list('xtremSales.salesOrderLine');
	for (const order of stored)
		expect(lines.filter((line) => line.document === order._id)).toHaveLength(LINES);
	expect(env.sim.counters().mutations.create).toBe(ORDERS);

	const sent = dataRequests(env, from);
	const mutations = sent
		.filter((entry) => entry.operationName === 'SageErpCreate')
		.map((entry) => membersOf(entry.query));
	// The stopped batch of 100; its 20 records not created, again; then batches half as large.
	expect(mutations).toEqual([100, 20, ...Array(18).fill(50)]);
	expect(sent.filter((entry) => entry.operationName === 'SageErpVerifyCreate')).toHaveLength(1);
}, 120_000);

test('Get Many: a page Sage stops at the limit is asked for again with fewer rows; every record comes once, in order', async () => {
	env.sim.workCost({ perRowMs: 60 }); // 1,000 rows need 60 s, 500 need 30 s, 250 need 15 s
	const from = env.sim.graphqlLog().length;
	const items = outputOf(
		await runNode(env, {
			resource: 'record',
			operation: 'getMany',
			recordType: recordType('xtremMasterData.customer'),
			returnAll: true,
			fields: '_id',
			options: { pageSize: 1000 },
		}),
	);
	expect(items.map((item) => item.json._id)).toEqual(
		env.sim
			.store()
			.list('xtremMasterData.customer')
			.map((record) => record._id),
	);
	const firsts = dataRequests(env, from).map(
		(entry) => (entry.variables as { first: number }).first,
	);
	expect(firsts.slice(0, 3)).toEqual([1000, 500, 250]);
	expect(Math.max(...firsts.slice(2))).toBe(250);
});
