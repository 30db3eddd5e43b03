/**
 * Record Create, Update and Delete through the real n8n engine against the simulator:
 * bad input stops before anything is written, batches map results and errors per item,
 * and nothing already written is lost silently.
 */
import {
	NODE_NAME,
	dataRequests,
	errorOf,
	outputOf,
	recordType,
	runNode,
	useNodeEnv,
	customerFactory,
	warmUp,
} from './fixture';

const env = useNodeEnv({ seed: { customers: 30 } });
const CUSTOMER = recordType('xtremMasterData.customer');
const create = {
	resource: 'record',
	operation: 'create',
	recordType: CUSTOMER,
	data: '={{ $json }}',
	fields: '_id id name email',
};

/** A new customer's data with a natural key no other test uses. */
const newCustomer = customerFactory('T', 'Test');

function customerById(id: string) {
	return env.sim
		.store()
		.list('xtremMasterData.customer')
		.find((record) => record.id === id);
}

beforeAll(async () => await warmUp(env));

describe('Create', () => {
	test('creates one record per item and outputs it, paired to its item', async () => {
		const input = [newCustomer(), newCustomer()];
		const items = outputOf(await runNode(env, create, { input }));
		expect(items.map((item) => [item.json.id, item.pairedItem])).toEqual([
			[input[0].id, { item: 0 }],
			[input[1].id, { item: 1 }],
		]);
		expect(items[0].json._id).toBe(customerById(String(input[0].id))?._id);
	});

	test('Data that is not valid JSON fails before anything is written, naming the field and the item', async () => {
		const before = env.sim.counters();
		const error = errorOf(
			await runNode(
				env,
				{ ...create, data: '={{ $json.raw }}' },
				{ input: [{ raw: JSON.stringify(newCustomer()) }, { raw: '{ "name": ' }] },
			),
		);
		expect(error.message).toBe('Data is not valid JSON: Unexpected end of JSON input [item 1]');
		expect(error.context).toMatchObject({ itemIndex: 1 });
		expect(env.sim.counters().graphqlRequests).toBe(before.graphqlRequests);
		expect(env.sim.counters().mutations).toEqual(before.mutations);
	});

	test('Data that is not an object fails before anything is written', async () => {
		const before = env.sim.counters().graphqlRequests;
		expect(errorOf(await runNode(env, { ...create, data: '[1, 2]' })).message).toBe(
			'Data must be a JSON object, not an array [item 0]',
		);
		expect(errorOf(await runNode(env, { ...create, data: '42' })).message).toBe(
			'Data must be a JSON object, not a number (42) [item 0]',
		);
		expect(errorOf(await runNode(env, { ...create, data: '' })).message).toBe(
			'Data is empty [item 0]',
		);
		expect(env.sim.counters().graphqlRequests).toBe(before);
	});

	test('with Continue On Fail, bad Data becomes that item’s error and the others are created', async () => {
		const good = newCustomer();
		const items = outputOf(
			await runNode(
				env,
				{ ...create, data: '={{ $json.raw }}' },
				{ continueOnFail: true, input: [{ raw: 'nope' }, { raw: JSON.stringify(good) }] },
			),
		);
		expect(items[0]).toEqual({
			json: { error: expect.stringMatching(/^Data is not valid JSON: Unexpected token/) },
			pairedItem: { item: 0 },
		});
		expect(items[1].json.id).toBe(good.id);
	});

	test('Sage’s warnings reach the user as an execution hint and on the item', async () => {
		const input = newCustomer({ email: null });
		const result = await runNode(env, create, { input: [input] });
		const [item] = outputOf(result);
		expect(item.json._diagnoses).toEqual([
			{
				severity: 'warning',
				message: 'The customer has no email address.',
				path: ['xtremMasterData', 'customer', 'create'],
			},
		]);
		expect(result.hints(NODE_NAME)).toEqual([
			{
				type: 'warning',
				location: 'outputPane',
				message:
					'Sage: The customer has no email address. (at xtremMasterData.customer.create) (item 0)',
			},
		]);
	});
});

