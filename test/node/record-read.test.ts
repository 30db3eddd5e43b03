/**
 * Record Get and Get Many through the real n8n engine against the simulator.
 */
import {
	NODE_NAME,
	dataRequests,
	errorOf,
	isIntrospection,
	outputOf,
	recordType,
	runNode,
	useNodeEnv,
	SAGE_SYNTAX,
} from './fixture';

const env = useNodeEnv({ seed: { customers: 120 } });
const CUSTOMER = recordType('xtremMasterData.customer');
const getMany = { resource: 'record', operation: 'getMany', recordType: CUSTOMER, ...SAGE_SYNTAX };
const get = { resource: 'record', operation: 'get', recordType: CUSTOMER };

test('the schema is fetched once per record type for many items and many runs, and only its types', async () => {
	env.sim.clearGraphqlLog();
	const input = [{}, {}, {}];
	const runs = async () => {
		await runNode(env, { ...getMany, limit: 2 }, { input });
		await runNode(env, { ...get, id: '#FR001' }, { input });
		await runNode(
			env,
			{ ...getMany, recordType: recordType('xtremMasterData.item'), limit: 1, fields: '_id' },
			{ input },
		);
	};
	await runs();
	await runs();
	const log = env.sim.graphqlLog();
	const schemaRequests = log.filter(isIntrospection).map((entry) => String(entry.query));
	// One for the customer (the roots with it), one for the item; none for the second round of runs.
	expect(schemaRequests).toHaveLength(2);
	expect(schemaRequests[1]).toContain('"Item"');
	expect(schemaRequests[1]).not.toContain('"Customer"');
	expect(schemaRequests.join('\n')).not.toContain('__schema { types');
	expect(log.filter((entry) => !isIntrospection(entry))).toHaveLength(18);
});

