import v8 from 'node:v8';
import vm from 'node:vm';

import { SageClient } from '../../sage-client/client/client';
import type { SendPort, WireRequest } from '../../sage-client/transport/port';
import { TokenManager } from '../../sage-client/auth/tokens';
import { testTransport } from '../helpers/undici-port';
import { secretGuard } from '../setup/secret-guard';
import { ACCESS_PREFIX, REFRESH_PREFIX } from '../simulator/token-api';
import { credentialsOf, failureOf, managerOn, QUERY_CUSTOMERS, useSimulator } from './sim-fixture';

const ctx = useSimulator();

function clientFor(manager = managerOn(ctx.sim), group?: string) {
	return {
		manager,
		client: new SageClient(ctx.credentials, {
			transport: testTransport(),
			tokens: manager,
			credentialGroup: group,
		}),
	};
}

beforeEach(() => {
	ctx.sim.faults().clear();
	ctx.sim.resetCounters();
});

describe('the token lifecycle', () => {
	it('makes exactly one exchange when 50 callers arrive on a cold cache', async () => {
		const { client } = clientFor();
		const results = await Promise.all(
			Array.from({ length: 50 }, () =>
				client.execute({ query: QUERY_CUSTOMERS, isMutation: false }),
			),
		);
		expect(results.every((result) => result.errors.length === 0)).toBe(true);
		expect(ctx.sim.counters().exchanges).toBe(1);
		expect(ctx.sim.counters().renewals).toBe(0);
	});

	it('renews exactly once, with no failure, when 50 callers see a token inside its safety margin', async () => {
		const { client } = clientFor();
		await client.execute({ query: QUERY_CUSTOMERS, isMutation: false });
		ctx.sim.clock.advance(14.5 * 60_000); // 30 s left: inside the 60 s margin
		const results = await Promise.allSettled(
			Array.from({ length: 50 }, () =>
				client.execute({ query: QUERY_CUSTOMERS, isMutation: false }),
			),
		);
		expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
		expect(ctx.sim.counters()).toMatchObject({ exchanges: 1, renewals: 1, graphqlUnauthorized: 0 });
	});

	it('over two simulated hours of one call a minute makes 1 exchange and 8 to 10 renewals', async () => {
		const { client } = clientFor();
		for (let minute = 0; minute < 120; minute++) {
			const result = await client.execute({ query: QUERY_CUSTOMERS, isMutation: false });
			expect(result.errors).toEqual([]);
			ctx.sim.clock.advance(60_000);
		}
		const counters = ctx.sim.counters();
		expect(counters.exchanges).toBe(1);
		expect(counters.renewals).toBeGreaterThanOrEqual(8);
		expect(counters.renewals).toBeLessThanOrEqual(10);
		expect(counters.graphqlUnauthorized).toBe(0);
	});

	it('recovers with no failed call when every token is revoked mid-run', async () => {
		const { client } = clientFor();
		await client.execute({ query: QUERY_CUSTOMERS, isMutation: false });
		ctx.sim.revokeAllTokens();
		const results = await Promise.allSettled(
			Array.from({ length: 20 }, () =>
				client.execute({ query: QUERY_CUSTOMERS, isMutation: false }),
			),
		);
		expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
		// The revoked refresh token is refused, so recovery is one fresh exchange.
		expect(ctx.sim.counters().exchanges).toBe(2);
	});

	it('falls back to a full exchange when the refresh token was already used', async () => {
		const { client } = clientFor();
		await client.execute({ query: QUERY_CUSTOMERS, isMutation: false });
		const refreshToken = ctx.sim
			.issuedTokens()
			.filter((token) => token.startsWith(REFRESH_PREFIX))
			.pop()!;
		const stolen = await fetch(`${ctx.sim.baseUrl}/v1/token/renew`, {
			method: 'POST',
			headers: { authorization: `Bearer ${refreshToken}` },
		});
		expect(stolen.status).toBe(200);
		await stolen.text();
		ctx.sim.clock.advance(16 * 60_000);
		const result = await client.execute({ query: QUERY_CUSTOMERS, isMutation: false });
		expect(result.errors).toEqual([]);
		// The simulator counts successful renewals: only the stolen one succeeded; ours was refused.
		expect(ctx.sim.counters()).toMatchObject({ exchanges: 2, renewals: 1, renewalsRejected: 1 });
	});

	it.each([
		[400, false],
		[404, false],
		[405, false],
		[500, false],
		[502, false],
		[503, false],
		[504, false],
		[200, true],
		[404, true],
	] as const)(
		'falls back to one exchange, shared by every caller, when the renewal answers %i (a sign-in page: %s)',
		async (status, html) => {
			const { client } = clientFor();
			await client.execute({ query: QUERY_CUSTOMERS, isMutation: false });
			ctx.sim.clock.advance(16 * 60_000);
			ctx.sim.faults().set({ renewalFailNext: { count: 1, status, html } });
			const exchangesBefore = ctx.sim.counters().exchanges;
			const results = await Promise.all(
				Array.from({ length: 20 }, () =>
					client.execute({ query: QUERY_CUSTOMERS, isMutation: false }),
				),
			);
			expect(results.every((result) => result.errors.length === 0)).toBe(true);
			expect(ctx.sim.counters().faultsInjected[`renewal-${status}`]).toBe(1);
			expect(ctx.sim.counters().exchanges - exchangesBefore).toBe(1);
			expect(ctx.sim.counters().renewals).toBe(0);
		},
	);

	it('fails the call only when the exchange after a failed renewal fails too', async () => {
		const { client } = clientFor();
		await client.execute({ query: QUERY_CUSTOMERS, isMutation: false });
		ctx.sim.clock.advance(16 * 60_000);
		ctx.sim.faults().set({
			renewalFailNext: { count: 1, status: 500 },
			failNext: { count: 20, status: 500 },
			scope: 'token',
		});
		const error = await failureOf(() =>
			client.execute({ query: QUERY_CUSTOMERS, isMutation: false }),
		);
		expect(error.message).toMatch(
			/^Sage answered the token exchange with HTTP 500 after \d+ attempts\.$/,
		);
		expect(ctx.sim.counters().faultsInjected['renewal-500']).toBe(1);
	});

	it('uses new tokens after the secret is edited, and invalidates the old ones', async () => {
		const manager = managerOn(ctx.sim);
		const { client } = clientFor(manager, 'credential-42');
		await client.execute({ query: QUERY_CUSTOMERS, isMutation: false });
		const oldAccess = ctx.sim
			.issuedTokens()
			.filter((token) => token.startsWith(ACCESS_PREFIX))
			.pop()!;

		const rotated = `${ctx.credentials.clientSecret}-rotated`;
		ctx.sim.setClientSecret(ctx.credentials.clientId, rotated);
		const edited = new SageClient(credentialsOf(ctx.sim, { clientSecret: rotated }), {
			transport: testTransport(),
			tokens: manager,
			credentialGroup: 'credential-42',
		});
		const result = await edited.execute({ query: QUERY_CUSTOMERS, isMutation: false });
		expect(result.errors).toEqual([]);
		await manager.settled();

		expect(ctx.sim.counters()).toMatchObject({ exchanges: 2, invalidations: 1 });
		const replay = await fetch(ctx.sim.graphqlUrl(), {
			method: 'POST',
			headers: { authorization: `Bearer ${oldAccess}`, 'content-type': 'application/json' },
			body: JSON.stringify({ query: QUERY_CUSTOMERS }),
		});
		await replay.text();
		expect(replay.status).toBe(401);
		ctx.sim.setClientSecret(ctx.credentials.clientId, ctx.credentials.clientSecret);
	});

	it('invalidates live tokens when the cache is dropped', async () => {
		const { client, manager } = clientFor();
		await client.execute({ query: QUERY_CUSTOMERS, isMutation: false });
		await manager.invalidateAll();
		expect(ctx.sim.counters().invalidations).toBe(1);
	});

	it('never sends the tokens to an invalidation URL that is not https', async () => {
		const sent: WireRequest[] = [];
		const port: SendPort = async (request) => {
			sent.push(request);
			const body = JSON.stringify({
				accessToken: 'sage-access-over-http',
				refreshToken: 'sage-refresh-over-http',
				urls: {
					graphQL: 'https://sage.example/api',
					refreshToken: 'https://sage.example/v1/token/renew',
					invalidateToken: 'http://sage.example/v1/token',
				},
			});
			return { status: 200, headers: { 'content-type': 'application/json' }, body };
		};
		const manager = new TokenManager();
		await manager.getSession(
			{ ...ctx.credentials, tokenUrl: 'https://sage.example/v1/token' },
			{ transport: { send: port } },
		);
		await manager.invalidateAll();
		expect(sent.map((request) => `${request.method} ${request.url}`)).toEqual([
			'POST https://sage.example/v1/token',
		]);
	});

	it('keeps no entry for credentials whose exchange failed (each one the credential Test tried)', async () => {
		const manager = managerOn(ctx.sim);
		for (let attempt = 0; attempt < 30; attempt++) {
			const credentials = {
				...ctx.credentials,
				clientId: `tried-${attempt}`,
				clientSecret: `wrong-${attempt}`,
			};
			secretGuard().registerSecret(credentials.clientSecret);
			await expect(
				manager.getSession(credentials, { transport: testTransport() }),
			).rejects.toThrow();
		}
		expect(manager.size).toBe(0);
		await manager.getSession(ctx.credentials, { transport: testTransport() });
		expect(manager.size).toBe(1);
	});

	it('holds at most maxEntries credentials, invalidating the tokens of the least recently used', async () => {
		const manager = new TokenManager({ now: () => ctx.sim.clock.now(), maxEntries: 2 });
		const transport = testTransport();
		const tenants = ['cap-a', 'cap-b', 'cap-c'].map((tenantId) => {
			ctx.sim.addTenant(tenantId, { customers: 0, items: 0, salesOrders: 0 });
			const client = {
				clientId: `${tenantId}-client`,
				clientSecret: `${tenantId}-secret`,
				tenantId,
			};
			ctx.sim.addClient(client);
			secretGuard().registerSecret(client.clientSecret);
			return credentialsOf(ctx.sim, client);
		});
		for (const credentials of tenants) await manager.getSession(credentials, { transport });
		expect(manager.size).toBe(2);
		await manager.settled();
		expect(ctx.sim.counters('cap-a').invalidations).toBe(1);
		expect(ctx.sim.counters('cap-c').invalidations).toBe(0);
		await manager.invalidateAll();
	});

	it('does not keep an ended execution’s port alive', async () => {
		v8.setFlagsFromString('--expose-gc');
		const collect = vm.runInNewContext('gc') as () => void;
		const manager = managerOn(ctx.sim);
		let port: WeakRef<object> | undefined;
		await (async () => {
			const transport = testTransport();
			port = new WeakRef(transport);
			await manager.getSession(ctx.credentials, { transport });
		})();
		// Collected in later turns than any deref(): a WeakRef's target is kept to the end of the turn that read it.
		for (let round = 0; round < 5; round++) {
			await new Promise((resolve) => setImmediate(resolve));
			collect();
		}
		await new Promise((resolve) => setImmediate(resolve));
		expect(port!.deref()).toBeUndefined();
		expect(manager.size).toBe(1);
	});

	it('reports a clear error, without the secret, for a wrong secret', async () => {
		const wrong = new SageClient(
			credentialsOf(ctx.sim, { clientSecret: 'not-the-right-secret-123' }),
			{ transport: testTransport(), tokens: managerOn(ctx.sim) },
		);
		const error = await failureOf(() =>
			wrong.execute({ query: QUERY_CUSTOMERS, isMutation: false }),
		);
		expect(error.message).toBe('Sage refused the Client ID or Client Secret (HTTP 401).');
		expect(error.hint).toBe(
			'Check the Client ID and Client Secret of the Sage ERP API credential.',
		);
		expect(error.message).not.toContain('not-the-right-secret-123');
	});

	it('reports an unknown tenant clearly', async () => {
		const wrong = new SageClient(credentialsOf(ctx.sim, { tenantId: 'no-such-tenant' }), {
			transport: testTransport(),
			tokens: managerOn(ctx.sim),
		});
		const error = await failureOf(() =>
			wrong.execute({ query: QUERY_CUSTOMERS, isMutation: false }),
		);
		expect(error.message).toBe('Sage refused access to tenant "no-such-tenant" (HTTP 403).');
		expect(error.code).toBe('SAGE_AUTH');
	});

	it('speaks the OAuth2 client-credentials form too', async () => {
		const manager = managerOn(ctx.sim);
		const client = new SageClient(credentialsOf(ctx.sim, { requestFormat: 'oauth2' }), {
			transport: testTransport(),
			tokens: manager,
		});
		const result = await client.execute({ query: QUERY_CUSTOMERS, isMutation: false });
		expect(result.errors).toEqual([]);
		expect(ctx.sim.counters().exchanges).toBe(1);
	});

	it('refuses a plain http:// token URL on a non-loopback host before sending anything', async () => {
		const client = new SageClient(
			credentialsOf(ctx.sim, { tokenUrl: 'http://api.erp.example.com/v1/token' }),
			{ transport: testTransport(), tokens: managerOn(ctx.sim) },
		);
		const error = await failureOf(() =>
			client.execute({ query: QUERY_CUSTOMERS, isMutation: false }),
		);
		expect(error.code).toBe('SAGE_CONFIG');
		expect(error.message).toBe(
			'The Token URL uses plain http:// on a non-local host (api.erp.example.com); nothing was sent. Use https://.',
		);
		expect(ctx.sim.counters().exchanges).toBe(0);
	});

	it('accepts http:// on every loopback form', async () => {
		const port = new URL(ctx.sim.baseUrl).port;
		for (const host of ['localhost', '127.0.0.1']) {
			const client = new SageClient(
				credentialsOf(ctx.sim, { tokenUrl: `http://${host}:${port}/v1/token` }),
				{ transport: testTransport(), tokens: managerOn(ctx.sim) },
			);
			await expect(client.graphqlUrl()).resolves.toContain('/v1/fwd/');
		}
	});
});
