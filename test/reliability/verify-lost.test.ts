/**
 * A create or delete whose answer was lost is looked up in Sage, never sent again
 * (nodes/SageErp/actions/record/write/verify-lost.ts), through the n8n engine against the
 * simulator: `resetNext` runs the request and then cuts the answer midway.
 */
import { buildSchema } from 'graphql';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { naturalKeyOf } from '../../nodes/SageErp/actions/record/write/verify-lost';
import { discoverRecordTypes } from '../../sage-client/schema/schema';
import { buildSdl } from '../simulator';
import {
	NODE_NAME,
	dataRequests,
	errorOf,
	outputOf,
	recordType,
	runNode,
	useNodeEnv,
} from '../node/fixture';

const env = useNodeEnv({ seed: { customers: 30, items: 10, salesOrders: 10 } });
const CUSTOMER = recordType('xtremMasterData.customer');
const FIELDS = '_id id name';
const create = {
	resource: 'record',
	operation: 'create',
	recordType: CUSTOMER,
	data: '={{ $json }}',
	fields: FIELDS,
};
const remove = {
	resource: 'record',
	operation: 'delete',
	recordType: CUSTOMER,
	id: '={{ $json.id }}',
};

let serial = 0;
function newCustomer(extra: IDataObject = {}): IDataObject {
	serial++;
	return {
		id: `LOST${String(serial).padStart(4, '0')}`,
		name: `Lost answer ${serial}`,
		currency: '#EUR',
		email: `l${serial}@example.com`,
		...extra,
	};
}

/** The undici code of a broken answer depends on timing (UND_ERR_SOCKET, UND_ERR_RES_CONTENT_LENGTH_MISMATCH). */
const codeless = (json: IDataObject) => ({
	...json,
	error: String(json.error).replace(/failed \([a-z ]+\)/, 'failed (<code>)'),
});
const stored = (id: unknown) =>
	env.sim
		.store()
		.list('xtremMasterData.customer')
		.filter((record) => record.id === id);
const mutationRequests = (from: number) =>
	dataRequests(env, from).filter((request) => /^\s*mutation/.test(String(request.query)));

/** Runs `parameters` over `input` with one reset, and gives the items, the mutation count and the requests sent. */
async function withOneReset(
	parameters: INodeParameters,
	input: IDataObject[],
	options: { continueOnFail?: boolean } = { continueOnFail: true },
) {
	const before = env.sim.counters();
	const from = env.sim.graphqlLog().length;
	env.sim.faults().set({ resetNext: 1 });
	const result = await runNode(env, parameters, { input, ...options });
	const after = env.sim.counters();
	return {
		result,
		created: after.mutations.create - before.mutations.create,
		deleted: after.mutations.delete - before.mutations.delete,
		resets: (after.faultsInjected.reset ?? 0) - (before.faultsInjected.reset ?? 0),
		operations: dataRequests(env, from).map((request) => request.operationName),
		mutationsSent: mutationRequests(from).length,
	};
}

beforeAll(async () => {
	// Warm the schema cache (the types of every document below), so that the requests below are the operations' own.
	outputOf(await runNode(env, create, { input: [newCustomer()] }));
	const order = {
		soldToCustomer: '#FR001',
		site: '#700',
		lines: [{ item: '#ITEM-1', quantity: 1 }],
	};
	outputOf(
		await runNode(
			env,
			{
				resource: 'record',
				operation: 'create',
				recordType: recordType('xtremSales.salesOrder'),
				data: '={{ $json }}',
				fields: '_id number',
			},
			{ input: [order] },
		),
	);
});
afterEach(() => {
	env.sim.faults().clear();
	env.sim.clock.set(Date.now());
});

