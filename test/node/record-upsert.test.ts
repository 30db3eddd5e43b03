/**
 * Record → Create or Update through the real n8n engine against the simulator: records are
 * found by their natural key (or Match On) in one read, created or updated in one write,
 * and two executions racing on the same keys create each record once.
 */
import type { IDataObject } from 'n8n-workflow';

import { prng } from '../simulator/seed';
import {
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
const upsert = {
	resource: 'record',
	operation: 'upsert',
	recordType: CUSTOMER,
	data: '={{ $json }}',
	fields: '_id id name email',
};

/** A new customer's data with a natural key no other test uses. */
const newCustomer = customerFactory('U', 'Upsert');

const stored = (id: unknown) =>
	env.sim
		.store()
		.list('xtremMasterData.customer')
		.filter((record) => record.id === id);

beforeAll(async () => await warmUp(env));
afterEach(() => env.sim.faults().clear());

test('creates what is missing and updates what exists: one read and one write per batch, _operation says which', async () => {
	const existing = newCustomer();
	await runNode(env, upsert, { input: [existing] });
	const input = [newCustomer(), { ...existing, name: 'Renamed' }, newCustomer()];
	const from = env.sim.graphqlLog().length;
	const items = outputOf(await runNode(env, { ...upsert, options: { batchSize: 3 } }, { input }));

	expect(dataRequests(env, from).map((request) => request.operationName)).toEqual([
		'SageErpUpsertLookup',
		'SageErpUpsert',
	]);
	expect(dataRequests(env, from)[0].variables).toMatchObject({
		filter: JSON.stringify({ id: { _in: input.map((record) => record.id) } }),
	});
	expect(items.map((item) => [item.json.id, item.json._operation, item.pairedItem])).toEqual([
		[input[0].id, 'created', { item: 0 }],
		[existing.id, 'updated', { item: 1 }],
		[input[2].id, 'created', { item: 2 }],
	]);
	expect(stored(existing.id)).toEqual([
		expect.objectContaining({ name: 'Renamed', _id: items[1].json._id }),
	]);
});

test('Match On finds the record by another field, and refuses a field that matches several records', async () => {
	const existing = newCustomer();
	await runNode(env, upsert, { input: [existing] });
	const [item] = outputOf(
		await runNode(
			env,
			{ ...upsert, matchOn: 'email' },
			{ input: [{ email: existing.email, name: 'Found by email' }] },
		),
	);
	expect(item.json).toMatchObject({
		id: existing.id,
		name: 'Found by email',
		_operation: 'updated',
	});

	const twins = [newCustomer({ city: 'Twin Town' }), newCustomer({ city: 'Twin Town' })];
	await runNode(env, { ...upsert, options: { batchSize: 2 } }, { input: twins });
	const ids = twins.map((twin) => stored(twin.id)[0]._id);
	const error = errorOf(
		await runNode(
			env,
			{ ...upsert, matchOn: 'city' },
			{ input: [{ city: 'Twin Town', name: 'Which?' }] },
		),
	);
	expect(error.message).toBe(
		`2 xtremMasterData.customer records have city "Twin Town" (_id ${ids.join(', ')}); Create or Update cannot tell which to update. [item 0]`,
	);
	expect(twins.map((twin) => stored(twin.id)[0].name)).toEqual(twins.map((twin) => twin.name));
});

test('two items with one key in a batch: the first creates, the second updates the record it created', async () => {
	const record = newCustomer();
	const items = outputOf(
		await runNode(
			env,
			{ ...upsert, options: { batchSize: 5 } },
			{ input: [record, { ...record, name: 'Second' }] },
		),
	);
	expect(items.map((item) => item.json._operation)).toEqual(['created', 'updated']);
	expect(stored(record.id)).toEqual([expect.objectContaining({ name: 'Second' })]);
});

test('bad input fails before any request, naming the field and the item', async () => {
	const before = env.sim.counters().graphqlRequests;
	const cases: Array<[IDataObject, IDataObject, string]> = [
		[
			{},
			{ name: 'No key', currency: '#EUR' },
			'Data holds no natural key to match on (id, number, code) [item 0]',
		],
		[
			{ matchOn: 'emial' },
			newCustomer(),
			'Match On: xtremMasterData.customer has no field "emial" to match on [item 0]',
		],
		[
			{ matchOn: '_id' },
			newCustomer(),
			'Match On: xtremMasterData.customer has no field "_id" to match on [item 0]',
		],
		[
			{ matchOn: 'email' },
			{ id: 'X', name: 'No email' },
			'Data has no value for "email", the Match On field [item 0]',
		],
		[
			{},
			{ ...newCustomer(), _id: '12' },
			'Data has _id "12", but Create or Update finds the record by Match On [item 0]',
		],
		[
			{ fields: '_id surname' },
			newCustomer(),
			'Fields: Cannot query field "surname" on type "Customer". Did you mean "name"? [item 0]',
		],
	];
	for (const [parameters, data, message] of cases) {
		expect(
			errorOf(await runNode(env, { ...upsert, ...parameters }, { input: [data] })).message,
		).toBe(message);
	}
	expect(env.sim.counters().graphqlRequests).toBe(before);
});

test('with Continue On Fail, each item gets its record or its error, paired to it', async () => {
	const good = newCustomer();
	const input = [{ name: 'No key' }, good, newCustomer({ currency: '#NOPE' })];
	const items = outputOf(
		await runNode(env, { ...upsert, options: { batchSize: 10 } }, { input, continueOnFail: true }),
	);
	expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	expect(items[0].json).toEqual({
		error: 'Data holds no natural key to match on (id, number, code)',
	});
	expect(items[1].json).toMatchObject({ id: good.id, _operation: 'created' });
	expect(items[2].json.error).toBe(
		"Customer.currency: invalid reference '#NOPE': no Currency record has this natural key. (at xtremMasterData.customer.create)",
	);
});

test('without Continue On Fail, the error names the failed item and what was already written', async () => {
	const input = [newCustomer(), newCustomer({ currency: '#NOPE' }), newCustomer()];
	const error = errorOf(await runNode(env, { ...upsert, options: { batchSize: 1 } }, { input }));
	expect(error.message).toMatch(/^Customer.currency: invalid reference '#NOPE'.* \[item 1\]$/);
	expect(error.description).toContain(
		`Already created or updated by this execution, and not undone: 1 (item 0), _id ${String(stored(input[0].id)[0]._id)}.`,
	);
	expect(error.description).toContain('Not sent: item 2.');
	expect(stored(input[2].id)).toEqual([]);
});

/** A seed of the simulator's fault dice whose first draws reset exactly the requests marked true. */
function seedResetting(pattern: boolean[], rate: number): number {
	for (let seed = 1; ; seed++) {
		const dice = prng(seed);
		if (pattern.every((reset) => dice() < rate === reset)) return seed;
	}
}

test('a lost answer is not sent again: the created record is found by its natural key, the update stays unknown', async () => {
	const existing = newCustomer();
	await runNode(env, upsert, { input: [existing] });
	const record = newCustomer();
	const from = env.sim.graphqlLog().length;
	// Requests: the lookup, the write (its answer cut after Sage applied it), the verifying lookup.
	env.sim
		.faults()
		.set({ random: { seed: seedResetting([false, true, false], 0.5), rateReset: 0.5 } });
	const items = outputOf(
		await runNode(
			env,
			{ ...upsert, options: { batchSize: 2 } },
			{ input: [record, { ...existing, name: 'Lost' }], continueOnFail: true },
		),
	);
	env.sim.faults().clear();

	expect(dataRequests(env, from).map((request) => request.operationName)).toEqual([
		'SageErpUpsertLookup',
		'SageErpUpsert',
		'SageErpVerifyCreate',
	]);
	expect(items[0].json).toMatchObject({
		id: record.id,
		_operation: 'created',
		_recoveredAfterLostAnswer: true,
	});
	expect(items[1].json).toMatchObject({
		outcomeUnknown: true,
		error: expect.stringMatching(/^The answer to the GraphQL mutation was lost after it was sent/),
	});
	expect(stored(existing.id)[0].name).toBe('Lost');
});

describe.each([1, 10])('two executions racing on the same 50 keys (Batch Size %i)', (batchSize) => {
	test('give 50 records, each created once and updated once, and no failed item', async () => {
		const prefix = `R${batchSize}-`;
		const keys = Array.from(
			{ length: 50 },
			(_, index) => `${prefix}${String(index).padStart(3, '0')}`,
		);
		const run = (who: string) =>
			runNode(
				env,
				{ ...upsert, options: { batchSize } },
				{
					input: keys.map((id) => ({
						id,
						name: `${who} ${id}`,
						currency: '#EUR',
						email: `${id}@example.com`,
					})),
				},
			);
		const refusedBefore = env.sim.counters().mutationsRefused.create;
		env.sim.faults().set({ latencyMs: 15 });
		const [first, second] = await Promise.all([run('A'), run('B')]);
		env.sim.faults().clear();

		const outputs = [...outputOf(first), ...outputOf(second)];
		expect(outputs.filter((item) => item.json.error !== undefined)).toEqual([]);
		const created = outputs
			.filter((item) => item.json._operation === 'created')
			.map((item) => item.json.id);
		expect(created.sort()).toEqual(keys);
		expect(outputs.filter((item) => item.json._operation === 'updated')).toHaveLength(50);
		const records = env.sim
			.store()
			.list('xtremMasterData.customer')
			.filter((record) => String(record.id).startsWith(prefix));
		expect(records.map((record) => record.id).sort()).toEqual(keys);
		// The race did happen: both executions sent creates for the same keys, and Sage refused the later ones.
		expect(env.sim.counters().mutationsRefused.create - refusedBefore).toBeGreaterThan(0);
	});
});
