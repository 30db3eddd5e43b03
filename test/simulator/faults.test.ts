import { Simulator, startSimulator } from './index';
import { settlesAfter } from '../helpers/order';
import { exchange, http, postJson, session } from './test-helpers';

const CREATE = (id: string) =>
	`mutation { xtremMasterData { customer { create(data: {id: "${id}", name: "Fault ${id}", currency: "#EUR", email: "f@x.example"}) { _id } } } }`;
const PING = '{ xtremMasterData { currency { query(first: 1) { totalCount } } } }';

/** Sends and reads the whole answer; a broken connection becomes 'error'. */
async function attempt(
	url: string,
	token: string,
	query: string,
	timeoutMs = 60_000,
): Promise<{ status: number; text: string; headers: Headers } | 'error'> {
	try {
		const res = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
			body: JSON.stringify({ query }),
			signal: AbortSignal.timeout(timeoutMs),
		});
		return { status: res.status, text: await res.text(), headers: res.headers };
	} catch {
		return 'error';
	}
}

describe('faults', () => {
	let sim: Simulator;
	let token: string;
	beforeEach(async () => {
		sim = await startSimulator({ seed: { customers: 20, items: 5, salesOrders: 3 } });
		token = (await exchange(sim)).accessToken;
	});
	afterEach(async () => {
		await sim.stop();
	});
	const send = (query: string, timeoutMs?: number) =>
		attempt(sim.graphqlUrl(), token, query, timeoutMs);

	test('failNext: N answers with the status (and Retry-After) without executing', async () => {
		sim.faults().set({ failNext: { count: 2, status: 429, retryAfterSec: 3 } });
		for (let i = 0; i < 2; i++) {
			const r = await send(CREATE(`R${i}`));
			expect(r).not.toBe('error');
			if (r === 'error') return;
			expect(r.status).toBe(429);
			expect(r.headers.get('retry-after')).toBe('3');
			expect(JSON.parse(r.text).error).toBe('too_many_requests');
		}
		expect(sim.store().count('xtremMasterData.customer')).toBe(20); // nothing executed
		const ok = await send(CREATE('R9'));
		expect(ok !== 'error' && ok.status).toBe(200);
		sim.faults().set({ failNext: { count: 1, status: 503 } });
		const r503 = await send(PING);
		expect(r503 !== 'error' && [r503.status, r503.headers.get('retry-after')]).toEqual([503, null]);
		for (const status of [500, 502, 504] as const) {
			sim.faults().set({ failNext: { count: 1, status } });
			const r = await send(PING);
			expect(r !== 'error' && r.status).toBe(status);
		}
		const c = sim.counters();
		expect(c.faultsInjected).toEqual({ '429': 2, '503': 1, '500': 1, '502': 1, '504': 1 });
		expect(c.mutations.create).toBe(1);
		expect(c.graphqlRequests).toBe(7);
	});

	test('resetNext: the request IS executed, then the connection drops mid-response', async () => {
		sim.faults().set({ resetNext: 1 });
		const r = await send(CREATE('RESET1'));
		expect(r).toBe('error');
		// the client could not know, but the mutation was applied
		expect(
			sim
				.store()
				.list('xtremMasterData.customer')
				.some((c) => c.id === 'RESET1'),
		).toBe(true);
		expect(sim.counters().mutations.create).toBe(1);
		expect(sim.counters().faultsInjected.reset).toBe(1);
		const next = await send(PING);
		expect(next !== 'error' && next.status).toBe(200);
	});

	test('failAfterNext: a request refused for its token never ran, so it gets its 401; the next request that runs gets the gateway answer', async () => {
		const created = (id: string) =>
			sim
				.store()
				.list('xtremMasterData.customer')
				.some((c) => c.id === id);
		sim.revokeAllTokens();
		sim.faults().set({ failAfterNext: { count: 1, status: 502 } });
		const refused = await send(CREATE('GW1'));
		expect(refused !== 'error' && refused.status).toBe(401);
		expect(created('GW1')).toBe(false);
		expect(sim.counters().faultsInjected['502-after']).toBeUndefined();
		token = (await exchange(sim)).accessToken;
		const ran = await send(CREATE('GW1'));
		expect(ran !== 'error' && [ran.status, JSON.parse(ran.text).error]).toEqual([
			502,
			'bad_gateway',
		]);
		expect(created('GW1')).toBe(true);
		expect(sim.counters().faultsInjected['502-after']).toBe(1);
		const next = await send(PING);
		expect(next !== 'error' && next.status).toBe(200);
	});

	test('resetNext: status line, headers and part of the body arrive before the drop', async () => {
		sim.faults().set({ resetNext: 1 });
		const res = await fetch(sim.graphqlUrl(), {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
			body: JSON.stringify({ query: PING }),
		});
		expect(res.status).toBe(200);
		await expect(res.text()).rejects.toThrow();
	});

	test('hangNext: never answered (the client times out); the next request is normal; stop() still closes', async () => {
		sim.faults().set({ hangNext: 1 });
		expect(await send(PING, 300)).toBe('error');
		const ok = await send(PING);
		expect(ok !== 'error' && ok.status).toBe(200);
		expect(sim.counters().faultsInjected.hang).toBe(1);
		sim.faults().set({ hangNext: 1 });
		const pending = send(PING, 5000);
		await new Promise((r) => setTimeout(r, 50));
		await sim.stop(); // closes the hanging socket
		expect(await pending).toBe('error');
		sim = await startSimulator({ seed: { customers: 1, items: 1, salesOrders: 0 } }); // for afterEach
	});

	test('oversizeNext: 200 with a valid JSON body of exactly the given size, streamed', async () => {
		sim.faults().set({ oversizeNext: { count: 1, bytes: 3_000_000 } });
		const r = await send(PING, 10_000);
		expect(r).not.toBe('error');
		if (r === 'error') return;
		expect(r.status).toBe(200);
		expect(Buffer.byteLength(r.text)).toBe(3_000_000);
		expect(Object.keys(JSON.parse(r.text).data)).toEqual(['filler']);
		expect(r.headers.get('content-length')).toBeNull();
		expect(sim.counters().faultsInjected.oversize).toBe(1);
	});

	test('latencyMs delays every request in scope', async () => {
		sim.faults().set({ latencyMs: 120 });
		// Answered after a 110 ms timer started with the request (an order on the monotonic clock).
		await settlesAfter(send(PING), 110, 'a GraphQL request with 120 ms of latency');
		await exchange(sim); // token requests are out of the default 'graphql' scope
		expect(sim.counters().faultsInjected.latency).toBe(1);
		sim.faults().clear();
		expect(sim.faults().get()).toEqual({});
	});

	test("scope 'token' and 'all' put faults on the token API", async () => {
		sim.faults().set({ failNext: { count: 1, status: 503, retryAfterSec: 1 }, scope: 'token' });
		expect((await send(PING)) !== 'error').toBe(true);
		const r = await postJson(sim.tokenUrl, sim.client);
		expect(r.status).toBe(503);
		expect(r.headers.get('retry-after')).toBe('1');
		expect(sim.counters().exchanges).toBe(1); // only the beforeEach one: the faulted one did not execute
		sim.faults().set({ failNext: { count: 2, status: 502 }, scope: 'all' });
		expect((await postJson(sim.tokenUrl, sim.client)).status).toBe(502);
		const g = await send(PING);
		expect(g !== 'error' && g.status).toBe(502);
	});

	test('random: deterministic per seed, and counters tell what happened', async () => {
		const run = async (): Promise<string[]> => {
			sim.faults().set({
				random: { seed: 42, rate429: 0.2, rate503: 0.1, rateReset: 0.1, retryAfterSec: 2 },
			});
			const out: string[] = [];
			for (let i = 0; i < 60; i++) {
				const r = await send(PING);
				out.push(r === 'error' ? 'reset' : String(r.status));
			}
			return out;
		};
		sim.resetCounters();
		const a = await run();
		const counters = sim.counters();
		const b = await run();
		expect(b).toEqual(a);
		const tally = (s: string) => a.filter((x) => x === s).length;
		expect(counters.faultsInjected['429'] ?? 0).toBe(tally('429'));
		expect(counters.faultsInjected['503'] ?? 0).toBe(tally('503'));
		expect(counters.faultsInjected.reset ?? 0).toBe(tally('reset'));
		expect(tally('429')).toBeGreaterThan(3);
		expect(tally('200')).toBeGreaterThan(20);
	});

	test('faults are per tenant, and bad configurations are refused', async () => {
		sim.addTenant('quiet', { customers: 1, items: 1, salesOrders: 0 });
		sim.addClient({ clientId: 'q', clientSecret: 'quiet-secret-1', tenantId: 'quiet' });
		const q = await session(sim, {
			clientId: 'q',
			clientSecret: 'quiet-secret-1',
			tenantId: 'quiet',
		});
		sim.faults().set({ failNext: { count: 5, status: 503 } });
		expect((await q.gql(PING)).status).toBe(200);
		// token-scope faults follow the token's tenant on renewal
		sim.faults('quiet').set({ failNext: { count: 1, status: 503 }, scope: 'token' });
		const d = await exchange(sim);
		expect(
			(
				await http('POST', d.urls.refreshToken, {
					headers: { authorization: `Bearer ${d.refreshToken}` },
				})
			).status,
		).toBe(200);
		expect(
			(
				await http('POST', q.tokens.urls.refreshToken, {
					headers: { authorization: `Bearer ${q.tokens.refreshToken}` },
				})
			).status,
		).toBe(503);
		expect(sim.counters('quiet').faultsInjected).toEqual({ '503': 1 });
		expect(() => sim.faults().set({ failNext: { count: 1, status: 418 as 429 } })).toThrow(
			/status/,
		);
		expect(() => sim.faults().set({ latencyMs: -1 })).toThrow(/latencyMs/);
	});
});

