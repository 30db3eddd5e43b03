'use strict';
/**
 * The raw baseline of Get Many: a plain undici loop over the same pages our node reads (token
 * exchange, then `first: pageSize` pages following endCursor), keeping every record in memory
 * as the node's output does. Runs as its own process under the Node.js being compared with.
 *   node raw-getmany.js '<json: { tokenUrl, clientId, clientSecret, tenantId, pageSize, expected }>'
 * Prints one JSON line: { records, pages, ms, maxRssKb, baseRssKb, heapUsedAfter, heapUsedBefore, node }
 */
const { Agent, request } = require('undici');
const { CUSTOMER_PAGE_QUERY, customerConnection } = require('./queries');
const { heapSampler } = require('./memory');

async function exchange(args, agent) {
	const res = await request(args.tokenUrl, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({
			clientId: args.clientId,
			clientSecret: args.clientSecret,
			tenantId: args.tenantId,
		}),
		dispatcher: agent,
	});
	if (res.statusCode !== 200) throw new Error(`token exchange answered ${res.statusCode}`);
	return res.body.json();
}

/** GraphQL requests the simulator has received for the tenant so far (its admin endpoint). */
async function graphqlRequests(args, agent) {
	const res = await request(
		`${args.adminUrl}/counters?tenantId=${encodeURIComponent(args.tenantId)}`,
		{ dispatcher: agent },
	);
	return (await res.body.json()).graphqlRequests;
}

async function page(token, agent, first, after) {
	const res = await request(token.urls.graphQL, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: `Bearer ${token.accessToken}` },
		body: JSON.stringify({ query: CUSTOMER_PAGE_QUERY, variables: { first, after } }),
		dispatcher: agent,
	});
	const body = await res.body.json();
	if (res.statusCode !== 200 || body.errors)
		throw new Error(`HTTP ${res.statusCode} ${JSON.stringify(body.errors ?? '').slice(0, 300)}`);
	return customerConnection(body);
}

async function main() {
	const args = JSON.parse(process.argv[2]);
	const agent = new Agent({ connections: 4 });
	let token = null;
	if (args.warm) {
		token = await exchange(args, agent);
		await page(token, agent, 10, null);
	}
	const before = await graphqlRequests(args, agent);
	const memory = heapSampler();
	const t0 = performance.now();
	if (!token) token = await exchange(args, agent);
	const records = [];
	let after = null;
	let pages = 0;
	for (;;) {
		const connection = await page(token, agent, args.pageSize, after);
		pages++;
		for (const edge of connection.edges) records.push(edge.node);
		if (!connection.pageInfo.hasNextPage) break;
		after = connection.pageInfo.endCursor;
	}
	const ms = performance.now() - t0;
	const mem = memory.stop();
	const requests = (await graphqlRequests(args, agent)) - before;
	if (args.expected !== undefined && records.length !== args.expected)
		throw new Error(`read ${records.length} records, expected ${args.expected}`);
	await agent.close();
	process.stdout.write(
		`${JSON.stringify({ records: records.length, pages, requests, ms, warm: !!args.warm, node: process.version, ...mem })}\n`,
	);
}

main().catch((err) => {
	process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
	process.exit(1);
});
