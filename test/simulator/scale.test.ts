/**
 * A 100,000-customer tenant: correct, and paged from the cached order. Speed is measured by
 * `node bench/simulator-scale.js` (targets there); here only counts, which load cannot change.
 */
import { Simulator, startSimulator } from './index';
import { session } from './test-helpers';

type Row = { _id: string; name: string; creditLimit: string };

/** The order `{name:+1, creditLimit:-1}` asks for, with the _id tie-breaker the simulator appends. */
function compareRows(a: Row, b: Row): number {
	if (a.name !== b.name) return a.name < b.name ? -1 : 1;
	if (Number(a.creditLimit) !== Number(b.creditLimit)) return Number(b.creditLimit) - Number(a.creditLimit);
	return Number(a._id) - Number(b._id);
}

describe('scale', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startSimulator({ seed: { customers: 100_000, items: 200, salesOrders: 500 } });
	});
	afterAll(async () => {
		await sim.stop();
	});

	test('a 100,000-customer tenant is seeded in full, natural keys growing with the count', async () => {
		expect(sim.store().count('xtremMasterData.customer')).toBe(100_000);
		expect(sim.store().count('xtremSales.salesOrder')).toBe(500);
		const { gql } = await session(sim);
		const read = await gql(`{ xtremMasterData { customer { read(_id: "#FR00001") { _id } } } }`);
		expect(read.json.data.xtremMasterData.customer.read._id).toBe('1');
	});

	test('the (filter, orderBy) order is computed once: 41 pages, one table scan, every record once in order', async () => {
		const { gql } = await session(sim);
		const q = `query($after: String) { xtremMasterData { customer { query(first: 100, filter: "{isActive:true}", orderBy: "{name:+1, creditLimit:-1}", after: $after) { totalCount pageInfo { endCursor hasNextPage } edges { node { _id id name creditLimit } } } } } }`;
		const scansBefore = sim.store().scans();
		let r = await gql(q, { after: null });
		const total = r.json.data.xtremMasterData.customer.query.totalCount;
		expect(total).toBeGreaterThan(80_000);
		const seen: Row[] = [...r.json.data.xtremMasterData.customer.query.edges.map((e: { node: unknown }) => e.node)];
		for (let i = 0; i < 40; i++) {
			r = await gql(q, { after: r.json.data.xtremMasterData.customer.query.pageInfo.endCursor });
			const edges = r.json.data.xtremMasterData.customer.query.edges;
			expect(edges).toHaveLength(100);
			seen.push(...edges.map((e: { node: unknown }) => e.node));
		}
		expect(sim.store().scans() - scansBefore).toBe(1);
		expect(new Set(seen.map((c) => c._id)).size).toBe(4_100);
		// In order across page boundaries: name up, then creditLimit down, then _id up. (Checked pairwise:
		// sorting 100,000 records here would block the event loop the in-process server shares.)
		const outOfOrder = seen.slice(1).filter((c, i) => compareRows(seen[i], c) >= 0);
		expect(outOfOrder).toEqual([]);
	});

	test('a write drops the cached order: the next page of the same query scans again', async () => {
		const { gql } = await session(sim);
		const q = `{ xtremMasterData { customer { query(first: 5, filter: "{isActive:false}") { edges { node { _id } } } } } }`;
		await gql(q);
		const scans = sim.store().scans();
		await gql(q);
		expect(sim.store().scans()).toBe(scans);
		sim.store().update('xtremMasterData.customer', '1', { city: 'Quimper' });
		await gql(q);
		expect(sim.store().scans()).toBe(scans + 1);
	});
});