describe('admin endpoint', () => {
	let sim: Simulator;
	beforeEach(async () => {
		sim = await startSimulator({ seed: { customers: 5, items: 2, salesOrders: 1 } });
	});
	afterEach(async () => {
		await sim.stop();
	});

	test('faults, counters, clock, revoke, token mode and reset over HTTP', async () => {
		const { gql, tokens } = await session(sim);
		expect(
			(
				await postJson(`${sim.baseUrl}/__admin/faults`, {
					failNext: { count: 1, status: 429, retryAfterSec: 1 },
				})
			).status,
		).toBe(200);
		expect((await gql(PING)).status).toBe(429);
		let counters = await http('GET', `${sim.baseUrl}/__admin/counters`);
		expect(counters.json).toMatchObject({
			exchanges: 1,
			graphqlRequests: 1,
			faultsInjected: { '429': 1 },
		});
		expect((await postJson(`${sim.baseUrl}/__admin/faults`, { clear: true })).json.faults).toEqual(
			{},
		);
		const clock = await postJson(`${sim.baseUrl}/__admin/clock`, { advanceMs: 16 * 60 * 1000 });
		expect(clock.json.now).toBeGreaterThan(Date.now() + 15 * 60 * 1000);
		expect((await gql(PING)).status).toBe(401); // expired by the clock jump
		await postJson(`${sim.baseUrl}/__admin/clock`, { advanceMs: -16 * 60 * 1000 });
		expect((await gql(PING)).status).toBe(200);
		expect((await postJson(`${sim.baseUrl}/__admin/revoke`, {})).json.revoked).toBe(2);
		expect(
			(
				await http('POST', tokens.urls.refreshToken, {
					headers: { authorization: `Bearer ${tokens.refreshToken}` },
				})
			).status,
		).toBe(401);
		expect((await postJson(`${sim.baseUrl}/__admin/token-mode`, { mode: 'html' })).status).toBe(
			200,
		);
		expect((await postJson(sim.tokenUrl, sim.client)).headers.get('content-type')).toMatch(/html/);
		expect((await postJson(`${sim.baseUrl}/__admin/reset`, {})).status).toBe(200);
		expect((await postJson(sim.tokenUrl, sim.client)).json.accessToken).toBeDefined();
		counters = await http('GET', `${sim.baseUrl}/__admin/counters?tenantId=${sim.client.tenantId}`);
		expect(counters.json.exchanges).toBe(1);
		expect(
			(await postJson(`${sim.baseUrl}/__admin/faults`, { tenantId: 'nope', latencyMs: 1 })).status,
		).toBe(404);
		expect((await postJson(`${sim.baseUrl}/__admin/faults`, { latencyMs: 'slow' })).status).toBe(
			400,
		);
		expect((await http('GET', `${sim.baseUrl}/nowhere`)).status).toBe(404);
	});
});
