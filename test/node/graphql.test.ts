/**
 * The GraphQL Query and Mutation operations through the real n8n engine against the simulator.
 */
import { NODE_NAME, dataRequests, errorOf, outputOf, runNode, useNodeEnv } from './fixture';

const env = useNodeEnv({ seed: { customers: 45 } });
const query = { resource: 'graphql', operation: 'query' };
const mutation = { resource: 'graphql', operation: 'mutation' };

const PAGED = `query Customers($after: String, $first: Int) {
  xtremMasterData {
    customer {
      query(first: $first, after: $after, orderBy: "{_id:+1}") {
        pageInfo { endCursor hasNextPage }
        edges { node { _id id } }
      }
    }
  }
}`;

const CREATE = `mutation Create($data: Customer_Input!) {
  xtremMasterData { customer { create(data: $data) { _id id email } } }
}`;

describe('checks before anything is sent', () => {
	test('a syntax error names its line and column', async () => {
		const from = env.sim.graphqlLog().length;
		const error = errorOf(
			await runNode(env, {
				...query,
				query:
					'{\n  xtremMasterData {\n    customer { query(first: ) { edges { node { _id } } } }\n  }\n}',
			}),
		);
		expect(error.message).toBe(
			'Query has a GraphQL syntax error at line 3, column 29: Unexpected ")". [item 0]',
		);
		expect(env.sim.graphqlLog().length).toBe(from);
	});

	test('a mutation under Query, or a query under Mutation, is refused', async () => {
		const from = env.sim.graphqlLog().length;
		expect(errorOf(await runNode(env, { ...query, query: CREATE, variables: '{}' })).message).toBe(
			'"Create" is a mutation, but this is the Query operation; nothing was sent. [item 0]',
		);
		expect(errorOf(await runNode(env, { ...mutation, query: PAGED })).message).toBe(
			'"Customers" is a query, but this is the Mutation operation; nothing was sent. [item 0]',
		);
		expect(env.sim.graphqlLog().length).toBe(from);
		expect(env.sim.counters().mutations.create).toBe(0);
	});

	test('Variables must be a JSON object', async () => {
		const from = env.sim.graphqlLog().length;
		expect(
			errorOf(await runNode(env, { ...query, query: PAGED, variables: '{ after: 1 }' })).message,
		).toMatch(/^Variables is not valid JSON: .* \[item 0\]$/);
		expect(
			errorOf(await runNode(env, { ...query, query: PAGED, variables: '["x"]' })).message,
		).toBe('Variables must be a JSON object, not an array [item 0]');
		expect(
			errorOf(await runNode(env, { ...mutation, query: CREATE, variables: '"text"' })).message,
		).toBe('Variables must be a JSON object, not a string [item 0]');
		expect(env.sim.graphqlLog().length).toBe(from);
	});

	test('with several operations, Operation Name selects the one that runs', async () => {
		const document = `${PAGED}\nquery Countries { xtremStructure { country { query { edges { node { id } } } } } }`;
		expect(errorOf(await runNode(env, { ...query, query: document })).message).toBe(
			'Query holds 2 operations (Customers, Countries); set Operation Name to choose one. [item 0]',
		);
		const from = env.sim.graphqlLog().length;
		const items = outputOf(
			await runNode(env, { ...query, query: document, operationName: 'Countries' }),
		);
		expect(items.map((item) => item.json.id)).toEqual(['FR', 'US', 'GB', 'DE', 'ES']);
		expect(dataRequests(env, from).map((entry) => entry.operationName)).toEqual(['Countries']);
	});
});