describe('Get Many', () => {
	test('gives one item per record, every scalar field by default, in order, with pairedItem', async () => {
		const items = outputOf(await runNode(env, { ...getMany, limit: 3 }));
		expect(items.map((item) => item.json._id)).toEqual(['1', '2', '3']);
		expect(Object.keys(items[0].json)).toEqual([
			'_id',
			'_createStamp',
			'_updateStamp',
			'_updateTick',
			'_customData',
			'id',
			'name',
			'isActive',
			'email',
			'phone',
			'city',
			'creditLimit',
			'paymentTermDays',
		]);
		expect(items.every((item) => JSON.stringify(item.pairedItem) === '{"item":0}')).toBe(true);
	});

	test('filter, orderBy, first and after travel as variables; the document never changes', async () => {
		const from = env.sim.graphqlLog().length;
		const filter = "{isActive:true, name:{_regex:'^[A-M]'}}";
		const items = outputOf(
			await runNode(env, {
				...getMany,
				returnAll: true,
				filter,
				orderBy: '{name:+1, _id:+1}',
				fields: '_id name',
				options: { pageSize: 10 },
			}),
		);
		const expected = env.sim
			.store()
			.list('xtremMasterData.customer')
			.filter((record) => record.isActive === true && /^[A-M]/.test(String(record.name)))
			.sort((a, b) =>
				String(a.name) < String(b.name)
					? -1
					: String(a.name) > String(b.name)
						? 1
						: Number(a._id) - Number(b._id),
			);
		expect(items.map((item) => item.json._id)).toEqual(expected.map((record) => record._id));

		const requests = dataRequests(env, from);
		expect(requests).toHaveLength(Math.ceil(expected.length / 10));
		expect(new Set(requests.map((request) => request.query)).size).toBe(1);
		expect(requests[0].query).not.toContain('isActive');
		expect(requests[0].query).not.toContain('name:+1');
		expect(requests[0].variables).toEqual({ filter, orderBy: '{name:+1, _id:+1}', first: 10 });
		const cursors = requests
			.slice(1)
			.map((request) => (request.variables as { after: string }).after);
		expect(cursors.every((cursor) => typeof cursor === 'string' && cursor.includes('"'))).toBe(
			true,
		);
	});

	test('a filter given as a JSON object is sent as JSON text', async () => {
		const from = env.sim.graphqlLog().length;
		const items = outputOf(
			await runNode(env, {
				...getMany,
				returnAll: true,
				filter: '={{ { "isActive": false } }}',
				fields: '_id isActive',
			}),
		);
		expect(items.length).toBe(
			env.sim
				.store()
				.list('xtremMasterData.customer')
				.filter((record) => record.isActive === false).length,
		);
		expect(items.every((item) => item.json.isActive === false)).toBe(true);
		expect(dataRequests(env, from)[0].variables).toEqual({
			filter: '{"isActive":false}',
			first: 500,
		});
	});

	test('Limit stops exactly, asking no more than min(limit, page size) per request', async () => {
		const from = env.sim.graphqlLog().length;
		const items = outputOf(
			await runNode(env, { ...getMany, limit: 7, fields: '_id', options: { pageSize: 5 } }),
		);
		expect(items).toHaveLength(7);
		expect(
			dataRequests(env, from).map((request) => (request.variables as { first: number }).first),
		).toEqual([5, 2]);
	});

	test('Return All follows every cursor to the end', async () => {
		const items = outputOf(
			await runNode(env, {
				...getMany,
				returnAll: true,
				fields: '_id',
				options: { pageSize: 1000 },
			}),
		);
		expect(items).toHaveLength(120);
	});

	test('a page size above Sage’s maximum fails before any request', async () => {
		const before = env.sim.counters().graphqlRequests;
		const error = errorOf(
			await runNode(env, { ...getMany, limit: 5, options: { pageSize: 1001 } }),
		);
		expect(error.message).toBe(
			"Page Size 1001 is above Sage's maximum of 1000 rows per request [item 0]",
		);
		expect(error.description).toBe(
			'Set Options > Page Size to 1000 or less; Return All still follows every page.',
		);
		expect(env.sim.counters().graphqlRequests).toBe(before);
	});

	test('an unknown record type fails early, naming it', async () => {
		const from = env.sim.graphqlLog().length;
		const error = errorOf(
			await runNode(env, { ...getMany, recordType: recordType('xtremMasterData.customers') }),
		);
		expect(error.message).toBe(
			'The record type "xtremMasterData.customers" does not exist in this Sage tenant. [item 0]',
		);
		expect(dataRequests(env, from)).toHaveLength(0);
	});

	test('an unknown field fails early, naming it', async () => {
		const from = env.sim.graphqlLog().length;
		const error = errorOf(await runNode(env, { ...getMany, fields: '_id nmae currency { id }' }));
		expect(error.message).toBe(
			'Fields: Cannot query field "nmae" on type "Customer". Did you mean "name"? [item 0]',
		);
		expect(dataRequests(env, from)).toHaveLength(0);
	});

	test('a malformed filter is refused by Sage; its message and path become the error', async () => {
		const error = errorOf(await runNode(env, { ...getMany, filter: '{isActive:tru}' }));
		expect(error.message).toBe(
			"Invalid filter: unexpected 'tru' at position 10 (at xtremMasterData.customer.query) [item 0]",
		);
		expect(error.name).toBe('NodeApiError');
		expect((error.errorResponse as { errors: unknown[] }).errors).toEqual([
			expect.objectContaining({
				message: "Invalid filter: unexpected 'tru' at position 10",
				path: ['xtremMasterData', 'customer', 'query'],
			}),
		]);
	});

	test('with Continue On Fail, the failing item gives an error item and the others go on', async () => {
		const result = await runNode(
			env,
			{ ...getMany, limit: 2, fields: '_id', filter: '={{ $json.filter }}' },
			{
				continueOnFail: true,
				input: [{ filter: '{isActive:true}' }, { filter: '{oops' }, { filter: '' }],
			},
		);
		const items = outputOf(result);
		expect(items.map((item) => [item.pairedItem, item.json._id ?? 'error'])).toEqual([
			[{ item: 0 }, '1'],
			[{ item: 0 }, '2'],
			[{ item: 1 }, 'error'],
			[{ item: 2 }, '1'],
			[{ item: 2 }, '2'],
		]);
		expect(items[2].json.error).toBe(
			'Invalid filter: unexpected end of input at position 5 (at xtremMasterData.customer.query)',
		);
		expect(items[2].json.data).toEqual({ xtremMasterData: { customer: null } });
	});

	test('a Record Type saved as a plain string works too', async () => {
		const items = outputOf(
			await runNode(env, {
				...getMany,
				recordType: 'xtremStructure.country',
				returnAll: true,
				fields: 'id',
			}),
		);
		expect(items.map((item) => item.json.id)).toEqual(['FR', 'US', 'GB', 'DE', 'ES']);
	});
});

