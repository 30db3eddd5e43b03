/**
 * A 100,000-customer tenant: correct, and paged from the cached order. Speed is measured by
 * `node bench/simulator-scale.js` (targets there); here only counts, which load cannot change.
 */
import { Simulator, startSimulator } from './index';
import { session } from './test-helpers';

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
		const seen: { _id: string; name: string; creditLimit: string }[] = [
			...r.json.data.xtremMasterData.customer.query.edges.map((e: { node: unknown }) => e.node),
		];
		for (let i = 0; i < 40; i++) {
			r = await gql(q, { after: r.json.data.xtremMasterData.customer.query.pageInfo.endCursor });
			const edges = r.json.data.xtremMasterData.customer.query.edges;
			expect(edges).toHaveLength(100);
			seen.push(...edges.map((e: { node: unknown }) => e.node));
		}
		expect(sim.store().scans() - scansBefore).toBe(1);
		expect(new Set(seen.map((c) => c._id)).size).toBe(4_100);
		const wanted = sim
			.store()
			.list('xtremMasterData.customer')
			.filter((c) => c.isActive === true)
			.sort((a, b) =>
				String(a.name) < String(b.name)
					? -1
					: String(a.name) > String(b.name)
						? 1
						: Number(b.creditLimit) - Number(a.creditLimit) || Number(a._id) - Number(b._id),
			)
			.slice(0, 4_100)
			.map((c) => String(c._id));
		expect(seen.map((c) => c._id)).toEqual(wanted);
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
