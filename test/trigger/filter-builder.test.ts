/**
 * The trigger's version 2 takes the node's filter builder: the same conditions, compiled the
 * same way, checked before the first poll, combined with the trigger's own stamp condition.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { isIntrospection } from '../node/fixture';
import { poll, pollFailure, recordType, useTriggerEnv } from './fixture';

const CUSTOMER = 'xtremMasterData.customer';
const env = useTriggerEnv({ seed: { customers: 30 } });
const V2 = { typeVersion: 2 };

let serial = 0;
function insertCustomer(name: string, city: string): string {
	serial++;
	const record = env.sim.store().insert(CUSTOMER, {
		id: `TFB${String(serial).padStart(4, '0')}`,
		name,
		city,
		currency: '#EUR',
	});
	return String(record._id);
}

function watch(conditions: IDataObject[], extra: IDataObject = {}): INodeParameters {
	return {
		recordType: recordType(CUSTOMER),
		event: 'created',
		fields: '_id name city',
		filterType: 'manual',
		conditions: { condition: conditions },
		match: 'all',
		...extra,
	} as INodeParameters;
}

const dataRequests = (from: number) =>
	env.sim
		.graphqlLog()
		.slice(from)
		.filter((entry) => !isIntrospection(entry));

const brestMatches = [
	{ field: 'city', operator: 'equals', value: 'Brest' },
	{ field: 'name', operator: 'startsWith', value: 'Match' },
];

test('a poll emits only the new records that match the built conditions', async () => {
	const staticData: IDataObject = {};
	expect(await poll(env, watch(brestMatches), staticData, V2)).toEqual([]);
	const from = env.sim.graphqlLog().length;
	const a = insertCustomer('Match A', 'Brest');
	insertCustomer('Match B', 'Paris');
	insertCustomer('Other', 'Brest');
	const c = insertCustomer('Match C', 'Brest');

	const emitted = await poll(env, watch(brestMatches), staticData, V2);
	expect(emitted).toEqual([
		{ _id: a, name: 'Match A', city: 'Brest' },
		{ _id: c, name: 'Match C', city: 'Brest' },
	]);
	// The compiled filter inside the trigger's own condition on the stamp.
	const filters = dataRequests(from).map((entry) =>
		String((entry.variables as IDataObject).filter),
	);
	expect(filters[0]).toMatch(
		/^\{_and:\[\{ _and: \[\{ city: \{ _eq: 'Brest' \} \}, \{ name: \{ _regex: '\^Match' \} \}\] \},\{_createStamp:\{_gte:'[^']+'\}\}\]\}$/,
	);
	expect(await poll(env, watch(brestMatches), staticData, V2)).toEqual([]);
});

test('Any: a record matching one condition is emitted', async () => {
	const staticData: IDataObject = {};
	const conditions = [
		{ field: 'city', operator: 'equals', value: 'Quimper' },
		{ field: 'name', operator: 'equals', value: 'Any Two' },
	];
	await poll(env, watch(conditions, { match: 'any' }), staticData, V2);
	const one = insertCustomer('Any One', 'Quimper');
	const two = insertCustomer('Any Two', 'Rennes');
	insertCustomer('Any Three', 'Rennes');
	const emitted = await poll(env, watch(conditions, { match: 'any' }), staticData, V2);
	expect(emitted.map((record) => record._id)).toEqual([one, two]);
});

test('Fetch Test Event gives the latest matching record', async () => {
	const latest = insertCustomer('Match Latest', 'Brest');
	insertCustomer('Not Latest', 'Paris');
	const emitted = await poll(env, watch(brestMatches), {}, { ...V2, mode: 'manual' });
	expect(emitted.map((record) => record._id)).toEqual([latest]);
});

test('a condition that cannot be compiled fails before any data request, naming it', async () => {
	const from = env.sim.graphqlLog().length;
	const error = await pollFailure(
		env,
		watch([{ field: 'isActive', operator: 'equals', value: 'maybe' }]),
		{},
		V2,
	);
	expect(error.message).toBe(
		'Filter condition 1: Is Active Is Equal To: "maybe" is not true or false',
	);
	expect(error.description).toBe('Write true or false.');
	expect(dataRequests(from)).toEqual([]);
});

test('an unknown field fails before the first poll, with the closest names', async () => {
	const from = env.sim.graphqlLog().length;
	const error = await pollFailure(
		env,
		watch([{ field: 'citty', operator: 'equals', value: 'Brest' }]),
		{},
		V2,
	);
	expect(error.message).toBe(
		"Filter condition 1: Customer has no field 'citty'. Did you mean 'city'?",
	);
	expect(dataRequests(from)).toEqual([]);
});

test('Sage Syntax in version 2 is the text filter, checked against the schema before the first poll', async () => {
	const from = env.sim.graphqlLog().length;
	const error = await pollFailure(
		env,
		watch([], { filterType: 'sage', filter: "{citty:'Brest'}" }),
		{},
		V2,
	);
	expect(error.message).toContain("Unknown property 'citty'");
	expect(dataRequests(from)).toEqual([]);
});
