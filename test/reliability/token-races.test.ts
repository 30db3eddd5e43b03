/**
 * Found by the soak: a request that waits out a Retry-After keeps the token it was sent
 * with. When, meanwhile, another request renewed that token and the renewed one died too
 * (revoked, or expired by a clock jump), the 401 must lead to a real renewal, not to
 * "Sage refused a freshly renewed access token" with a token nobody renewed for it.
 */
import { SageClient } from '../../sage-client/client/client';
import { closeUndiciAgent, testTransport } from '../helpers/undici-port';
import { QUERY_CUSTOMERS, managerOn, useSimulator } from '../transport/sim-fixture';

const ctx = useSimulator();

afterEach(() => ctx.sim.faults().clear());

async function until(condition: () => boolean): Promise<void> {
	while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

test.each([
	['revoked', () => ctx.sim.revokeAllTokens()],
	['expired by a clock jump', () => ctx.sim.clock.advance(16 * 60_000)],
])(
	'a request held by a Retry-After whose token was renewed by another, and the renewed token then %s, renews again and succeeds',
	async (_, killTokens) => {
		const tokens = managerOn(ctx.sim);
		const slow = new SageClient(ctx.credentials, { transport: testTransport(), tokens });
		const other = new SageClient(ctx.credentials, { transport: testTransport(), tokens });
		await slow.execute({ query: QUERY_CUSTOMERS, isMutation: false });

		const sent = ctx.sim.counters().graphqlRequests;
		ctx.sim.faults().set({ failNext: { count: 1, status: 429, retryAfterSec: 1 } });
		const held = slow.execute({ query: QUERY_CUSTOMERS, isMutation: true });
		await until(() => ctx.sim.counters().graphqlRequests > sent); // sent with the first token, now waiting 1 s

		killTokens(); // the first token dies
		await other.execute({ query: QUERY_CUSTOMERS, isMutation: false }); // 401, renewed: the cache holds a second token
		killTokens(); // the second token dies too

		const result = await held;
		expect(result.errors).toEqual([]);
		expect(result.data).toMatchObject({
			xtremMasterData: { customer: { query: { edges: expect.any(Array) } } },
		});
	},
);

describe('a stopped execution and the shared token exchange', () => {
	afterEach(() => {
		ctx.sim.faults().clear();
		ctx.sim.tokenEndpointMode('normal');
	});

	test('a caller that is stopped stops waiting; the exchange goes on for a caller still waiting', async () => {
		const tokens = managerOn(ctx.sim);
		ctx.sim.faults().set({ scope: 'token', latencyMs: 400 });
		const controller = new AbortController();
		const stopped = tokens.getSession(ctx.credentials, {
			transport: testTransport(),
			group: 'shared',
			signal: controller.signal,
		});
		const waiting = tokens.getSession(ctx.credentials, {
			transport: testTransport(),
			group: 'shared',
		});
		const exchanges = ctx.sim.counters().exchanges;
		setTimeout(() => controller.abort(), 50);
		await expect(stopped).rejects.toMatchObject({ code: 'SAGE_ABORTED' });
		await expect(waiting).resolves.toMatchObject({ graphqlUrl: ctx.sim.graphqlUrl() });
		expect(ctx.sim.counters().exchanges).toBe(exchanges + 1);
	});

	test('when every caller is stopped, the exchange is aborted: its connection closes, and the next caller starts a new one', async () => {
		await closeUndiciAgent(); // no idle keep-alive connection: the only one open is the exchange's
		await until(() => ctx.sim.openConnections() === 0);
		const tokens = managerOn(ctx.sim);
		// The token endpoint never answers: only the abort can close the exchange's connection.
		ctx.sim.tokenEndpointMode('hang');
		const first = new AbortController();
		const second = new AbortController();
		const calls = [
			tokens.getSession(ctx.credentials, {
				transport: testTransport(),
				group: 'shared',
				signal: first.signal,
			}),
			tokens.getSession(ctx.credentials, {
				transport: testTransport(),
				group: 'shared',
				signal: second.signal,
			}),
		];
		await until(() => ctx.sim.openConnections() === 1);
		first.abort();
		second.abort();
		for (const call of calls) await expect(call).rejects.toMatchObject({ code: 'SAGE_ABORTED' });
		await until(() => ctx.sim.openConnections() === 0);
		ctx.sim.tokenEndpointMode('normal');
		await expect(
			tokens.getSession(ctx.credentials, { transport: testTransport(), group: 'shared' }),
		).resolves.toMatchObject({ graphqlUrl: ctx.sim.graphqlUrl() });
	});
});
