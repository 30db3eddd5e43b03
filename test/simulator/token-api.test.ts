import { ACCESS_PREFIX, REFRESH_PREFIX, Simulator, startSimulator } from './index';
import { exchange, gqlWith, http, postJson } from './test-helpers';

const PING = '{ xtremMasterData { currency { query(first: 1) { totalCount } } } }';

describe('token API', () => {
	let sim: Simulator;
	beforeEach(async () => {
		sim = await startSimulator({ seed: { customers: 10, items: 5, salesOrders: 3 } });
	});
	afterEach(async () => {
		await sim.stop();
	});

	test('JSON exchange returns both tokens, ISO expiries, tenant and every URL', async () => {
		const now = sim.clock.now();
		const t = await exchange(sim);
		expect(t.accessToken.startsWith(ACCESS_PREFIX)).toBe(true);
		expect(t.refreshToken.startsWith(REFRESH_PREFIX)).toBe(true);
		expect(t.tenantId).toBe(sim.client.tenantId);
		expect(Date.parse(t.accessTokenExpiresAt as string) - now).toBeGreaterThanOrEqual(899_000);
		expect(Date.parse(t.refreshTokenExpiresAt as string) - now).toBeGreaterThanOrEqual(3_599_000);
		expect(t.urls).toEqual({
			graphQL: sim.graphqlUrl(),
			refreshToken: `${sim.baseUrl}/v1/token/renew`,
			invalidateToken: `${sim.baseUrl}/v1/token`,
			websocketUrl: expect.stringMatching(/^ws:\/\//),
			asyncContextUploadUrl: expect.any(String),
			asyncContextErrorUrl: expect.any(String),
		});
		expect(sim.issuedTokens()).toEqual([t.accessToken, t.refreshToken]);
		expect(sim.counters().exchanges).toBe(1);
	});

	test('OAuth2 form exchange works too', async () => {
		const { clientId, clientSecret, tenantId } = sim.client;
		const body = new URLSearchParams({
			grant_type: 'client_credentials',
			client_id: clientId,
			client_secret: clientSecret,
			scope: `tenantid:${tenantId}`,
		});
		const r = await http('POST', sim.tokenUrl, {
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: body.toString(),
		});
		expect(r.status).toBe(200);
		expect(r.json.accessToken).toMatch(/^sdmo_at_/);
		const bad = new URLSearchParams({
			grant_type: 'password',
			client_id: clientId,
			client_secret: clientSecret,
			scope: `tenantid:${tenantId}`,
		});
		expect(
			(
				await http('POST', sim.tokenUrl, {
					headers: { 'content-type': 'application/x-www-form-urlencoded' },
					body: bad.toString(),
				})
			).status,
		).toBe(400);
	});

	test('refusals: 401 wrong secret or unknown client, 403 foreign tenant, 400 malformed; the secret is never echoed', async () => {
		const wrong = await postJson(sim.tokenUrl, {
			...sim.client,
			clientSecret: 'not-the-secret-123',
		});
		expect(wrong.status).toBe(401);
		expect(wrong.json).toEqual({ error: 'invalid_client', message: expect.any(String) });
		expect(wrong.text).not.toContain('not-the-secret-123');
		expect((await postJson(sim.tokenUrl, { ...sim.client, clientId: 'nobody' })).status).toBe(401);
		const foreign = await postJson(sim.tokenUrl, { ...sim.client, tenantId: 'no-such-tenant' });
		expect(foreign.status).toBe(403);
		expect(foreign.json.error).toBe('access_denied');
		sim.addTenant('other', { customers: 1, items: 1, salesOrders: 0 });
		expect((await postJson(sim.tokenUrl, { ...sim.client, tenantId: 'other' })).status).toBe(403);
		expect(
			(
				await http('POST', sim.tokenUrl, {
					headers: { 'content-type': 'application/json' },
					body: '{"clientId":',
				})
			).status,
		).toBe(400);
		expect((await postJson(sim.tokenUrl, { clientId: sim.client.clientId })).status).toBe(400);
		expect((await postJson(sim.tokenUrl, [1, 2])).status).toBe(400);
		expect(sim.counters().exchangesRejected).toBeGreaterThanOrEqual(4);
		expect(sim.counters().exchanges).toBe(0);
	});

	test('renewal rotates both tokens; the old refresh token is dead once used', async () => {
		const t = await exchange(sim);
		const r = await http('POST', t.urls.refreshToken, {
			headers: { authorization: `Bearer ${t.refreshToken}` },
		});
		expect(r.status).toBe(200);
		expect(r.json.accessToken).not.toBe(t.accessToken);
		expect(r.json.refreshToken).not.toBe(t.refreshToken);
		expect(r.json.urls.graphQL).toBe(sim.graphqlUrl());
		const again = await http('POST', t.urls.refreshToken, {
			headers: { authorization: `Bearer ${t.refreshToken}` },
		});
		expect(again.status).toBe(401);
		expect(
			(
				await http('POST', t.urls.refreshToken, {
					headers: { authorization: `Bearer ${t.accessToken}` },
				})
			).status,
		).toBe(401);
		expect(
			(
				await http('POST', t.urls.refreshToken, {
					headers: { authorization: 'Bearer sdmo_rt_unknown' },
				})
			).status,
		).toBe(401);
		expect((await http('POST', t.urls.refreshToken)).status).toBe(401);
		// the new access token works
		expect((await gqlWith(sim, r.json.accessToken)(PING)).status).toBe(200);
		const c = sim.counters();
		expect(c.renewals).toBe(1);
		expect(c.renewalsRejected).toBe(4);
	});

	test('two renewals racing on one refresh token: exactly one wins', async () => {
		const t = await exchange(sim);
		const results = await Promise.all(
			Array.from({ length: 5 }, () =>
				http('POST', t.urls.refreshToken, {
					headers: { authorization: `Bearer ${t.refreshToken}` },
				}),
			),
		);
		expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401, 401, 401]);
		expect(sim.counters().renewals).toBe(1);
	});

	test('expired tokens: access after 15 min, refresh after 1 h, on the simulated clock', async () => {
		const t = await exchange(sim);
		const gql = gqlWith(sim, t.accessToken);
		expect((await gql(PING)).status).toBe(200);
		sim.clock.advance(15 * 60 * 1000 + 1);
		const expired = await gql(PING);
		expect(expired.status).toBe(401);
		expect(expired.json.message).toMatch(/expired/);
		// the refresh token still renews
		const r = await http('POST', t.urls.refreshToken, {
			headers: { authorization: `Bearer ${t.refreshToken}` },
		});
		expect(r.status).toBe(200);
		sim.clock.advance(61 * 60 * 1000);
		expect(
			(
				await http('POST', t.urls.refreshToken, {
					headers: { authorization: `Bearer ${r.json.refreshToken}` },
				})
			).status,
		).toBe(401);
		expect((await gqlWith(sim, r.json.accessToken)(PING)).status).toBe(401);
		expect(sim.counters().graphqlUnauthorized).toBe(2);
	});

	test('invalidation of the access token alone, then of the refresh token alone', async () => {
		const t = await exchange(sim);
		const del = (header: string) =>
			http('DELETE', t.urls.invalidateToken, { headers: { 'x-tokens': header } });
		expect((await del(`accessToken=${t.accessToken}`)).status).toBe(204);
		expect((await gqlWith(sim, t.accessToken)(PING)).status).toBe(401);
		const r = await http('POST', t.urls.refreshToken, {
			headers: { authorization: `Bearer ${t.refreshToken}` },
		});
		expect(r.status).toBe(200); // the refresh token survived
		expect((await del(`refreshToken=${r.json.refreshToken}`)).status).toBe(204);
		expect((await gqlWith(sim, r.json.accessToken)(PING)).status).toBe(200); // the access token survived
		expect(
			(
				await http('POST', t.urls.refreshToken, {
					headers: { authorization: `Bearer ${r.json.refreshToken}` },
				})
			).status,
		).toBe(401);
		const both = await exchange(sim);
		expect(
			(await del(`accessToken=${both.accessToken};refreshToken=${both.refreshToken}`)).status,
		).toBe(204);
		expect((await gqlWith(sim, both.accessToken)(PING)).status).toBe(401);
		expect((await del('nothing')).status).toBe(400);
		expect(sim.counters().invalidations).toBe(4);
	});

	test('GraphQL 401: missing, unknown, revoked and other-tenant tokens', async () => {
		const t = await exchange(sim);
		expect((await postJson(sim.graphqlUrl(), { query: PING })).status).toBe(401);
		expect((await gqlWith(sim, 'sdmo_at_forged')(PING)).status).toBe(401);
		expect((await gqlWith(sim, t.refreshToken)(PING)).status).toBe(401);
		sim.addTenant('t2', { customers: 2, items: 2, salesOrders: 1 });
		sim.addClient({ clientId: 'c2', clientSecret: 'secret-two-xyz', tenantId: 't2' });
		const t2 = await exchange(sim, {
			clientId: 'c2',
			clientSecret: 'secret-two-xyz',
			tenantId: 't2',
		});
		expect(t2.urls.graphQL).toBe(sim.graphqlUrl('t2'));
		expect((await gqlWith(sim, t2.accessToken)(PING)).status).toBe(401); // t2's token at the default tenant
		expect((await gqlWith(sim, t2.accessToken, 't2')(PING)).status).toBe(200);
		sim.revokeAllTokens();
		const revoked = await gqlWith(sim, t.accessToken)(PING);
		expect(revoked.status).toBe(401);
		expect(revoked.json).toEqual({
			error: 'unauthorized',
			message: expect.stringMatching(/revoked/),
		});
		expect(
			(
				await http('POST', t.urls.refreshToken, {
					headers: { authorization: `Bearer ${t.refreshToken}` },
				})
			).status,
		).toBe(401);
		expect((await gqlWith(sim, t2.accessToken, 't2')(PING)).status).toBe(200); // other tenant untouched
		expect(sim.counters().graphqlUnauthorized).toBe(5);
		expect(sim.counters().graphqlRequests).toBe(5);
		expect(sim.counters('t2').graphqlRequests).toBe(2);
	});

	test('secret rotation in the app registry', async () => {
		sim.setClientSecret(sim.client.clientId, 'rotated-secret-456');
		expect((await postJson(sim.tokenUrl, sim.client)).status).toBe(401);
		expect(
			(await postJson(sim.tokenUrl, { ...sim.client, clientSecret: 'rotated-secret-456' })).status,
		).toBe(200);
	});

	test('token endpoint misbehaviour modes', async () => {
		sim.tokenEndpointMode('html');
		let r = await postJson(sim.tokenUrl, sim.client);
		expect(r.status).toBe(200);
		expect(r.headers.get('content-type')).toMatch(/text\/html/);
		sim.tokenEndpointMode('nonJson');
		r = await postJson(sim.tokenUrl, sim.client);
		expect(r.json).toBeUndefined();
		sim.tokenEndpointMode('noAccessToken');
		r = await postJson(sim.tokenUrl, sim.client);
		expect(r.json.accessToken).toBeUndefined();
		expect(r.json.refreshToken).toBeDefined();
		sim.tokenEndpointMode('noGraphqlUrl');
		r = await postJson(sim.tokenUrl, sim.client);
		expect(r.json.urls.graphQL).toBeUndefined();
		expect(r.json.urls.refreshToken).toBeDefined();
		sim.tokenEndpointMode('hang');
		await expect(
			fetch(sim.tokenUrl, {
				method: 'POST',
				body: JSON.stringify(sim.client),
				signal: AbortSignal.timeout(200),
			}),
		).rejects.toThrow();
		sim.tokenEndpointMode('normal');
		expect((await postJson(sim.tokenUrl, sim.client)).status).toBe(200);
	});
});