describe('batches', () => {
	test('Batch Size sends several items in one request, each result and error to its own item', async () => {
		const taken = newCustomer();
		await runNode(env, create, { input: [taken] });
		const input = [
			newCustomer(),
			newCustomer(),
			{ ...newCustomer(), id: taken.id },
			newCustomer({ email: null }),
			newCustomer(),
		];
		const from = env.sim.graphqlLog().length;
		const created = env.sim.counters().mutations.create;
		const result = await runNode(
			env,
			{ ...create, options: { batchSize: 5 } },
			{ input, continueOnFail: true },
		);
		const items = outputOf(result);

		expect(dataRequests(env, from)).toHaveLength(1);
		expect(dataRequests(env, from)[0].variables).toEqual({
			d0: input[0],
			d1: input[1],
			d2: input[2],
			d3: input[3],
			d4: input[4],
		});
		expect(items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		expect(items[2].json).toEqual({
			error: 'A record already exists with the same data. (at xtremMasterData.customer.create)',
		});
		expect([0, 1, 3, 4].map((index) => items[index].json.id)).toEqual([
			input[0].id,
			input[1].id,
			input[3].id,
			input[4].id,
		]);
		expect(items[3].json._diagnoses).toEqual([
			{
				severity: 'warning',
				message: 'The customer has no email address.',
				path: ['xtremMasterData', 'customer', 'create'],
			},
		]);
		expect(items[0].json._diagnoses).toBeUndefined();
		expect(result.hints(NODE_NAME).map((hint) => hint.message)).toEqual([
			'Sage: The customer has no email address. (at xtremMasterData.customer.create) (item 3)',
		]);
		expect(env.sim.counters().mutations.create - created).toBe(4);
	});

	test('without Continue On Fail, the error names the failed item and lists what was already created', async () => {
		const taken = newCustomer();
		await runNode(env, create, { input: [taken] });
		const input = [
			newCustomer(),
			newCustomer(),
			newCustomer(),
			{ ...newCustomer(), id: taken.id },
			newCustomer(),
			newCustomer(),
			newCustomer(),
		];
		const from = env.sim.graphqlLog().length;
		const error = errorOf(await runNode(env, { ...create, options: { batchSize: 2 } }, { input }));

		expect(error.message).toBe(
			'A record already exists with the same data. (at xtremMasterData.customer.create) [item 3]',
		);
		expect(error.context).toMatchObject({ itemIndex: 3 });
		const ids = [0, 1, 2].map((index) => customerById(String(input[index].id))?._id);
		expect(error.description).toBe(
			[
				`Already created by this execution, and not undone: 3 (items 0–2), _id ${ids.join(', ')}.`,
				'Not sent: items 4–6.',
				'To get one output item per input item, failures included, set Settings > On Error to "Continue".',
			].join('\n'),
		);
		expect((error.context as { applied: unknown }).applied).toEqual(
			ids.map((_id, item) => ({ item, _id })),
		);
		expect(dataRequests(env, from)).toHaveLength(2);
		expect([4, 5, 6].map((index) => customerById(String(input[index].id)))).toEqual([
			undefined,
			undefined,
			undefined,
		]);
	});

	test('a request Sage refuses as a whole (a value of the wrong type) fails only the item at fault; the rest go again', async () => {
		const input = [newCustomer(), newCustomer({ paymentTermDays: 'thirty' }), newCustomer()];
		const from = env.sim.graphqlLog().length;
		const items = outputOf(
			await runNode(env, { ...create, options: { batchSize: 3 } }, { input, continueOnFail: true }),
		);
		expect(items[1].json).toEqual({
			error:
				'Data got invalid value "thirty" at "paymentTermDays"; Int cannot represent non-integer value: "thirty"',
		});
		expect([items[0].json.id, items[2].json.id]).toEqual([input[0].id, input[2].id]);
		expect(
			dataRequests(env, from).map((request) => Object.keys(request.variables as object)),
		).toEqual([
			['d0', 'd1', 'd2'],
			['d0', 'd1'],
		]);
	});

	test('a lost answer is never sent again; each record is looked up by its natural key and output with its _id', async () => {
		const input = [newCustomer(), newCustomer()];
		const before = env.sim.counters();
		const from = env.sim.graphqlLog().length;
		env.sim.faults().set({ resetNext: 1 });
		const items = outputOf(
			await runNode(env, { ...create, options: { batchSize: 2 } }, { input, continueOnFail: true }),
		);
		const after = env.sim.counters();
		// The mutation once, then one lookup; reliability/verify-lost.test.ts covers the other outcomes.
		expect(dataRequests(env, from).map((request) => request.operationName)).toEqual([
			'SageErpCreate',
			'SageErpVerifyCreate',
		]);
		expect(after.mutations.create - before.mutations.create).toBe(2);
		for (const [index, item] of items.entries()) {
			const stored = customerById(String(input[index].id));
			expect(item).toEqual({
				json: {
					_id: stored?._id,
					id: input[index].id,
					name: input[index].name,
					email: input[index].email,
					_recoveredAfterLostAnswer: true,
				},
				pairedItem: { item: index },
			});
		}
	});
});

describe('Update and Delete', () => {
	test('Update puts ID into the data as _id and outputs the updated record', async () => {
		const input = newCustomer();
		await runNode(env, create, { input: [input] });
		const from = env.sim.graphqlLog().length;
		const [item] = outputOf(
			await runNode(env, {
				resource: 'record',
				operation: 'update',
				recordType: CUSTOMER,
				id: `#${input.id}`,
				data: '{ "name": "Renamed" }',
				fields: 'id name',
			}),
		);
		expect(item.json).toEqual({ id: input.id, name: 'Renamed' });
		expect(dataRequests(env, from)[0].variables).toEqual({
			d0: { name: 'Renamed', _id: `#${input.id}` },
		});
		expect(customerById(String(input.id))?.name).toBe('Renamed');
	});

	test('Update with an empty ID fails before any request', async () => {
		const before = env.sim.counters().graphqlRequests;
		const update = {
			resource: 'record',
			operation: 'update',
			recordType: CUSTOMER,
			data: '{ "name": "x" }',
		};
		// n8n itself refuses a required parameter left empty (n8n 2.13+ names it); an expression can still come out empty.
		const refused = (await runNode(env, { ...update, id: '' })).error;
		expect(refused?.name).toBe('WorkflowHasIssuesError');
		expect(refused?.message).toMatch(
			/^(The workflow has issues and cannot be executed for that reason\. Please fix them first\.|The 'Sage' node has issues:\n- Parameter "ID" is required\.)$/,
		);
		const error = errorOf(
			await runNode(env, { ...update, id: '={{ $json.id }}' }, { input: [{ id: 'x' }, {}] }),
		);
		expect(error.message).toBe('ID is empty [item 1]');
		expect(env.sim.counters().graphqlRequests).toBe(before);
	});

	test('Delete outputs { _id, deleted: true } per item', async () => {
		const input = [newCustomer(), newCustomer()];
		const created = outputOf(await runNode(env, create, { input }));
		const items = outputOf(
			await runNode(
				env,
				{
					resource: 'record',
					operation: 'delete',
					recordType: CUSTOMER,
					id: '={{ $json._id }}',
					options: { batchSize: 2 },
				},
				{ input: created.map((item) => item.json) },
			),
		);
		expect(items).toEqual(
			created.map((item, index) => ({
				json: { _id: item.json._id, deleted: true },
				pairedItem: { item: index },
			})),
		);
		expect(input.map((record) => customerById(String(record.id)))).toEqual([undefined, undefined]);
	});

	test('deleting a missing record gives Sage’s message with its path', async () => {
		const error = errorOf(
			await runNode(env, {
				resource: 'record',
				operation: 'delete',
				recordType: CUSTOMER,
				id: '#NOPE',
			}),
		);
		expect(error.message).toBe(
			"Customer: the record '#NOPE' was not found. (at xtremMasterData.customer.delete) [item 0]",
		);
		expect(error.description).toContain('Nothing was deleted by this execution.');
	});

	test('an unknown record type or field fails before anything is written', async () => {
		const dataRequests = () =>
			env.sim.counters().graphqlRequests - env.sim.counters().graphqlIntrospections;
		const before = dataRequests();
		const unknownType = errorOf(
			await runNode(
				env,
				{ ...create, recordType: recordType('xtremMasterData.client') },
				{ input: [newCustomer()] },
			),
		);
		expect(unknownType.message).toBe(
			'The record type "xtremMasterData.client" does not exist in this Sage tenant. [item 0]',
		);
		const unknownField = errorOf(
			await runNode(env, { ...create, fields: '_id surname' }, { input: [newCustomer()] }),
		);
		expect(unknownField.message).toBe(
			'Fields: Cannot query field "surname" on type "Customer". Did you mean "name"? [item 0]',
		);
		expect(dataRequests()).toBe(before);
	});
});
