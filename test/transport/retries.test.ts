import v8 from 'node:v8';
import vm from 'node:vm';

import { SageClient } from '../../sage-client/client/client';
import { settlesAfter, settlesBefore } from '../helpers/order';
import { FAST_RETRIES, testTransport } from '../helpers/undici-port';
import { failureOf, managerOn, QUERY_CUSTOMERS, useSimulator } from './sim-fixture';

const ctx = useSimulator();

const CREATE_CURRENCY = `mutation($data: Currency_Input!) { xtremMasterData { currency { create(data: $data) { _id id } } } }`;
let sequence = 0;
function createCurrency(client: SageClient) {
	sequence++;
	return client.execute({
		query: CREATE_CURRENCY,
		variables: {
			data: {
				id: `T${String(sequence).padStart(2, '0')}`,
				name: `Test currency ${sequence}`,
				decimalDigits: 2,
			},
		},
		isMutation: true,
	});
}

let client: SageClient;
beforeEach(async () => {
	client = new SageClient(ctx.credentials, {
		transport: testTransport(),
		tokens: managerOn(ctx.sim),
	});
	await client.graphqlUrl(); // exchange first, so faults hit GraphQL requests only
	ctx.sim.faults().clear();
	ctx.sim.resetCounters();
});

describe('retry rules', () => {
	it('waits for Retry-After on 429 and then succeeds', async () => {
		ctx.sim.faults().set({ failNext: { count: 2, status: 429, retryAfterSec: 0.2 } });
		// Two waits of 0.2 s: the answer comes after a 380 ms timer started with the call.
		const result = await settlesAfter(
			client.execute({ query: QUERY_CUSTOMERS, isMutation: false }),
			380,
			'two Retry-After waits of 0.2 s',
		);
		expect(result.errors).toEqual([]);
		expect(ctx.sim.counters().graphqlRequests).toBe(3);
	});

	it('retries a query on 503, 502 and 504', async () => {
		for (const status of [503, 502, 504] as const) {
			ctx.sim.faults().set({ failNext: { count: 2, status } });
			const result = await client.execute({ query: QUERY_CUSTOMERS, isMutation: false });
			expect(result.errors).toEqual([]);
		}
	});

	it('retries a query whose response was cut midway', async () => {
		ctx.sim.faults().set({ resetNext: 1 });
		const result = await client.execute({ query: QUERY_CUSTOMERS, isMutation: false });
		expect(result.errors).toEqual([]);
		expect(ctx.sim.counters().graphqlRequests).toBe(2);
	});

	it('gives up after a bounded number of attempts with a clear error', async () => {
		ctx.sim.faults().set({ failNext: { count: 100, status: 502 } });
		const error = await failureOf(() =>
			client.execute({ query: QUERY_CUSTOMERS, isMutation: false }),
		);
		expect(error.code).toBe('SAGE_NETWORK');
		expect(error.message).toBe(
			`Sage answered HTTP 502 after ${FAST_RETRIES.maxAttempts} attempt(s).`,
		);
		expect(ctx.sim.counters().graphqlRequests).toBe(FAST_RETRIES.maxAttempts);
	});

	it('fails fast when Retry-After is longer than the cap', async () => {
		ctx.sim.faults().set({ failNext: { count: 1, status: 429, retryAfterSec: 3600 } });
		const error = await failureOf(() =>
			client.execute({ query: QUERY_CUSTOMERS, isMutation: false }),
		);
		expect(error.code).toBe('SAGE_THROTTLED');
		expect(error.message).toBe('Sage asked to wait 3600 s before the GraphQL query (HTTP 429).');
	});

	it('reads Retry-After only as decimal seconds or an HTTP date: "0x10" is no 16 s wait', async () => {
		// A 5 s cap: a header read as 16 s would fail the call at once instead of backing off.
		const capped = new SageClient(ctx.credentials, {
			transport: testTransport({ ...FAST_RETRIES, maxRetryAfterMs: 5_000 }),
			tokens: managerOn(ctx.sim),
		});
		await capped.graphqlUrl();
		for (const retryAfter of ['0x10', '1e3', '-5']) {
			ctx.sim.faults().set({ failNext: { count: 1, status: 429, retryAfter } });
			const result = await capped.execute({ query: QUERY_CUSTOMERS, isMutation: false });
			expect(result.errors).toEqual([]);
		}
		ctx.sim.faults().set({ failNext: { count: 1, status: 429, retryAfter: '16' } });
		const error = await failureOf(() =>
			capped.execute({ query: QUERY_CUSTOMERS, isMutation: false }),
		);
		expect(error.message).toBe('Sage asked to wait 16 s before the GraphQL query (HTTP 429).');
	});

	it('retries a mutation on 429, and it is applied exactly once', async () => {
		ctx.sim.faults().set({ failNext: { count: 1, status: 429, retryAfterSec: 0 } });
		const result = await createCurrency(client);
		expect(result.errors).toEqual([]);
		expect(ctx.sim.counters().mutations.create).toBe(1);
	});

	it('never retries a mutation on 503, and says Sage did not run it', async () => {
		ctx.sim.faults().set({ failNext: { count: 1, status: 503 } });
		const error = await failureOf(() => createCurrency(client));
		expect(error.message).toBe('Sage answered HTTP 503 after 1 attempt(s).');
		expect(error.hint).toBe(
			'Sage was unavailable and did not run the request; run it again later.',
		);
		expect(ctx.sim.counters().graphqlRequests).toBe(1);
		expect(ctx.sim.counters().mutations.create).toBe(0);
	});

	it.each([500, 502, 504] as const)(
		'a mutation answered %i by a gateway after Sage ran it is an unknown outcome, never "try again later"',
		async (status) => {
			ctx.sim.faults().set({ failAfterNext: { count: 1, status } });
			const error = await failureOf(() => createCurrency(client));
			expect(error.code).toBe('SAGE_OUTCOME_UNKNOWN');
			expect(error.message).toBe(
				`The answer to the GraphQL mutation was lost after it was sent: HTTP ${status} instead of Sage's answer. Sage may or may not have applied it, so it was not sent again.`,
			);
			expect(error.hint).toBe(
				'Check in Sage whether the record exists before running this item again.',
			);
			expect(ctx.sim.counters().mutations.create).toBe(1);
			expect(ctx.sim.counters().graphqlRequests).toBe(1);
		},
	);

	it('never retries a mutation whose response was lost midway, and says so', async () => {
		ctx.sim.faults().set({ resetNext: 1 });
		const error = await failureOf(() => createCurrency(client));
		expect(error.code).toBe('SAGE_OUTCOME_UNKNOWN');
		expect(error.message).toMatch(
			/^The answer to the GraphQL mutation was lost after it was sent: the connection failed \(.+\)\. Sage may or may not have applied it, so it was not sent again\.$/,
		);
		// The simulator applied it before cutting the answer: one create, one request, no duplicate.
		expect(ctx.sim.counters().mutations.create).toBe(1);
		expect(ctx.sim.counters().graphqlRequests).toBe(1);
	});

	it('ends a hung response at the configured timeout', async () => {
		// A hung answer never comes: only the timeout can end this call.
		ctx.sim.faults().set({ hangNext: 1 });
		const error = await failureOf(() =>
			client.execute({ query: QUERY_CUSTOMERS, isMutation: false, timeoutMs: 300 }),
		);
		expect(error.code).toBe('SAGE_TIMEOUT');
		expect(error.message).toBe('Sage gave no complete answer to the GraphQL query within 300 ms.');
	});

	it('refuses an oversized response without reading it all', async () => {
		ctx.sim.faults().set({ oversizeNext: { count: 1, bytes: 3 * 1024 * 1024 } });
		const small = new SageClient(ctx.credentials, {
			transport: testTransport(),
			tokens: managerOn(ctx.sim),
			maxResponseBytes: 1024 * 1024,
		});
		const error = await failureOf(() =>
			small.execute({ query: QUERY_CUSTOMERS, isMutation: false }),
		);
		expect(error.code).toBe('SAGE_RESPONSE');
		expect(error.message).toBe(
			'The answer to the GraphQL query is larger than 1 MiB; it was not read.',
		);
	});

	it('stops waiting at once when the execution is cancelled', async () => {
		ctx.sim.faults().set({ failNext: { count: 1, status: 429, retryAfterSec: 20 } });
		const controller = new AbortController();
		const call = failureOf(() =>
			client.execute({ query: QUERY_CUSTOMERS, isMutation: false, signal: controller.signal }),
		);
		// Stopped once the 429 is answered (a count, not a delay): the client is then in its 20 s wait.
		while ((ctx.sim.counters().faultsInjected['429'] ?? 0) === 0)
			await new Promise((resolve) => setTimeout(resolve, 10));
		controller.abort();
		// Ends before a 10 s timer started at the stop: the 20 s wait it was in would lose by 10 s.
		const error = await settlesBefore(call, 10_000, 'the call stopped during a 20 s Retry-After');
		expect(error.code).toBe('SAGE_ABORTED');
		expect(ctx.sim.counters().graphqlRequests).toBe(1);
	});

	it('ends a Retry-After wait of a call with a signal even when the garbage collector runs during it', async () => {
		// Node.js 20 let the collector take an AbortSignal.any() signal with its listener: such a
		// wait never ended, and the soak hung under load. Collect during the waits, as load does.
		v8.setFlagsFromString('--expose-gc');
		const collect = vm.runInNewContext('gc') as () => void;
		ctx.sim.faults().set({ failNext: { count: 8, status: 429, retryAfterSec: 0.3 } });
		const controller = new AbortController();
		const calls = Promise.all(
			Array.from({ length: 8 }, () =>
				client.execute({ query: QUERY_CUSTOMERS, isMutation: false, signal: controller.signal }),
			),
		);
		while ((ctx.sim.counters().faultsInjected['429'] ?? 0) < 8)
			await new Promise((resolve) => setTimeout(resolve, 10));
		for (let i = 0; i < 5; i++) collect();
		// The waits are 0.3 s: ended long before a 20 s timer started with them, or never.
		const results = await settlesBefore(calls, 20_000, 'eight calls in a 0.3 s Retry-After wait');
		expect(results.map((result) => result.errors)).toEqual(Array.from({ length: 8 }, () => []));
		expect(ctx.sim.counters().graphqlRequests).toBe(16);
	});
});
