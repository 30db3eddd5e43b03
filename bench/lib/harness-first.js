'use strict';
/**
 * The first execution of a fresh process (as each queue-mode worker, each `n8n execute`, the
 * first execution after a restart): our node in the in-process engine harness, nothing
 * cached, one action measured.
 *   node harness-first.js '<json: { packageDir, adminUrl, credential, action, recordType?, id? }>'
 * action: get (Fields with a reference) | create (a customer, Fields with a reference) |
 *         list (the Record Type list: first page, then filtered) | query (a GraphQL Query, checked before sending)
 * Prints one JSON line: { ms, cpuMs (this process's CPU meanwhile), requests, schemaRequests, bytes, schemaBytes, heapHeldKb, items }
 */
const { loadPackage, TestEngine, SAGE_NODE, simCounters } = require('./harness-boot');
const { loadOptionsContext } = require('./editor-lists');

const NODE_NAME = 'Sage ERP';
const recordType = (value) => ({ __rl: true, mode: 'id', value });
const QUERY =
	'query Customers($first: Int, $after: String) { xtremMasterData { customer { query(first: $first, after: $after) { pageInfo { endCursor hasNextPage } edges { node { _id id name currency { id name } } } } } } }';

function parametersFor(args) {
	switch (args.action) {
		case 'get':
			return {
				resource: 'record',
				operation: 'get',
				recordType: recordType('xtremMasterData.customer'),
				id: '1',
				fields: '_id id name email currency { id name }',
			};
		case 'create':
			return {
				resource: 'record',
				operation: 'create',
				recordType: recordType('xtremMasterData.customer'),
				dataMode: 'json', // the node's default version 2: Data as a prepared JSON object
				data: JSON.stringify({ id: args.id, name: `First ${args.id}`, currency: '#EUR' }),
				fields: '_id id name currency { id }',
			};
		case 'query':
			return {
				resource: 'graphql',
				operation: 'query',
				query: QUERY,
				returnAll: false,
				limit: 5,
				options: { pageSize: 5 },
			};
		default:
			throw new Error(`unknown action ${args.action}`);
	}
}

async function listSearch(engine, pkg) {
	const context = loadOptionsContext(
		engine,
		pkg,
		SAGE_NODE,
		{ resource: 'record', operation: 'getMany' },
		'recordType',
	);
	const search = pkg.getNodeType(SAGE_NODE).methods.listSearch.searchRecordTypes;
	const first = await search.call(context);
	const filtered = await search.call(context, 'order');
	return first.results.length + filtered.results.length;
}

async function main() {
	const args = JSON.parse(process.argv[2]);
	const pkg = await loadPackage(args.packageDir);
	const engine = new TestEngine(pkg, {
		credentials: { sageErpApi: { ...args.credential, id: 'bench', name: 'bench' } },
	});
	const before = await simCounters(args);
	global.gc();
	const heapBefore = process.memoryUsage().heapUsed;
	const cpuBefore = process.cpuUsage();
	const t0 = performance.now();
	let items;
	if (args.action === 'list') items = await listSearch(engine, pkg);
	else {
		let result = await engine.run({
			nodes: [{ name: NODE_NAME, type: SAGE_NODE, parameters: parametersFor(args) }],
		});
		if (result.error) throw result.error;
		items = result.items(NODE_NAME).length;
		result = null;
	}
	const ms = performance.now() - t0;
	const cpu = process.cpuUsage(cpuBefore);
	global.gc();
	global.gc();
	const heapHeldKb = Math.round((process.memoryUsage().heapUsed - heapBefore) / 1024);
	const after = await simCounters(args);
	const diff = (key) => after[key] - before[key];
	process.stdout.write(
		`${JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, items, heapHeldKb, requests: diff('graphqlRequests'), schemaRequests: diff('graphqlIntrospections'), bytes: diff('graphqlBytes'), schemaBytes: diff('introspectionBytes') })}\n`,
	);
}

main().then(
	() => process.exit(0),
	(err) => {
		process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
		process.exit(1);
	},
);
