'use strict';
/**
 * Scenario 6: the record type's fields for the panels (issue 24). Against the simulator's
 * realistic schema (`schemaScale: 'real'`, its own process), in a fresh harness process per
 * run: the field list of xtremSales.salesOrder loaded the first time (time, GraphQL requests,
 * schema requests, bytes) and a second time (kept for the process: nothing sent), and the
 * saved size of a Create node with the mapper's field list against a version 1 Create with
 * Data as JSON text. The list is the field mapper's when the build has one, else the Fields
 * to Return list (the same field layer); the result says which.
 */
const { runJsonChild } = require('../lib/child');
const { startSimProcess } = require('../lib/sim');
const wf = require('../lib/workflows');
const { medianOfRuns } = require('../lib/stats');

const TENANT = 'fields';
const SEED = { customers: 50 };
const RECORD_TYPE = 'xtremSales.salesOrder';

async function run(ctx) {
	const { config, packageDir, log } = ctx;
	if (!packageDir) return { skipped: 'no package build' };
	log('fields: starting the realistic simulator (own process)');
	const real = await startSimProcess({
		schemaScale: 'real',
		tenants: [{ id: TENANT, seed: SEED }],
	});
	const result = {
		recordType: RECORD_TYPE,
		runner: 'in-process harness, fresh process per run',
		latencies: {},
	};
	try {
		for (const latencyMs of config.latencies) {
			await real.latency(TENANT, latencyMs);
			const runs = [];
			for (let r = 0; r < config.runs; r++)
				runs.push(
					await runJsonChild(process.execPath, 'harness-fields.js', {
						packageDir,
						adminUrl: `${real.baseUrl}/__admin`,
						credential: wf.sageCredential(TENANT, real, TENANT),
						recordType: RECORD_TYPE,
					}),
				);
			const [one] = runs;
			result.source = one.source;
			result.saved = one.saved;
			result.latencies[latencyMs] = {
				picking: { ...medianOfRuns(runs.map((m) => m.picking)), runs: runs.length },
				first: { ...medianOfRuns(runs.map((m) => m.first)), runs: runs.length },
				second: { ...medianOfRuns(runs.map((m) => m.second)), runs: runs.length },
			};
			const { first, second } = result.latencies[latencyMs];
			log(
				`fields @${latencyMs} ms: first ${Math.round(first.ms)} ms (${first.requests} requests, ${first.schemaRequests} schema), again ${Math.round(second.ms)} ms (${second.requests} requests)`,
			);
		}
	} finally {
		await real.stop();
	}
	return result;
}

module.exports = { run, TENANT, SEED };
