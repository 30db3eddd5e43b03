/**
 * Sage ships a release between two executions (the simulator's `releaseSchema`): a field
 * this process's cached schema still has is gone. Sage refuses the document before running
 * it; the node loads the schema again, once, and builds the document anew. When the user's
 * own Fields name the gone field, the error names it and the closest field that exists now.
 */
import {
	dataRequests,
	errorOf,
	isIntrospection,
	outputOf,
	recordType,
	runNode,
	useNodeEnv,
} from './fixture';

const env = useNodeEnv({ seed: { customers: 12, items: 3, salesOrders: 0 } });
const CUSTOMER = recordType('xtremMasterData.customer');
const getMany = { resource: 'record', operation: 'getMany', recordType: CUSTOMER, limit: 2 };
let release = 0;

/** A new release renaming the customer's `from` field (each test its own, on top of the last). */
const renames: Array<{ recordType: string; from: string; to: string }> = [];
function ship(from: string, to: string): void {
	renames.push({ recordType: 'xtremMasterData.customer', from, to });
	env.sim.releaseSchema({ name: `2026.R${++release}`, renames: [...renames] });
}

test('every-field Get Many after a release renamed a field: refused once, the schema loaded again, the rebuilt document answers', async () => {
	const first = outputOf(await runNode(env, getMany));
	expect(first[0].json).toHaveProperty('phone');
	ship('phone', 'phoneNumber');
	const from = env.sim.graphqlLog().length;
	const items = outputOf(await runNode(env, getMany));
	expect(items[0].json).not.toHaveProperty('phone');
	expect(items[0].json.phoneNumber).toBe(first[0].json.phone);
	const sent = env.sim.graphqlLog().slice(from);
	// The stale document, refused; the schema again; the rebuilt document.
	expect(sent.map((entry) => (isIntrospection(entry) ? 'schema' : entry.operationName))).toEqual([
		'SageErpGetMany',
		'schema',
		'SageErpGetMany',
	]);
	expect(String(sent[0].query)).toContain(' phone ');
	expect(String(sent[2].query)).toContain(' phoneNumber ');
	// The next execution uses the new schema straight away.
	const next = env.sim.graphqlLog().length;
	outputOf(await runNode(env, getMany));
	expect(
		env.sim
			.graphqlLog()
			.slice(next)
			.map((entry) => entry.operationName),
	).toEqual(['SageErpGetMany']);
});

test('Fields naming a field the release removed: the error names it and the closest field now', async () => {
	outputOf(await runNode(env, { ...getMany, fields: '_id city' }));
	ship('city', 'cityName');
	const from = env.sim.graphqlLog().length;
	const error = errorOf(await runNode(env, { ...getMany, fields: '_id city' }));
	expect(error.message).toBe(
		'Fields: Cannot query field "city" on type "Customer". The closest field of Customer is "cityName". [item 0]',
	);
	// Refused once by Sage, the schema loaded again, and nothing more sent.
	expect(dataRequests(env, from)).toHaveLength(1);
	expect(env.sim.graphqlLog().slice(from).filter(isIntrospection).length).toBeGreaterThanOrEqual(1);
});

test('a Get whose Fields name a renamed field: the closest field that exists now, by the words they share', async () => {
	outputOf(
		await runNode(env, {
			resource: 'record',
			operation: 'get',
			recordType: CUSTOMER,
			id: '1',
			fields: '_id creditLimit',
		}),
	);
	ship('creditLimit', 'maximumCreditAmount');
	const error = errorOf(
		await runNode(env, {
			resource: 'record',
			operation: 'get',
			recordType: CUSTOMER,
			id: '1',
			fields: '_id creditLimit',
		}),
	);
	expect(error.message).toBe(
		'Fields: Cannot query field "creditLimit" on type "Customer". The closest field of Customer is "maximumCreditAmount". [item 0]',
	);
});

test('a create whose cached document is refused after a release is built again and sent once: one record, not two', async () => {
	const create = {
		resource: 'record',
		operation: 'create',
		recordType: CUSTOMER,
		data: '={{ $json }}',
		fields: '_id id',
	};
	outputOf(
		await runNode(env, create, { input: [{ id: 'RELEASE1', name: 'Before', currency: '#EUR' }] }),
	);
	ship('paymentTermDays', 'paymentTermInDays');
	const before = env.sim.counters().mutations.create;
	const from = env.sim.graphqlLog().length;
	const items = outputOf(
		await runNode(
			env,
			{ ...create, fields: '' },
			{ input: [{ id: 'RELEASE2', name: 'After', currency: '#EUR', paymentTermInDays: 30 }] },
		),
	);
	expect(items[0].json).toMatchObject({ id: 'RELEASE2', paymentTermInDays: 30 });
	expect(env.sim.counters().mutations.create - before).toBe(1);
	expect(dataRequests(env, from).map((entry) => entry.operationName)).toEqual([
		'SageErpCreate',
		'SageErpCreate',
	]);
	expect(
		env.sim
			.store()
			.list('xtremMasterData.customer')
			.filter((record) => record.id === 'RELEASE2'),
	).toHaveLength(1);
});
