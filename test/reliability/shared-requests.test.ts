/**
 * Requests that one n8n process shares between executions (the schema fetch, the token
 * renewal) keep working for everyone when one execution is stopped or one answer is lost.
 */
import {
	dataRequests,
	isIntrospection,
	outputOf,
	recordType,
	runNode,
	useNodeEnv,
} from '../node/fixture';

const env = useNodeEnv({ seed: { customers: 20 } });
const CUSTOMER = recordType('xtremMasterData.customer');
const get = {
	resource: 'record',
	operation: 'get',
	recordType: CUSTOMER,
	id: '1',
	fields: '_id name',
};

/**
 * Polls `condition` every 10 ms, at most `withinMs / 10` times: a count of polls, not a
 * deadline, so a loaded machine (slower polls) gets more time, never a spurious failure.
 */
async function until(condition: () => boolean, withinMs: number, what: string): Promise<void> {
	for (let polls = Math.ceil(withinMs / 10); !condition(); polls--) {
		if (polls === 0)
			throw new Error(`Polled ${Math.ceil(withinMs / 10)} times (every 10 ms) for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

afterEach(() => env.sim.faults().clear());

test('a stopped execution does not cancel the schema fetch another execution waits for', async () => {
	env.sim.clearGraphqlLog();
	env.sim.faults().set({ scope: 'graphql', latencyMs: 1_000 });
	const stopper = new AbortController();
	const stopped = runNode(env, get, { signal: stopper.signal });
	await until(
		() => env.sim.graphqlLog().some(isIntrospection),
		10_000,
		'the schema request to arrive',
	);
	const waiting = runNode(env, get);
	await new Promise((resolve) => setTimeout(resolve, 100));
	stopper.abort();
	expect((await stopped).raw.status).toBe('canceled');
	expect(outputOf(await waiting).map((item) => item.json._id)).toEqual(['1']);
	expect(env.sim.graphqlLog().filter(isIntrospection)).toHaveLength(1);
});

test('a renewal whose answer is lost falls back to an exchange, and the create goes on once', async () => {
	outputOf(await runNode(env, get)); // token and schema cached
	const warm = { id: 'LOSTRENEWAL0', name: 'Warm Ltd', currency: '#EUR' };
	outputOf(
		await runNode(env, {
			resource: 'record',
			operation: 'create',
			recordType: CUSTOMER,
			data: JSON.stringify(warm),
			fields: '_id id',
		}),
	); // and the create's types
	env.sim.resetCounters();
	const from = env.sim.graphqlLog().length;
	// Sage's clock passes the access token's life: the next request gets a 401, and the renewal's answer is lost.
	env.sim.clock.advance(16 * 60_000);
	env.sim.faults().set({ scope: 'token', resetNext: 1 });
	const data = { id: 'LOSTRENEWAL1', name: 'Lost renewal Ltd', currency: '#EUR' };
	const items = outputOf(
		await runNode(env, {
			resource: 'record',
			operation: 'create',
			recordType: CUSTOMER,
			data: JSON.stringify(data),
			fields: '_id id',
		}),
	);
	expect(items.map((item) => item.json.id)).toEqual(['LOSTRENEWAL1']);
	expect(
		env.sim
			.store()
			.list('xtremMasterData.customer')
			.filter((record) => record.id === 'LOSTRENEWAL1'),
	).toHaveLength(1);
	expect(env.sim.counters()).toMatchObject({ renewals: 1, exchanges: 1 });
	// The create went out twice only because the first was refused with 401 (not run); no lookup was made.
	expect(
		dataRequests(env, from).map((entry) =>
			String(entry.query).includes('mutation') ? 'mutation' : 'query',
		),
	).toEqual(['mutation', 'mutation']);
});
