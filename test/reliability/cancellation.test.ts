/**
 * A stopped execution leaves nothing behind: the request under way is aborted (its
 * connection closes at once), a Retry-After wait ends (its timer is cleared), nothing is
 * sent afterwards (no retry, no lookup), and no timer or socket stays open. The simulator
 * runs in this process, so its open connections are this package's connections.
 */
import type { IDataObject } from 'n8n-workflow';

import { settlesBefore } from '../helpers/order';
import { NODE_NAME, recordType, runNode, useNodeEnv, warmUp } from '../node/fixture';
import { secretGuard } from '../setup/secret-guard';

const env = useNodeEnv({ seed: { customers: 50, items: 5, salesOrders: 0 } });
const CUSTOMER = recordType('xtremMasterData.customer');

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

/** Timers that keep the process alive (unref'd ones, such as undici's clock, are not listed). */
const timers = () => process.getActiveResourcesInfo().filter((type) => type === 'Timeout').length;

/**
 * Back to at most the timers there were before: short-lived timers of the HTTP stack come
 * and go, a timer left behind (the 20 s Retry-After wait, the 60 s request timeout) stays
 * longer than this generous wait, which only a stalled process could exceed otherwise.
 */
async function noTimerLeft(before: number): Promise<void> {
	await until(
		() => timers() <= before,
		10_000,
		`the active timers to be back to ${before} (now ${timers()})`,
	);
}
const requests = () => env.sim.counters().graphqlRequests;

/** Idle keep-alive connections of earlier runs close on their own (4-5 s); start from none. */
async function noConnections(): Promise<void> {
	await until(
		() => env.sim.openConnections() === 0,
		30_000,
		'idle keep-alive connections to close',
	);
}

/**
 * Starts the run, stops it once `ready()` holds, and gives back what it ended with. The run
 * must end before a 10 s timer started at the stop: the waits it is stopped in (a hung answer,
 * a 20 s Retry-After) would outlast that, so the order says the stop ended it, with no clock read.
 */
async function stopWhen(
	parameters: Parameters<typeof runNode>[1],
	ready: () => boolean,
	input?: IDataObject[],
) {
	const controller = new AbortController();
	const run = runNode(env, parameters, { signal: controller.signal, input });
	await until(ready, 30_000, 'the request to be under way');
	controller.abort();
	return { result: await settlesBefore(run, 10_000, 'the stopped run') };
}

beforeAll(async () => await warmUp(env));
afterEach(() => env.sim.faults().clear());

test('stopped during a hung answer: the connection closes at once and nothing else is sent', async () => {
	await noConnections();
	const timersBefore = timers();
	const before = requests();
	env.sim.faults().set({ hangNext: 1 });
	const { result } = await stopWhen(
		{
			resource: 'record',
			operation: 'getMany',
			recordType: CUSTOMER,
			returnAll: true,
			fields: '_id',
		},
		() => env.sim.openConnections() === 1 && requests() === before + 1,
	);
	expect(result.error?.message).toMatch(/cancel/i);
	await until(() => env.sim.openConnections() === 0, 10_000, 'the aborted connection to close');
	await new Promise((resolve) => setTimeout(resolve, 1_500));
	expect(requests()).toBe(before + 1);
	await noTimerLeft(timersBefore);
});

test('stopped during a 20 s Retry-After wait: the wait ends, its timer is cleared, no retry is sent', async () => {
	await noConnections();
	const timersBefore = timers();
	const before = requests();
	env.sim.faults().set({ failNext: { count: 1, status: 429, retryAfterSec: 20 } });
	const throttled = () => env.sim.counters().faultsInjected['429'] ?? 0;
	const throttledBefore = throttled();
	let pollsSince429 = 0;
	const { result } = await stopWhen(
		{
			resource: 'record',
			operation: 'getMany',
			recordType: CUSTOMER,
			returnAll: true,
			fields: '_id',
		},
		// The 429 was answered 15 polls (150 ms or more) ago: the node is in its 20 s wait.
		() => {
			if (throttled() > throttledBefore) pollsSince429++;
			return pollsSince429 > 15;
		},
	);
	expect(result.error?.message).toMatch(/cancel/i);
	await until(() => timers() <= timersBefore, 10_000, 'the Retry-After timer to be cleared');
	await new Promise((resolve) => setTimeout(resolve, 1_500));
	expect(requests()).toBe(before + 1);
	// The connection that carried the 429 is an idle keep-alive one: it closes on its own.
	await noConnections();
	await noTimerLeft(timersBefore);
});

test('stopped while a create batch hangs: nothing is sent again and no lookup follows', async () => {
	await noConnections();
	const timersBefore = timers();
	const before = env.sim.counters();
	env.sim.faults().set({ hangNext: 1 });
	const input = Array.from({ length: 5 }, (_, index) => ({
		id: `STOP${index}`,
		name: `Stopped ${index}`,
		currency: '#EUR',
	}));
	const { result } = await stopWhen(
		{
			resource: 'record',
			operation: 'create',
			recordType: CUSTOMER,
			data: '={{ $json }}',
			fields: '_id',
			options: { batchSize: 5 },
		},
		() => env.sim.openConnections() === 1 && requests() === before.graphqlRequests + 1,
		input,
	);
	expect(result.error?.message).toMatch(/cancel/i);
	expect(result.runData[NODE_NAME]?.[0]?.data).toBeUndefined();
	await until(() => env.sim.openConnections() === 0, 10_000, 'the aborted connection to close');
	await new Promise((resolve) => setTimeout(resolve, 1_500));
	const after = env.sim.counters();
	expect(after.graphqlRequests).toBe(before.graphqlRequests + 1);
	expect(after.mutations).toEqual(before.mutations);
	await noTimerLeft(timersBefore);
});

test('stopped while the token endpoint hangs: the token request is aborted too (no other execution waits for it)', async () => {
	const client = {
		clientId: 'cancel-client',
		clientSecret: `cancel-secret-${Date.now()}`,
		tenantId: env.sim.defaultTenantId,
	};
	env.sim.addClient(client);
	secretGuard().registerSecret(client.clientSecret);
	env.engine.setCredential('sageErpApi', {
		tokenUrl: env.sim.tokenUrl,
		...client,
		requestFormat: 'json',
	});
	try {
		await noConnections();
		const timersBefore = timers();
		env.sim.tokenEndpointMode('hang');
		const { result } = await stopWhen(
			{ resource: 'record', operation: 'get', recordType: CUSTOMER, id: '1', fields: '_id' },
			() => env.sim.openConnections() === 1,
		);
		expect(result.error?.message).toMatch(/cancel/i);
		// Switching the credential invalidated the old tokens in the background: that connection is
		// idle keep-alive and closes within 5 s; a token request left hanging would stay until the
		// simulator stops (tokenEndpointMode 'hang' never answers).
		await until(
			() => env.sim.openConnections() === 0,
			20_000,
			'the aborted token request to close',
		);
		await noTimerLeft(timersBefore);
	} finally {
		env.sim.tokenEndpointMode('normal');
		env.engine.setCredential('sageErpApi', {
			tokenUrl: env.sim.tokenUrl,
			...env.sim.client,
			requestFormat: 'json',
		});
	}
});