describe('Query', () => {
	test('Output Items splits the first edges[].node connection into one item per record', async () => {
		const items = outputOf(
			await runNode(env, {
				...query,
				query: '{ xtremMasterData { customer { query(first: 3) { edges { node { _id } } } } } }',
			}),
		);
		expect(items).toEqual(
			['1', '2', '3'].map((_id) => ({ json: { _id }, pairedItem: { item: 0 } })),
		);
	});

	test('Split Path points at the list to split', async () => {
		const document =
			'{ xtremStructure { country { query { edges { node { id } } } } } xtremMasterData { currency { query { edges { node { id } } } } } }';
		const items = outputOf(
			await runNode(env, {
				...query,
				query: document,
				splitPath: 'xtremMasterData.currency.query',
			}),
		);
		expect(items.map((item) => item.json.id)).toEqual(['EUR', 'USD', 'GBP', 'CHF', 'JPY']);
		const missing = errorOf(
			await runNode(env, { ...query, query: document, splitPath: 'xtremMasterData.nothing' }),
		);
		expect(missing.message).toBe(
			'Split Path "xtremMasterData.nothing" is not in Sage\'s answer. [item 0]',
		);
	});

	test('Output Response gives data as one item', async () => {
		const items = outputOf(
			await runNode(env, {
				...query,
				query: '{ xtremStructure { country { query(first: 1) { edges { node { id } } } } } }',
				output: 'response',
			}),
		);
		expect(items).toEqual([
			{
				json: { xtremStructure: { country: { query: { edges: [{ node: { id: 'FR' } }] } } } },
				pairedItem: { item: 0 },
			},
		]);
	});

	test('Output Response with Limit and no $first outputs only the records Limit lets through', async () => {
		const document = PAGED.replace('$first: Int', '').replace('first: $first', 'first: 20');
		const items = outputOf(
			await runNode(env, { ...query, query: document, output: 'response', limit: 5 }),
		);
		expect(items).toHaveLength(1);
		const connection = (
			items[0].json as { xtremMasterData: { customer: { query: { edges: unknown[] } } } }
		).xtremMasterData.customer.query;
		expect(connection.edges).toEqual(
			['1', '2', '3', '4', '5'].map((_id) => ({ node: { _id, id: expect.any(String) } })),
		);
	});

	test('Return All follows $after through pageInfo, setting $first from the page size', async () => {
		const from = env.sim.graphqlLog().length;
		const items = outputOf(
			await runNode(env, { ...query, query: PAGED, returnAll: true, options: { pageSize: 20 } }),
		);
		expect(items.map((item) => item.json._id)).toEqual(
			Array.from({ length: 45 }, (_, index) => String(index + 1)),
		);
		const requests = dataRequests(env, from);
		expect(requests.map((request) => (request.variables as { first: number }).first)).toEqual([
			20, 20, 20,
		]);
		expect(requests[0].variables).toEqual({ first: 20 });
		expect(requests[1].variables).toEqual({ first: 20, after: expect.any(String) });
	});

	test('Limit follows pages until it is reached, and no further', async () => {
		const from = env.sim.graphqlLog().length;
		const items = outputOf(
			await runNode(env, { ...query, query: PAGED, limit: 25, options: { pageSize: 10 } }),
		);
		expect(items).toHaveLength(25);
		expect(
			dataRequests(env, from).map((request) => (request.variables as { first: number }).first),
		).toEqual([10, 10, 5]);
	});

	test('Return All on a query that cannot page runs it once and says why', async () => {
		const result = await runNode(env, {
			...query,
			query: '{ xtremMasterData { customer { query(first: 5) { edges { node { _id } } } } } }',
			returnAll: true,
		});
		expect(outputOf(result)).toHaveLength(5);
		expect(result.hints(NODE_NAME)).toEqual([
			expect.objectContaining({
				type: 'info',
				message: expect.stringMatching(
					/^Return All: the query ran once, because the document declares no \$after variable\./,
				),
			}),
		]);
	});

	test('Sage’s errors become the node error with their path; with Continue On Fail the partial data stays', async () => {
		const document =
			'{ bad: xtremMasterData { customer { read(_id: "abc") { _id } } } good: xtremMasterData { customer { read(_id: "1") { _id } } } }';
		const error = errorOf(await runNode(env, { ...query, query: document, output: 'response' }));
		expect(error.message).toBe(
			"Invalid _id 'abc': expected an integer _id or '#' followed by the natural key. (at bad.customer.read) [item 0]",
		);
		const items = outputOf(
			await runNode(
				env,
				{ ...query, query: document, output: 'response' },
				{ continueOnFail: true },
			),
		);
		expect(items).toEqual([
			{
				json: {
					error:
						"Invalid _id 'abc': expected an integer _id or '#' followed by the natural key. (at bad.customer.read)",
					data: { bad: { customer: { read: null } }, good: { customer: { read: { _id: '1' } } } },
				},
				pairedItem: { item: 0 },
			},
		]);
	});
});

