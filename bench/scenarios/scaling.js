'use strict';
/**
 * Scenario 4: cost as the work grows. Get Many of 1k, 10k and 100k customers with our node in
 * the in-process engine harness (Node.js 20, warm, one process per measurement), and the raw
 * undici loop as a reference: time per record and memory per record (the heap's peak above
 * its level before the read, and the peak RSS above the RSS before it) should stay flat.
 * Our node also runs against the realistic schema (a second simulator, `schemaScale: 'real'`):
 * a real tenant's size must not change what a record costs.
 */
const { inProcess, derive } = require('./getmany');
const { startSimProcess } = require('../lib/sim');
const { medianOfRuns, ratio } = require('../lib/stats');

const tenantFor = (records) => `scale-${records}`;

async function run(ctx) {
	const { config, packageDir } = ctx;
	const c = config.scaling;
	const subjects = {
		...(packageDir
			? {
					oursHarness: { label: 'Sage ERP node, in-process engine harness (Node.js 20, warm)' },
					oursHarnessRealSchema: {
						label: 'Sage ERP node, harness, realistic schema (~1,000 node types)',
					},
				}
			: {}),
		rawNode20: { label: 'raw undici loop (Node.js 20, warm), reference' },
	};
	const result = { sizes: c.records, pageSize: c.pageSize, subjects, latencies: {} };
	const real = packageDir
		? await startSimProcess({
				schemaScale: 'real',
				tenants: c.records.map((n) => ({ id: tenantFor(n), seed: { customers: n } })),
			})
		: null;
	try {
		for (const latencyMs of config.latencies)
			await measureAt(ctx, latencyMs, { subjects, result, real });
	} finally {
		if (real) await real.stop();
	}
	return result;
}

async function measureAt(ctx, latencyMs, { subjects, result, real }) {
	const { config, sim, packageDir, log } = ctx;
	const c = config.scaling;
	const perSize = {};
	for (const records of c.records) {
		const tenantId = tenantFor(records);
		await sim.latency(tenantId, latencyMs);
		if (real) await real.latency(tenantId, latencyMs);
		const runs = Object.fromEntries(Object.keys(subjects).map((s) => [s, []]));
		for (let r = 0; r < config.runs; r++) {
			for (const subject of Object.keys(subjects)) {
				const kind = subject === 'rawNode20' ? 'raw' : 'harness';
				const target = subject === 'oursHarnessRealSchema' ? real : sim;
				const m = await inProcess(kind, process.execPath, {
					sim: target,
					tenantId,
					packageDir,
					pageSize: c.pageSize,
					records,
					warm: true,
				});
				const d = derive(m);
				runs[subject].push({ ...d, usPerRecord: (m.ms * 1000) / m.records });
			}
		}
		perSize[records] = Object.fromEntries(
			Object.entries(runs).map(([s, list]) => [s, { ...medianOfRuns(list), runs: list.length }]),
		);
	}
	const [small, , large] = [c.records[0], c.records[1], c.records[c.records.length - 1]];
	const mid = c.records[Math.floor(c.records.length / 2)];
	const growth = {};
	for (const subject of Object.keys(subjects)) {
		growth[subject] = {
			timePerRecordLargeVsMid: ratio(
				perSize[large][subject].usPerRecord,
				perSize[mid][subject].usPerRecord,
			),
			timePerRecordLargeVsSmall: ratio(
				perSize[large][subject].usPerRecord,
				perSize[small][subject].usPerRecord,
			),
			heapPerRecordLargeVsMid: ratio(
				perSize[large][subject].heapBytesPerRecord,
				perSize[mid][subject].heapBytesPerRecord,
			),
		};
	}
	result.latencies[latencyMs] = { sizes: perSize, growth };
	log(
		`scaling @${latencyMs} ms: ` +
			c.records
				.map(
					(n) =>
						`${n}: ${Object.entries(perSize[n])
							.map(
								([s, v]) =>
									`${s} ${v.usPerRecord.toFixed(1)} µs/rec ${Math.round(v.heapBytesPerRecord)} B/rec`,
							)
							.join(' / ')}`,
				)
				.join('; '),
	);
}

module.exports = { run, tenantFor };
