'use strict';
/**
 * Our Get Many inside the in-process n8n engine harness (test/helpers/engine: n8n-core's real
 * WorkflowExecute on this machine's Node.js), one measured run per process so that its peak
 * memory is its own. A warm-up run (one small page) first exchanges the token and warms the
 * code, as in a long-running n8n; the measured run then reads every record.
 *   node harness-getmany.js '<json: { packageDir, adminUrl, credential: { id, name, data }, pageSize, expected }>'
 * Prints one JSON line: { records, requests (GraphQL requests of the measured read), ms, nodeMs, node, ...memory (see memory.js) }
 */
const { loadPackage, TestEngine, simCounters } = require('./harness-boot');
const { heapSampler } = require('./memory');
const { sageGetManyNode } = require('./workflows');

const NODE_NAME = 'Sage ERP Get Many';

function getManyNode(parameters) {
	return sageGetManyNode(NODE_NAME, undefined, parameters);
}

async function runOnce(engine, parameters) {
	const t0 = performance.now();
	const result = await engine.run({ nodes: [getManyNode(parameters)] });
	const ms = performance.now() - t0;
	if (result.error) throw result.error;
	const task = result.runData[NODE_NAME][0];
	return { result, ms, nodeMs: task.executionTime, records: result.items(NODE_NAME).length };
}

/** GraphQL requests the simulator has received for the tenant so far. */
const graphqlRequests = async (args) => (await simCounters(args)).graphqlRequests;

async function main() {
	const args = JSON.parse(process.argv[2]);
	const pkg = await loadPackage(args.packageDir);
	const engine = new TestEngine(pkg, { credentials: { sageErpApi: args.credential } });

	await runOnce(engine, { returnAll: false, limit: 10, options: { pageSize: 10 } });
	const before = await graphqlRequests(args);
	const memory = heapSampler();
	const measured = await runOnce(engine, { returnAll: true, options: { pageSize: args.pageSize } });
	const mem = memory.stop();
	const requests = (await graphqlRequests(args)) - before;
	if (args.expected !== undefined && measured.records !== args.expected)
		throw new Error(`read ${measured.records} records, expected ${args.expected}`);
	process.stdout.write(
		`${JSON.stringify({ records: measured.records, requests, ms: measured.ms, nodeMs: measured.nodeMs, node: process.version, ...mem })}\n`,
	);
}

main().then(
	() => process.exit(0),
	(err) => {
		process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
		process.exit(1);
	},
);
