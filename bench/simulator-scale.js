#!/usr/bin/env node
'use strict';
/**
 * `node bench/simulator-scale.js`: how fast the Sage ERP simulator seeds and pages a
 * 100,000-customer tenant, against its targets. These were wall-clock assertions in
 * test/simulator/scale.test.ts, which failed by chance on a loaded machine; the test now
 * checks counts (one table scan for 41 pages), and the speed is measured here.
 * Options: --customers N (default 100000)  --pages N (default 40)
 */
const { startSimulator } = require('../scripts/lib/simulator');

const TARGETS = { seedMs: 5000, firstPageMs: 3000, pageMs: 40 };

function option(name, fallback) {
	const i = process.argv.indexOf(`--${name}`);
	const value = i > 0 ? Number(process.argv[i + 1]) : fallback;
	if (!Number.isInteger(value) || value < 1)
		throw new Error(`--${name} needs a whole number, got ${process.argv[i + 1]}`);
	return value;
}

async function graphql(sim, token, query, variables) {
	const res = await fetch(sim.graphqlUrl(), {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
		body: JSON.stringify({ query, variables }),
	});
	const body = await res.json();
	if (body.errors)
		throw new Error(`the simulator answered errors: ${JSON.stringify(body.errors).slice(0, 300)}`);
	return body.data.xtremMasterData.customer.query;
}

async function main() {
	const customers = option('customers', 100_000);
	const pages = option('pages', 40);
	let t = Date.now();
	const sim = await startSimulator({ seed: { customers, items: 200, salesOrders: 500 } });
	const seedMs = Date.now() - t;
	try {
		const exchange = await fetch(sim.tokenUrl, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(sim.client),
		});
		const { accessToken } = await exchange.json();
		const query = `query($after: String) { xtremMasterData { customer { query(first: 100, filter: "{isActive:true}", orderBy: "{name:+1, creditLimit:-1}", after: $after) { totalCount pageInfo { endCursor hasNextPage } edges { node { _id id name creditLimit } } } } } }`;
		t = Date.now();
		let page = await graphql(sim, accessToken, query, { after: null });
		const firstPageMs = Date.now() - t;
		t = Date.now();
		for (let i = 0; i < pages; i++)
			page = await graphql(sim, accessToken, query, { after: page.pageInfo.endCursor });
		const pageMs = (Date.now() - t) / pages;
		const rows = [
			['seed', `${customers} customers`, seedMs, TARGETS.seedMs],
			['first page', 'filters and sorts the table once', firstPageMs, TARGETS.firstPageMs],
			['each next page', `mean of ${pages}, from the cached order`, pageMs, TARGETS.pageMs],
		];
		for (const [what, detail, ms, target] of rows) {
			process.stdout.write(
				`${ms <= target ? 'PASS' : 'MISS'}  ${what.padEnd(15)} ${ms.toFixed(1).padStart(8)} ms  (target ≤ ${target} ms; ${detail})\n`,
			);
		}
		process.stdout.write(
			`load average ${require('os')
				.loadavg()
				.map((l) => l.toFixed(2))
				.join(' ')} on ${require('os').cpus().length} cores\n`,
		);
	} finally {
		await sim.stop();
	}
}

main().catch((err) => {
	process.stderr.write(`${err.stack}\n`);
	process.exit(1);
});
