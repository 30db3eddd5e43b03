'use strict';
/**
 * Scenario 2: Get Many of every customer (50,000 at full size), at the server's page limit.
 * Two pairings, each on one Node.js:
 *   in-process (this machine's Node.js 20), warm: our node in the engine harness
 *      vs a raw undici loop over the same pages (token already held by both);
 *   real n8n 2.40.7 (`n8n execute`, Node.js 24), settled (a 3 s Wait first): our node after a
 *      small untimed read (token and schema held, as in a long-running n8n)
 *      vs n8n's HTTP Request node with its pagination feature (+ Split Out to one item per record;
 *      its token exchange is timed: users' workflows exchange one per execution)
 *      vs the raw undici loop on the same Node.js 24, warm.
 * Time: the node's executionTime from the run data (n8n's start-up is not counted) or the
 * loop's own clock. Memory: peak RSS and the heap's peak above its level before the read.
 */
const rn = require('../lib/real-n8n');
const wf = require('../lib/workflows');
const { runJsonChild } = require('../lib/child');
const { medianOfRuns, ratio } = require('../lib/stats');

const TENANT = 'getmany';
/** The simulator keeps the last 200 GraphQL requests of a tenant (test/simulator/state.ts). */
const GRAPHQL_LOG_SIZE = 200;

/** The harness's credential for one simulator tenant (the same as the n8n rows import). */
function credentialFor(sim, tenantId) {
	return wf.sageCredential(tenantId, sim, tenantId);
}

/** One in-process measurement (raw loop or harness) in its own process. */
async function inProcess(kind, nodeBin, { sim, tenantId, packageDir, pageSize, records, warm }) {
	if (kind === 'raw') {
		const c = sim.client(tenantId);
		return runJsonChild(nodeBin, 'raw-getmany.js', {
			tokenUrl: sim.tokenUrl,
			adminUrl: `${sim.baseUrl}/__admin`,
			clientId: c.clientId,
			clientSecret: c.clientSecret,
			tenantId: c.tenantId,
			pageSize,
			expected: records,
			warm,
		});
	}
	return runJsonChild(nodeBin, 'harness-getmany.js', {
		packageDir,
		adminUrl: `${sim.baseUrl}/__admin`,
		credential: credentialFor(sim, tenantId),
		pageSize,
		expected: records,
	});
}

/** Derived numbers of one measurement: records/s and memory per record. */
function derive(m) {
	return {
		ms: m.ms,
		recordsPerSecond: (m.records / m.ms) * 1000,
		requests: m.requests ?? null,
		maxRssMb: m.maxRssKb / 1024,
		peakHeapMb: m.peakHeapKb != null ? m.peakHeapKb / 1024 : null,
		heapBytesPerRecord:
			m.peakHeapKb != null ? ((m.peakHeapKb - m.heapBeforeKb) * 1024) / m.records : null,
		rssBytesPerRecord: m.baseRssKb != null ? ((m.maxRssKb - m.baseRssKb) * 1024) / m.records : null,
		records: m.records,
	};
}

