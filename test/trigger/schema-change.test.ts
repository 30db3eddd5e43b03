/**
 * Sage ships a release between two polls (the simulator's `releaseSchema`): the trigger's
 * query, built from the schema this process cached, names a field that is gone. Sage refuses
 * it; the trigger recovers the way the node's operations do (the session forgets the schema,
 * the query is built anew and sent again) within the same poll, so no change is missed or
 * reported as an error.
 */
import type { INodeParameters } from 'n8n-workflow';

import { isIntrospection } from '../node/fixture';
import { poll, recordType, useTriggerEnv } from './fixture';

const CUSTOMER = 'xtremMasterData.customer';
const env = useTriggerEnv();

test('a release renamed a field between two polls: the poll loads the schema again and emits the change', async () => {
	// Every scalar field (no Fields): the query names `phone` until the release renames it.
	const parameters = { recordType: recordType(CUSTOMER), event: 'created' } as INodeParameters;
	const staticData = {};
	expect(await poll(env, parameters, staticData)).toEqual([]);

	const created = env.sim.store().insert(CUSTOMER, {
		id: 'RELEASE01',
		name: 'Released Customer',
		currency: '#EUR',
		phone: '+33 1 23 45 67 89',
	});
	env.sim.releaseSchema({
		name: '2026.R1',
		renames: [{ recordType: CUSTOMER, from: 'phone', to: 'phoneNumber' }],
	});
	const from = env.sim.graphqlLog().length;
	const items = await poll(env, parameters, staticData);

	expect(items.map((item) => item._id)).toEqual([String(created._id)]);
	expect(items[0]).not.toHaveProperty('phone');
	expect(items[0].phoneNumber).toBe('+33 1 23 45 67 89');
	// The stale query, refused; the schema again; the rebuilt query.
	const sent = env.sim.graphqlLog().slice(from);
	const kinds = sent.map((entry) => (isIntrospection(entry) ? 'schema' : 'query'));
	expect(kinds).toEqual(['query', 'schema', 'query']);
	expect(String(sent[0].query)).toMatch(/\sphone\s/);
	expect(String(sent[2].query)).toMatch(/\sphoneNumber\s/);
	expect(String(sent[2].query)).not.toMatch(/\sphone\s/);
});