describe('the natural key rule: what the schema names, never a guess', () => {
	const types = new Map(
		discoverRecordTypes(buildSchema(buildSdl())).map((info) => [info.recordType, info]),
	);
	const customer = types.get('xtremMasterData.customer')!;
	const salesOrder = types.get('xtremSales.salesOrder')!;
	const receipt = types.get('xtremPurchasing.purchaseReceipt')!;

	test('reads each part the schema names, a reference part by its natural key', () => {
		expect(naturalKeyOf({ name: 'x', id: 'FR9' }, customer)).toEqual({
			property: 'id',
			value: 'FR9',
		});
		expect(naturalKeyOf({ number: 'SO9', soldToCustomer: '#FR001' }, salesOrder)).toEqual({
			property: 'number',
			value: 'SO9',
		});
		expect(naturalKeyOf({ site: '#700', number: 'R1' }, receipt)).toEqual({
			property: 'site|number',
			value: '700|R1',
		});
	});

	test('a part missing, empty, holding | or a reference given by _id leaves no key', () => {
		expect(naturalKeyOf({ id: '  ' }, customer)).toEqual({
			missing: 'its Data carries no usable id, part of the natural key id',
		});
		expect(naturalKeyOf({ id: 'A|B' }, customer)).toHaveProperty('missing');
		expect(naturalKeyOf({ number: 'R1' }, receipt)).toEqual({
			missing: 'its Data carries no usable site, part of the natural key site|number',
		});
		expect(naturalKeyOf({ site: '3', number: 'R1' }, receipt)).toHaveProperty('missing');
		expect(naturalKeyOf({ id: 'X1', soldToCustomer: '#FR001' }, salesOrder)).toHaveProperty(
			'missing',
		);
		expect(naturalKeyOf(null, customer)).toHaveProperty('missing');
	});

	test('a schema that names no natural key gives none, whatever the Data holds', () => {
		const bare = discoverRecordTypes(
			buildSchema(buildSdl().replace(/"Natural key: [^"]*"\n/g, '')),
		).find((info) => info.recordType === 'xtremMasterData.customer')!;
		expect(naturalKeyOf({ id: 'FR9' }, bare)).toEqual({
			missing: 'the schema of xtremMasterData.customer names no natural key',
		});
	});
});

describe('Create after a lost answer', () => {
	test.each([1, 5])(
		'Batch Size %i: every record is found by its natural key and output with its _id, marked; nothing is sent again',
		async (batchSize) => {
			const input = Array.from({ length: batchSize }, () => newCustomer());
			const run = await withOneReset({ ...create, options: { batchSize } }, input);
			expect(run.resets).toBe(1);
			expect(run.created).toBe(batchSize);
			expect(run.mutationsSent).toBe(1);
			expect(run.operations).toEqual(['SageErpCreate', 'SageErpVerifyCreate']);
			const items = outputOf(run.result);
			expect(items).toHaveLength(batchSize);
			for (const [index, item] of items.entries()) {
				const [record] = stored(input[index].id);
				expect(stored(input[index].id)).toHaveLength(1);
				expect(item).toEqual({
					json: {
						_id: record._id,
						id: input[index].id,
						name: input[index].name,
						_recoveredAfterLostAnswer: true,
					},
					pairedItem: { item: index },
				});
			}
		},
	);

	test('Batch Size 5 with refusals inside: created ones are recovered, the others are verified not created', async () => {
		const existing = env.sim.store().get('xtremMasterData.customer', '1')!; // seeded months ago
		const input = [
			newCustomer(),
			newCustomer({ id: String(existing.id) }),
			newCustomer(),
			newCustomer({ name: '' }),
			newCustomer(),
		];
		const run = await withOneReset({ ...create, options: { batchSize: 5 } }, input);
		expect(run.created).toBe(3);
		expect(run.mutationsSent).toBe(1);
		const items = outputOf(run.result);
		for (const index of [0, 2, 4]) {
			expect(items[index].json).toMatchObject({
				_id: stored(input[index].id)[0]._id,
				_recoveredAfterLostAnswer: true,
			});
		}
		expect(codeless(items[1].json)).toEqual({
			error:
				`The answer from Sage was lost after the request was sent: the connection failed (<code>). Sage has a record by its natural key (id "${existing.id}"), ` +
				`but it was created at ${existing._createStamp}, before this request was sent: this request did NOT create it (it already existed).`,
		});
		expect(codeless(items[3].json)).toEqual({
			error:
				`The answer from Sage was lost after the request was sent: the connection failed (<code>). Sage was asked for the record by its natural key (id "${input[3].id}") ` +
				'and has none: it was NOT created, and the request was not sent again. It is safe to run this item again.',
		});
		expect(stored(input[3].id)).toEqual([]);
		expect(stored(existing.id)).toHaveLength(1);
	});

	test.each([502, 504] as const)(
		'a gateway %i after Sage committed a batch: every record is found and output once, nothing is sent again',
		async (status) => {
			const input = Array.from({ length: 5 }, () => newCustomer());
			const from = env.sim.graphqlLog().length;
			const before = env.sim.counters().mutations.create;
			env.sim.faults().set({ failAfterNext: { count: 1, status } });
			const result = await runNode(
				env,
				{ ...create, options: { batchSize: 5 } },
				{ input, continueOnFail: true },
			);
			expect(env.sim.counters().mutations.create - before).toBe(5);
			expect(dataRequests(env, from).map((request) => request.operationName)).toEqual([
				'SageErpCreate',
				'SageErpVerifyCreate',
			]);
			for (const [index, item] of outputOf(result).entries()) {
				expect(stored(input[index].id)).toHaveLength(1);
				expect(item.json).toMatchObject({
					_id: stored(input[index].id)[0]._id,
					_recoveredAfterLostAnswer: true,
				});
			}
		},
	);

	test('a natural key of two parts (site|number) finds the records created; none is called not created', async () => {
		const receipts = [0, 1, 2, 3].map((index) => ({
			site: '#700',
			number: `R-LOST-${++serial}`,
			supplierName: `Supplier ${index}`,
		}));
		const createReceipts = {
			resource: 'record',
			operation: 'create',
			recordType: recordType('xtremPurchasing.purchaseReceipt'),
			data: '={{ $json }}',
			fields: '_id number',
			options: { batchSize: 3 },
		};
		// The first one only loads this record type's schema, so that the reset hits the create.
		outputOf(await runNode(env, createReceipts, { input: [receipts.shift()!] }));
		const run = await withOneReset(createReceipts, receipts);
		expect(run.resets).toBe(1);
		expect(run.created).toBe(3);
		expect(run.mutationsSent).toBe(1);
		const stored = env.sim.store().list('xtremPurchasing.purchaseReceipt');
		for (const [index, item] of outputOf(run.result).entries()) {
			const matching = stored.filter((record) => record.number === receipts[index].number);
			expect(matching).toHaveLength(1);
			expect(item.json).toEqual({
				_id: String(matching[0]._id),
				number: receipts[index].number,
				_recoveredAfterLostAnswer: true,
			});
		}
	});

	test('two items of one lost batch with the same natural key: one is created, the other is reported NOT created', async () => {
		const twin = newCustomer();
		const input = [twin, { ...twin, name: 'The same key again' }, newCustomer()];
		const run = await withOneReset({ ...create, options: { batchSize: 3 } }, input);
		expect(run.created).toBe(2);
		expect(stored(twin.id)).toHaveLength(1);
		const items = outputOf(run.result);
		expect(items[0].json).toMatchObject({
			_id: stored(twin.id)[0]._id,
			_recoveredAfterLostAnswer: true,
		});
		expect(codeless(items[1].json)).toEqual({
			error:
				`The answer from Sage was lost after the request was sent: the connection failed (<code>). Sage has a record by its natural key (id "${twin.id}") (_id ${stored(twin.id)[0]._id}), ` +
				'but it is the one already reported for another item of this execution with the same natural key: this item was NOT created (Sage keeps one record per natural key).',
		});
		expect(items[2].json).toMatchObject({ _id: stored(input[2].id)[0]._id });
	});

	test('the lookup itself survives a reset (it is a query, and queries are retried)', async () => {
		const input = [newCustomer(), newCustomer()];
		const from = env.sim.graphqlLog().length;
		env.sim.faults().set({ resetNext: 2 });
		const items = outputOf(
			await runNode(env, { ...create, options: { batchSize: 2 } }, { input, continueOnFail: true }),
		);
		expect(dataRequests(env, from).map((request) => request.operationName)).toEqual([
			'SageErpCreate',
			'SageErpVerifyCreate',
			'SageErpVerifyCreate',
		]);
		expect(items.map((item) => item.json._id)).toEqual(
			input.map((record) => stored(record.id)[0]._id),
		);
	});

	test('without Continue On Fail, recovered records make a normal successful run', async () => {
		const input = Array.from({ length: 5 }, () => newCustomer());
		const run = await withOneReset({ ...create, options: { batchSize: 5 } }, input, {});
		expect(run.result.error).toBeUndefined();
		expect(outputOf(run.result).map((item) => item.json.id)).toEqual(
			input.map((record) => record.id),
		);
	});

	test('a verified failure without Continue On Fail stops the node naming the item, and lists the recovered ones as created', async () => {
		const input = [newCustomer(), newCustomer({ name: '' }), newCustomer()];
		const run = await withOneReset({ ...create, options: { batchSize: 3 } }, input, {});
		const error = errorOf(run.result);
		expect(error.message.replace(/failed \([a-z ]+\)/, 'failed (<code>)')).toBe(
			`The answer from Sage was lost after the request was sent: the connection failed (<code>). Sage was asked for the record by its natural key (id "${input[1].id}") ` +
				'and has none: it was NOT created, and the request was not sent again. It is safe to run this item again. [item 1]',
		);
		const ids = [0, 2].map((index) => stored(input[index].id)[0]._id);
		expect(error.description).toBe(
			[
				'Nothing was created for this item; run it again.',
				`Already created by this execution, and not undone: 2 (items 0, 2), _id ${ids.join(', ')}.`,
				'To get one output item per input item, failures included, set Settings > On Error to "Continue".',
			].join('\n'),
		);
	});

	test('Sage’s clock a little behind ours still counts as created by this request', async () => {
		env.sim.clock.advance(-2 * 60_000);
		const input = [newCustomer()];
		const run = await withOneReset(create, input);
		expect(outputOf(run.result)[0].json).toMatchObject({
			_id: stored(input[0].id)[0]._id,
			_recoveredAfterLostAnswer: true,
		});
	});

	test('without a natural key in the data, the outcome stays unknown', async () => {
		const order = {
			soldToCustomer: '#FR001',
			site: '#700',
			lines: [{ item: '#ITEM-1', quantity: 2 }],
		};
		const before = env.sim.store().count('xtremSales.salesOrder');
		const run = await withOneReset(
			{
				resource: 'record',
				operation: 'create',
				recordType: recordType('xtremSales.salesOrder'),
				data: '={{ $json }}',
				fields: '_id number',
			},
			[order],
		);
		expect(run.operations).toEqual(['SageErpCreate']);
		expect(codeless(outputOf(run.result)[0].json)).toEqual({
			error:
				'The answer to the GraphQL mutation was lost after it was sent: the connection failed (<code>). Sage may or may not have applied it, so it was not sent again. ' +
				'It could not be checked afterwards: its Data carries no usable number, part of the natural key number, so there is nothing to look it up by.',
			outcomeUnknown: true,
		});
		expect(env.sim.store().count('xtremSales.salesOrder')).toBe(before + 1); // it was created: only a lookup could have told
	});

	test('no answer at all within the timeout: a record not found may still be on its way, so the outcome stays unknown', async () => {
		const input = [newCustomer()];
		const from = env.sim.graphqlLog().length;
		env.sim.faults().set({ hangNext: 1 });
		const items = outputOf(
			await runNode(env, { ...create, options: { timeout: 300 } }, { input, continueOnFail: true }),
		);
		expect(dataRequests(env, from).map((request) => request.operationName)).toEqual([
			'SageErpCreate',
			'SageErpVerifyCreate',
		]);
		expect(items[0].json).toEqual({
			error:
				'The answer to the GraphQL mutation was lost after it was sent: no answer within 300 ms. Sage may or may not have applied it, so it was not sent again. ' +
				`Looked up afterwards by its natural key (id "${input[0].id}"), it was not there, but Sage had not started answering, so it may still be creating it.`,
			outcomeUnknown: true,
		});
	});
});

describe('Delete after a lost answer', () => {
	async function customers(count: number) {
		const input = Array.from({ length: count }, () => newCustomer());
		outputOf(await runNode(env, create, { input }));
		return input.map((record) => ({ id: `#${String(record.id)}`, key: record.id }));
	}

	test.each([1, 5])(
		'Batch Size %i: records found gone are reported deleted, marked; nothing is sent again',
		async (batchSize) => {
			const input = await customers(batchSize);
			const run = await withOneReset({ ...remove, options: { batchSize } }, input);
			expect(run.deleted).toBe(batchSize);
			expect(run.mutationsSent).toBe(1);
			expect(run.operations).toEqual(['SageErpDelete', 'SageErpVerifyDelete']);
			expect(outputOf(run.result)).toEqual(
				input.map((record, index) => ({
					json: { _id: record.id, deleted: true, _recoveredAfterLostAnswer: true },
					pairedItem: { item: index },
				})),
			);
			for (const record of input) expect(stored(record.key)).toEqual([]);
		},
	);

	test('a record still there after the lost answer (Sage refused to delete it) is reported NOT deleted', async () => {
		const order = env.sim.store().get('xtremSales.salesOrder', '1')!;
		const customer = env.sim.store().get('xtremMasterData.customer', String(order.soldToCustomer))!;
		const [first, last] = await customers(2);
		const input: IDataObject[] = [first, { id: String(customer._id) }, last];
		const run = await withOneReset({ ...remove, options: { batchSize: 3 } }, input);
		expect(run.deleted).toBe(2);
		const items = outputOf(run.result);
		expect(items[0].json).toEqual({
			_id: first.id,
			deleted: true,
			_recoveredAfterLostAnswer: true,
		});
		expect(codeless(items[1].json)).toEqual({
			error:
				`The answer from Sage was lost after the request was sent: the connection failed (<code>). The record "${customer._id}" still exists in Sage: ` +
				'it was NOT deleted, and the request was not sent again. It is safe to run this item again.',
		});
		expect(env.sim.store().get('xtremMasterData.customer', String(customer._id))).toBeDefined();
	});
});

test('Update after a lost answer stays outcome unknown: the record exists either way', async () => {
	const [input] = [newCustomer()];
	outputOf(await runNode(env, create, { input: [input] }));
	const run = await withOneReset(
		{
			resource: 'record',
			operation: 'update',
			recordType: CUSTOMER,
			id: `#${String(input.id)}`,
			data: '{ "city": "Lyon" }',
			fields: FIELDS,
		},
		[{}],
	);
	expect(run.operations).toEqual(['SageErpUpdate']);
	expect(codeless(outputOf(run.result)[0].json)).toEqual({
		error:
			'The answer to the GraphQL mutation was lost after it was sent: the connection failed (<code>). Sage may or may not have applied it, so it was not sent again.',
		outcomeUnknown: true,
	});
	expect(run.result.hints(NODE_NAME)).toEqual([]);
});