async function run(ctx) {
	const { config, sim, packageDir, log, n8nNodeBin } = ctx;
	const c = config.getmany;
	const withN8n = !config.inProcessOnly;
	const result = { records: c.records, pageSize: c.pageSize, subjects: {}, latencies: {} };
	const subjects = {
		rawNode20: { label: 'raw undici loop (Node.js 20, warm)', runner: 'child process' },
		...(packageDir
			? {
					oursHarness: {
						label: 'Sage ERP node, in-process engine harness (Node.js 20, warm)',
						runner: 'n8n-core 2.11 WorkflowExecute',
					},
				}
			: {}),
		...(withN8n
			? { rawNode24: { label: 'raw undici loop (Node.js 24, warm)', runner: 'child process' } }
			: {}),
		...(withN8n && packageDir
			? {
					oursN8n: {
						label: 'Sage ERP node in real n8n (n8n execute, warm)',
						runner: `n8n ${rn.n8nVersion}`,
					},
				}
			: {}),
		...(withN8n
			? {
					httpN8n: {
						label:
							'HTTP Request node + pagination (token node included), + Split Out (n8n execute)',
						runner: `n8n ${rn.n8nVersion}`,
					},
				}
			: {}),
	};
	result.subjects = subjects;

	let instance = null;
	const workflows = {};
	if (withN8n) {
		const cred = wf.sageCredential('GetMany', sim, TENANT);
		workflows.httpN8n = wf.getManyHttp(sim, TENANT, c.pageSize);
		if (packageDir) workflows.oursN8n = wf.getManyOurs(cred, c.pageSize);
		workflows.baseline = {
			...wf.getManyHttp(sim, TENANT, c.pageSize),
			id: wf.id16('GetManyBaseline'),
			name: 'Benchmark: n8n execute baseline',
		};
		workflows.baseline.nodes = workflows.baseline.nodes.slice(0, 1);
		workflows.baseline.connections = {};
		log('getmany: preparing n8n');
		instance = await rn.prepareInstance({
			name: 'bench-getmany',
			packageDir: packageDir || undefined,
			credentials: packageDir ? [cred] : [],
			workflows: Object.values(workflows),
		});
	}

	/** Runs one subject once at the current latency; counts its GraphQL requests. */
	const measure = async (subject) => {
		const before = await sim.counters(TENANT);
		let m;
		if (subject === 'rawNode20')
			m = await inProcess('raw', process.execPath, {
				sim,
				tenantId: TENANT,
				pageSize: c.pageSize,
				records: c.records,
				warm: true,
			});
		else if (subject === 'oursHarness')
			m = await inProcess('harness', process.execPath, {
				sim,
				tenantId: TENANT,
				packageDir,
				pageSize: c.pageSize,
				records: c.records,
			});
		else if (subject === 'rawNode24')
			m = await inProcess('raw', n8nNodeBin, {
				sim,
				tenantId: TENANT,
				pageSize: c.pageSize,
				records: c.records,
				warm: true,
			});
		else {
			await sim.graphqlLog(TENANT, true);
			const exec = await rn.executeMeasured(instance, workflows[subject].id);
			const nodes =
				subject === 'oursN8n'
					? ['Sage ERP Get Many']
					: ['Get Token', 'HTTP Get Customers', 'Split Out Records'];
			const times = nodes.map((n) => rn.nodeRun(exec.run, n));
			const records = times[times.length - 1].items;
			if (records !== c.records)
				throw new Error(`${subject} gave ${records} items, expected ${c.records}`);
			m = {
				records,
				ms: times.reduce((a, t) => a + t.executionTime, 0),
				maxRssKb: exec.maxRssBeforeOutputKb ?? exec.maxRssKb,
				baseRssKb: result.n8nBaselineRssKb ?? null,
				httpOnlyMs:
					subject === 'httpN8n' ? times[0].executionTime + times[1].executionTime : undefined,
				commandMs: exec.ms,
			};
			// Requests of the measured read: from its first full page on (ours' untimed warm-up read comes before).
			const log = await sim.graphqlLog(TENANT);
			const first = log.findIndex((e) => e.variables && e.variables.first === c.pageSize);
			if (first >= 0 && log.length < GRAPHQL_LOG_SIZE) m.requests = log.length - first;
		}
		// In-process children count their measured read themselves (their warm-up is not part of it).
		if (m.requests === undefined)
			m.requests = (await sim.counters(TENANT)).graphqlRequests - before.graphqlRequests;
		return m;
	};

	try {
		if (instance) {
			// Peak RSS of an `n8n execute` that does nothing: the part of every n8n peak that is n8n itself.
			const base = [];
			for (let r = 0; r < Math.max(1, Math.min(2, config.runs)); r++)
				base.push((await rn.executeMeasured(instance, workflows.baseline.id)).maxRssBeforeOutputKb);
			result.n8nBaselineRssKb = Math.min(...base);
		}
		for (const latencyMs of config.latencies) {
			await sim.latency(TENANT, latencyMs);
			const runs = Object.fromEntries(Object.keys(subjects).map((s) => [s, []]));
			for (let r = 0; r < config.runs; r++) {
				const order = Object.keys(subjects);
				for (const subject of order.map((_, i) => order[(i + r) % order.length])) {
					const m = await measure(subject);
					runs[subject].push({
						...derive(m),
						...(m.httpOnlyMs !== undefined
							? { httpOnlyRecordsPerSecond: (m.records / m.httpOnlyMs) * 1000 }
							: {}),
					});
				}
			}
			const perSubject = Object.fromEntries(
				Object.entries(runs).map(([s, list]) => [s, { ...medianOfRuns(list), runs: list.length }]),
			);
			const ratios = {
				oursHarnessVsRaw: ratio(
					perSubject.oursHarness?.recordsPerSecond,
					perSubject.rawNode20?.recordsPerSecond,
				),
				oursN8nVsRaw: ratio(
					perSubject.oursN8n?.recordsPerSecond,
					perSubject.rawNode24?.recordsPerSecond,
				),
				oursN8nVsHttp: ratio(
					perSubject.oursN8n?.recordsPerSecond,
					perSubject.httpN8n?.recordsPerSecond,
				),
				httpN8nVsRaw: ratio(
					perSubject.httpN8n?.recordsPerSecond,
					perSubject.rawNode24?.recordsPerSecond,
				),
			};
			result.latencies[latencyMs] = { subjects: perSubject, ratios };
			log(
				`getmany @${latencyMs} ms: ${Object.entries(perSubject)
					.map(([s, v]) => `${s} ${Math.round(v.recordsPerSecond)} rec/s`)
					.join(', ')}`,
			);
		}
	} finally {
		rn.removeInstance(instance);
	}
	return result;
}

module.exports = { run, TENANT, inProcess, derive, credentialFor };