describe('Mutation', () => {
	test('runs once per item with the item’s variables; warnings go on the item', async () => {
		const input = [
			{ data: { id: 'GQ001', name: 'Graph One', currency: '#EUR', email: 'one@example.com' } },
			{ data: { id: 'GQ002', name: 'Graph Two', currency: '#EUR' } },
		];
		const result = await runNode(
			env,
			{ ...mutation, query: CREATE, variables: '={{ JSON.stringify($json) }}' },
			{ input },
		);
		const items = outputOf(result);
		expect(items.map((item) => item.json.xtremMasterData)).toEqual([
			{ customer: { create: { _id: expect.any(String), id: 'GQ001', email: 'one@example.com' } } },
			{ customer: { create: { _id: expect.any(String), id: 'GQ002', email: null } } },
		]);
		expect(items[1].json._diagnoses).toEqual([
			{
				severity: 'warning',
				message: 'The customer has no email address.',
				path: ['xtremMasterData', 'customer', 'create'],
			},
		]);
		expect(result.hints(NODE_NAME).map((hint) => hint.message)).toEqual([
			'Sage: The customer has no email address. (at xtremMasterData.customer.create) (item 1)',
		]);
	});

	test('a failing item’s Sage warnings travel in its error, because n8n drops the hints of a failed execution', async () => {
		const TWO = `mutation Two($good: Customer_Input!, $taken: Customer_Input!) {
  xtremMasterData { warned: customer { create(data: $good) { _id } } taken: customer { create(data: $taken) { _id } } }
}`;
		const existing = env.sim.store().list('xtremMasterData.customer')[0];
		const variables = {
			good: { id: 'GQWARN1', name: 'Warned', currency: '#EUR' },
			taken: { id: existing.id, name: 'Taken', currency: '#EUR' },
		};
		const error = errorOf(
			await runNode(env, { ...mutation, query: TWO, variables: JSON.stringify(variables) }),
		);
		expect(error.message).toMatch(/already exists/);
		expect(String(error.description)).toContain('Sage warned: The customer has no email address.');
	});

	test('Batch Size merges items into one request and gives each item its own answer or error', async () => {
		const input = [
			{ data: { id: 'GQ101', name: 'Batch 1', currency: '#EUR', email: 'b1@example.com' } },
			{ data: { id: 'GQ001', name: 'Duplicate', currency: '#EUR', email: 'dup@example.com' } },
			{ data: { id: 'GQ102', name: 'Batch 2', currency: '#USD', email: 'b2@example.com' } },
		];
		const from = env.sim.graphqlLog().length;
		const items = outputOf(
			await runNode(
				env,
				{ ...mutation, query: CREATE, variables: '={{ $json }}', options: { batchSize: 3 } },
				{ input, continueOnFail: true },
			),
		);
		expect(dataRequests(env, from)).toHaveLength(1);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[0].json).toEqual({
			xtremMasterData: {
				customer: { create: { _id: expect.any(String), id: 'GQ101', email: 'b1@example.com' } },
			},
		});
		expect(items[1].json).toEqual({
			error: 'A record already exists with the same data. (at xtremMasterData.customer.create)',
			data: { xtremMasterData: { customer: { create: null } } },
		});
		expect(
			(items[2].json.xtremMasterData as { customer: { create: { id: string } } }).customer.create
				.id,
		).toBe('GQ102');
	});

	test('a lost answer is not sent again, and the item says its outcome is unknown', async () => {
		const before = env.sim.counters();
		env.sim.faults().set({ resetNext: 1 });
		const error = errorOf(
			await runNode(env, {
				...mutation,
				query: CREATE,
				variables: JSON.stringify({
					data: { id: 'GQ201', name: 'Lost', currency: '#EUR', email: 'l@example.com' },
				}),
			}),
		);
		expect(error.message).toMatch(
			/^The answer to the GraphQL mutation was lost after it was sent: .* so it was not sent again\. \[item 0\]$/,
		);
		expect(error.description).toContain(
			'Check in Sage whether the record exists before running this item again.',
		);
		expect(env.sim.counters().graphqlRequests - before.graphqlRequests).toBe(1);
		expect(env.sim.counters().mutations.create - before.mutations.create).toBe(1);
	});
});
