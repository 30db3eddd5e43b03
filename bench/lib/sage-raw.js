'use strict';
/** Direct calls to the simulator with undici, for reference timings (one Sage round trip). */
const { request, Agent } = require('undici');
const { CREATE_ORDER_MUTATION, sampleOrder } = require('./queries');
const { median } = require('./stats');

async function exchangeToken(tokenUrl, client, dispatcher) {
	const res = await request(tokenUrl, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({
			clientId: client.clientId,
			clientSecret: client.clientSecret,
			tenantId: client.tenantId,
		}),
		dispatcher,
	});
	const body = await res.body.json();
	if (res.statusCode !== 200) throw new Error(`token exchange answered ${res.statusCode}`);
	return body;
}

/**
 * Median time of one create mutation sent straight to the simulator over a warm keep-alive
 * connection: what a single Sage round trip costs at the injected latency.
 */
async function createRoundTrip(tokenUrl, client, { samples = 10, warmup = 2 } = {}) {
	const agent = new Agent({ connections: 1 });
	try {
		const token = await exchangeToken(tokenUrl, client, agent);
		const times = [];
		for (let i = 0; i < warmup + samples; i++) {
			const t0 = performance.now();
			const res = await request(token.urls.graphQL, {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					authorization: `Bearer ${token.accessToken}`,
				},
				body: JSON.stringify({ query: CREATE_ORDER_MUTATION, variables: { data: sampleOrder(i) } }),
				dispatcher: agent,
			});
			const body = await res.body.json();
			if (res.statusCode !== 200 || body.errors)
				throw new Error(`create answered ${res.statusCode} ${JSON.stringify(body.errors ?? '')}`);
			if (i >= warmup) times.push(performance.now() - t0);
		}
		return median(times);
	} finally {
		await agent.close();
	}
}

module.exports = { exchangeToken, createRoundTrip };