describe('Get', () => {
	test('reads by _id and by natural key', async () => {
		const items = outputOf(
			await runNode(
				env,
				{ ...get, id: '={{ $json.id }}', fields: '_id id name currency { id }' },
				{ input: [{ id: '2' }, { id: '#FR001' }] },
			),
		);
		expect(items.map((item) => [item.json._id, item.json.id, item.pairedItem])).toEqual([
			['2', 'US001', { item: 0 }],
			['1', 'FR001', { item: 1 }],
		]);
		expect(items[1].json.currency).toEqual({ id: 'EUR' });
	});

	test('a missing record fails naming the id and the record type', async () => {
		const error = errorOf(await runNode(env, { ...get, id: '#NOPE' }));
		expect(error.message).toBe('No xtremMasterData.customer record has the ID "#NOPE". [item 0]');
	});

	test('an empty ID fails before any request', async () => {
		const before = env.sim.counters().graphqlRequests;
		const error = errorOf(await runNode(env, { ...get, id: '  ' }));
		expect(error.message).toBe('ID is empty [item 0]');
		expect(env.sim.counters().graphqlRequests).toBe(before);
	});

	test('the failing item is the one named, with Continue On Fail the others still come', async () => {
		const result = await runNode(
			env,
			{ ...get, id: '={{ $json.id }}', fields: '_id' },
			{ continueOnFail: true, input: [{ id: '1' }, { id: '#NOPE' }, { id: '3' }] },
		);
		expect(outputOf(result).map((item) => item.json)).toEqual([
			{ _id: '1' },
			{ error: 'No xtremMasterData.customer record has the ID "#NOPE".' },
			{ _id: '3' },
		]);
		const failing = await runNode(
			env,
			{ ...get, id: '={{ $json.id }}', fields: '_id' },
			{ input: [{ id: '1' }, { id: '#NOPE' }] },
		);
		expect(errorOf(failing).context).toMatchObject({ itemIndex: 1 });
		expect(failing.runData[NODE_NAME]?.[0]?.error?.message).toBe(
			'No xtremMasterData.customer record has the ID "#NOPE". [item 1]',
		);
	});
});

describe('Options > Timeout and cancellation', () => {
	// The schema is cached first, so that the slow request is the operation's own.
	beforeEach(async () => outputOf(await runNode(env, { ...get, id: '1', fields: '_id' })));
	afterEach(() => env.sim.faults().clear());

	test('a slow answer fails after Options > Timeout with a clear message', async () => {
		env.sim.faults().set({ latencyMs: 1500 });
		const error = errorOf(await runNode(env, { ...get, id: '1', options: { timeout: 200 } }));
		// An order, not a duration: the node failed before the answer due at 1.5 s, which would
		// have made it succeed.
		expect(error.message).toBe(
			'Sage gave no complete answer to the GraphQL query within 200 ms. [item 0]',
		);
		expect(error.description).toBe('Raise Options > Timeout, or ask for fewer records per page.');
	});

	test('stopping the execution cancels the request under way, and no further item is sent', async () => {
		env.sim.faults().set({ latencyMs: 1000 });
		const before = env.sim.counters().graphqlRequests;
		const controller = new AbortController();
		// Stopped once the first request is at Sage (not after a fixed time: on n8n 2.13+ the
		// first expression also starts an isolate, which takes a while on a busy machine).
		const stopWhenSent = setInterval(() => {
			if (env.sim.counters().graphqlRequests > before) controller.abort();
		}, 10);
		const result = await runNode(
			env,
			{ ...get, id: '={{ $json.id }}', fields: '_id' },
			{ signal: controller.signal, input: [{ id: '1' }, { id: '2' }] },
		).finally(() => clearInterval(stopWhenSent));
		expect(result.error?.message).toMatch(/cancel/i);
		// Were the signal ignored, the first answer would come at 1 s and the second item would be sent.
		await new Promise((resolve) => setTimeout(resolve, 2000));
		expect(env.sim.counters().graphqlRequests - before).toBe(1);
	});
});