describe('token response variants', () => {
	test.each([
		[
			'epoch',
			(b: Record<string, unknown>) => {
				expect(typeof b.accessTokenExpiresAt).toBe('number');
				expect(b.refreshTokenExpiresAt as number).toBeGreaterThan(b.accessTokenExpiresAt as number);
				expect(b.accessTokenExpiresAt as number).toBeLessThan(1e11); // seconds, not ms
			},
		],
		[
			'expiresIn',
			(b: Record<string, unknown>) => {
				expect(b.expiresIn).toBe(60);
				expect(b.refreshExpiresIn).toBe(120);
				expect(b.accessTokenExpiresAt).toBeUndefined();
			},
		],
	] as const)('expiryStyle %s', async (style, check) => {
		const sim = await startSimulator({
			expiryStyle: style,
			accessTokenTtlSec: 60,
			refreshTokenTtlSec: 120,
			seed: { customers: 1, items: 1, salesOrders: 0 },
		});
		try {
			check(await exchange(sim));
		} finally {
			await sim.stop();
		}
	});

	test('graphQl key variant and custom TTLs', async () => {
		const sim = await startSimulator({
			graphqlUrlKey: 'graphQl',
			accessTokenTtlSec: 5,
			seed: { customers: 1, items: 1, salesOrders: 0 },
		});
		try {
			const t = await exchange(sim);
			expect(t.urls.graphQl).toBe(sim.graphqlUrl());
			expect(t.urls.graphQL).toBeUndefined();
			sim.clock.advance(5001);
			expect((await gqlWith(sim, t.accessToken)(PING)).status).toBe(401);
		} finally {
			await sim.stop();
		}
	});
});
