'use strict';
/**
 * Scenario 3: creating sales orders from N input items in a real n8n (`n8n execute`):
 *   oursB1   Sage ERP create, batchSize 1   (one request per item)
 *   oursB50  Sage ERP create, batchSize 50  (50 aliased mutations per request)
 *   graphql  HTTP Request (token) → n8n's GraphQL node, one request per item
 *   rawB50   a plain undici loop sending the same 50-create requests (Node.js 24, token held):
 *            what the simulator itself can take, the ceiling of any batching client
 * A Code node generates the items (not timed). Time: executionTime of the create node
 * (the chain: its token node too). One-request-per-item subjects run one request after
 * another, so above `perItemLatencyBudgetMs` of injected latency they get fewer items: their
 * rate does not depend on the count, and the run stays bounded.
 */
const rn = require('../lib/real-n8n');
const { runJsonChild } = require('../lib/child');
const wf = require('../lib/workflows');
const { medianOfRuns, ratio } = require('../lib/stats');

const TENANT = 'creates';

/** Items for one-request-per-item subjects at a latency. */
function perItemCount(c, latencyMs) {
	return Math.min(c.records, Math.max(20, Math.ceil(c.perItemLatencyBudgetMs / (latencyMs + 2))));
}

async function run(ctx) {
	const { config, sim, packageDir, log } = ctx;
	const c = config.creates;
	if (config.inProcessOnly) return { skipped: 'real n8n parts skipped (--in-process-only)' };
	const subjects = {
		...(packageDir
			? {
					oursB1: { label: 'Sage ERP create, batchSize 1' },
					oursB50: { label: 'Sage ERP create, batchSize 50' },
				}
			: {}),
		graphql: {
			label: "n8n's GraphQL node, one request per item (token from an HTTP Request node)",
		},
		rawB50: { label: 'raw undici loop, 50 creates per request (server ceiling)' },
	};
	const cred = wf.sageCredential('Creates', sim, TENANT);
	const counts = {
		oursB50: () => c.records,
		rawB50: () => c.records,
		oursB1: (l) => perItemCount(c, l),
		graphql: (l) => perItemCount(c, l),
	};
	const workflows = {};
	const workflowFor = (subject, n) => {
		const key = `${subject}:${n}`;
		if (!workflows[key]) {
			let w;
			if (subject === 'graphql') w = wf.createsGraphql(sim, TENANT, n);
			else w = wf.createsOurs(cred, n, subject === 'oursB50' ? 50 : 1);
			w.id = wf.id16(`Cr${subject}${n}`);
			w.name = `${w.name} (${n})`;
			workflows[key] = w;
		}
		return workflows[key];
	};
	for (const l of config.latencies)
		for (const s of Object.keys(subjects)) if (s !== 'rawB50') workflowFor(s, counts[s](l));

	log('creates: preparing n8n');
	const instance = await rn.prepareInstance({
		name: 'bench-creates',
		packageDir: packageDir || undefined,
		credentials: packageDir ? [cred] : [],
		workflows: Object.values(workflows),
	});
	const result = {
		records: c.records,
		runner: `real n8n ${rn.n8nVersion} (n8n execute)`,
		subjects,
		latencies: {},
	};
	try {
		for (const latencyMs of config.latencies) {
			await sim.latency(TENANT, latencyMs);
			const runs = Object.fromEntries(Object.keys(subjects).map((s) => [s, []]));
			for (let r = 0; r < config.runs; r++) {
				const order = Object.keys(subjects);
				for (const subject of order.map((_, i) => order[(i + r) % order.length])) {
					const n = counts[subject](latencyMs);
					if (subject === 'rawB50') {
						const client = sim.client(TENANT);
						const m = await runJsonChild(ctx.n8nNodeBin, 'raw-creates.js', {
							tokenUrl: sim.tokenUrl,
							clientId: client.clientId,
							clientSecret: client.clientSecret,
							tenantId: client.tenantId,
							count: n,
							batchSize: 50,
						});
						runs[subject].push({
							items: n,
							ms: m.ms,
							createsPerSecond: (n / m.ms) * 1000,
							requests: m.requests,
							exchanges: 1,
						});
						continue;
					}
					const before = await sim.counters(TENANT);
					const exec = await rn.executeMeasured(instance, workflowFor(subject, n).id);
					const after = await sim.counters(TENANT);
					const nodes =
						subject === 'graphql' ? ['Get Token', 'GraphQL Create'] : ['Sage ERP Create'];
					const times = nodes.map((name) => rn.nodeRun(exec.run, name));
					const created = after.mutations.create - before.mutations.create;
					const items = times[times.length - 1].items;
					if (created !== n || items !== n)
						throw new Error(
							`${subject}: ${created} orders created and ${items} items out, expected ${n}`,
						);
					const ms = times.reduce((a, t) => a + t.executionTime, 0);
					runs[subject].push({
						items: n,
						ms,
						createsPerSecond: (n / ms) * 1000,
						requests: after.graphqlRequests - before.graphqlRequests,
						exchanges: after.exchanges - before.exchanges,
					});
				}
			}
			const perSubject = Object.fromEntries(
				Object.entries(runs).map(([s, list]) => [s, { ...medianOfRuns(list), runs: list.length }]),
			);
			const ratios = {
				oursB50VsGraphql: ratio(
					perSubject.oursB50?.createsPerSecond,
					perSubject.graphql?.createsPerSecond,
				),
				oursB1VsGraphql: ratio(
					perSubject.oursB1?.createsPerSecond,
					perSubject.graphql?.createsPerSecond,
				),
				oursB50VsB1: ratio(
					perSubject.oursB50?.createsPerSecond,
					perSubject.oursB1?.createsPerSecond,
				),
				oursB50VsRawB50: ratio(
					perSubject.oursB50?.createsPerSecond,
					perSubject.rawB50?.createsPerSecond,
				),
				graphqlVsRawB50: ratio(
					perSubject.graphql?.createsPerSecond,
					perSubject.rawB50?.createsPerSecond,
				),
			};
			result.latencies[latencyMs] = { subjects: perSubject, ratios };
			log(
				`creates @${latencyMs} ms: ${Object.entries(perSubject)
					.map(([s, v]) => `${s} ${Math.round(v.createsPerSecond)}/s (${v.items} items)`)
					.join(', ')}`,
			);
		}
	} finally {
		rn.removeInstance(instance);
	}
	return result;
}

module.exports = { run, TENANT, perItemCount };
