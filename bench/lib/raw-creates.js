'use strict';
/**
 * The server's ceiling for batched creates: a plain undici loop sending `batchSize` aliased
 * create mutations per request (as our node's batches do), one request after another, with a
 * token already held. Runs as its own process.
 *   node raw-creates.js '<json: { tokenUrl, clientId, clientSecret, tenantId, count, batchSize }>'
 * Prints one JSON line: { creates, requests, ms, node }
 */
const { Agent, request } = require('undici');
const { sampleOrder } = require('./queries');

function batchDocument(size) {
	const vars = Array.from({ length: size }, (_, i) => `$d${i}: SalesOrder_Input!`).join(', ');
	const fields = Array.from(
		{ length: size },
		(_, i) => `m${i}: create(data: $d${i}) { _id number }`,
	).join(' ');
	return `mutation CreateOrders(${vars}) { xtremSales { salesOrder { ${fields} } } }`;
}

async function main() {
	const args = JSON.parse(process.argv[2]);
	const agent = new Agent({ connections: 1 });
	const tokenRes = await request(args.tokenUrl, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({
			clientId: args.clientId,
			clientSecret: args.clientSecret,
			tenantId: args.tenantId,
		}),
		dispatcher: agent,
	});
	const token = await tokenRes.body.json();
	const headers = {
		'content-type': 'application/json',
		authorization: `Bearer ${token.accessToken}`,
	};
	const send = async (from, size) => {
		const variables = {};
		for (let i = 0; i < size; i++) variables[`d${i}`] = sampleOrder(from + i);
		const res = await request(token.urls.graphQL, {
			method: 'POST',
			headers,
			body: JSON.stringify({ query: batchDocument(size), variables }),
			dispatcher: agent,
		});
		const body = await res.body.json();
		if (res.statusCode !== 200 || body.errors)
			throw new Error(`HTTP ${res.statusCode} ${JSON.stringify(body.errors ?? '').slice(0, 300)}`);
		return Object.keys(body.data.xtremSales.salesOrder).length;
	};
	await send(0, 1); // warm-up, not counted
	let created = 0;
	let requests = 0;
	const t0 = performance.now();
	for (let from = 0; from < args.count; from += args.batchSize) {
		created += await send(from, Math.min(args.batchSize, args.count - from));
		requests++;
	}
	const ms = performance.now() - t0;
	await agent.close();
	if (created !== args.count) throw new Error(`created ${created}, expected ${args.count}`);
	process.stdout.write(
		`${JSON.stringify({ creates: created, requests, ms, node: process.version })}\n`,
	);
}

main().catch((err) => {
	process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
	process.exit(1);
});
