/**
 * A real tenant's size (the simulator's realistic schema: about 1,000 node types, tens of
 * megabytes of introspection) through the n8n engine: a fresh process loads only the types
 * a document needs, in at most three schema requests before the operation's own, and the
 * Record Type list comes in pages from one small request. Bytes and counts are asserted,
 * never times (those are in bench/RESULTS.md).
 */
import type {} from 'n8n-workflow';

import { REALISTIC_DATA_TYPES, REALISTIC_RECORDS } from '../simulator';
import { nodesOf } from '../simulator/schema-versions';
import { isIntrospection, listSearch, outputOf, recordType, runNode, useNodeEnv } from './fixture';

const env = useNodeEnv({ schemaScale: 'real', seed: { customers: 20, items: 5, salesOrders: 2 } });

/** What an execution asked for: schema requests before its first data request, and their answers' bytes. */
async function measured(run: () => Promise<unknown>) {
	const before = env.sim.counters();
	const from = env.sim.graphqlLog().length;
	await run();
	const after = env.sim.counters();
	const log = env.sim.graphqlLog().slice(from);
	const firstData = log.findIndex((entry) => !isIntrospection(entry));
	return {
		schemaRequestsBefore: (firstData < 0 ? log : log.slice(0, firstData)).filter(isIntrospection)
			.length,
		schemaRequests: after.graphqlIntrospections - before.graphqlIntrospections,
		schemaBytes: after.introspectionBytes - before.introspectionBytes,
	};
}

test('a first Get with Fields loads a few types, not the schema: at most 3 schema requests of a few KB', async () => {
	let items: ReturnType<typeof outputOf> = [];
	const cost = await measured(async () => {
		const fields = '_id number name lines { query { edges { node { lineNumber } } } }';
		items = outputOf(
			await runNode(env, {
				resource: 'record',
				operation: 'get',
				recordType: recordType(REALISTIC_DATA_TYPES.document),
				id: '#STOCKTRANSFERORDER-0001',
				fields,
			}),
		);
	});
	expect(items.map((item) => item.json.number)).toEqual(['STOCKTRANSFERORDER-0001']);
	expect(cost.schemaRequestsBefore).toBeGreaterThanOrEqual(1);
	expect(cost.schemaRequestsBefore).toBeLessThanOrEqual(3);
	expect(cost.schemaBytes).toBeLessThan(200 * 1024);
});

test('a first Create (with a reference in Fields) and a Get Many of every field stay within 3 schema requests each', async () => {
	const create = await measured(async () => {
		const data = { id: 'SCALE1', name: 'Scale Ltd', currency: '#EUR' };
		const items = outputOf(
			await runNode(env, {
				resource: 'record',
				operation: 'create',
				recordType: recordType('xtremMasterData.customer'),
				data: JSON.stringify(data),
				fields: '_id id currency { id name }',
			}),
		);
		expect(items[0].json).toMatchObject({ id: 'SCALE1', currency: { id: 'EUR', name: 'Euro' } });
	});
	expect(create.schemaRequestsBefore).toBeLessThanOrEqual(3);
	const getMany = await measured(async () => {
		const items = outputOf(
			await runNode(env, {
				resource: 'record',
				operation: 'getMany',
				recordType: recordType(REALISTIC_DATA_TYPES.wide),
				returnAll: true,
			}),
		);
		expect(items).toHaveLength(REALISTIC_RECORDS);
		const wide = nodesOf('real').find((node) => node.recordType === REALISTIC_DATA_TYPES.wide)!;
		expect(Object.keys(items[0].json)).toEqual(
			wide.props
				.filter((prop) => prop.kind !== 'reference' && prop.kind !== 'collection')
				.map((prop) => prop.name),
		);
	});
	expect(getMany.schemaRequestsBefore).toBeLessThanOrEqual(3);
	expect(create.schemaBytes + getMany.schemaBytes).toBeLessThan(300 * 1024);
});

test('the Record Type list: every record type, in pages of 100 with a pagination token, filtered by what the user types, from one request', async () => {
	const cost = await measured(async () => {
		const names: string[] = [];
		let token: string | undefined;
		do {
			const page = await listSearch(env, 'searchRecordTypes', { paginationToken: token });
			expect(page.results.length).toBeLessThanOrEqual(100);
			names.push(...page.results.map((result) => String(result.value)));
			token = page.paginationToken as string | undefined;
		} while (token);
		// Every object a package holds: the report node of the asynchronous operations too (record-type-index.ts).
		expect(names.sort((a, b) => a.localeCompare(b))).toEqual(
			[...nodesOf('real').map((node) => node.recordType), 'xtremReporting.report'].sort((a, b) =>
				a.localeCompare(b),
			),
		);
	});
	expect(cost.schemaRequests).toBe(1);
	expect(cost.schemaBytes).toBeLessThan(400 * 1024);
	const filtered = await listSearch(env, 'searchRecordTypes', { filter: 'TRANSFERORDER' });
	expect(filtered.results.map((result) => result.value)).toEqual(
		expect.arrayContaining([REALISTIC_DATA_TYPES.document, REALISTIC_DATA_TYPES.lines]),
	);
	expect(
		filtered.results.every((result) =>
			String(result.value).toLowerCase().includes('transferorder'),
		),
	).toBe(true);
	expect(filtered.paginationToken).toBeUndefined();
});
