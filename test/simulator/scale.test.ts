import { Simulator, startSimulator } from './index';
import { session } from './test-helpers';

describe('scale', () => {
	let sim: Simulator;
	let seedMs = 0;
	beforeAll(async () => {
		const t0 = Date.now();
		sim = await startSimulator({ seed: { customers: 100_000, items: 200, salesOrders: 500 } });
		seedMs = Date.now() - t0;
	});
	afterAll(async () => {
		await sim.stop();
	});

	test('a 100,000-customer tenant seeds in a few seconds', () => {
		expect(sim.store().count('xtremMasterData.customer')).toBe(100_000);
		expect(seedMs).toBeLessThan(5000);
	});

	test('pages cost O(page + log n) once the (filter, orderBy) order is cached', async () => {
		const { gql } = await session(sim);
		const q = `query($after: String) { xtremMasterData { customer { query(first: 100, filter: "{isActive:true}", orderBy: "{name:+1, creditLimit:-1}", after: $after) { totalCount pageInfo { endCursor hasNextPage } edges { node { _id id name creditLimit } } } } } }`;
		const t0 = Date.now();
		let r = await gql(q, { after: null });
		const firstMs = Date.now() - t0;
		expect(r.json.data.xtremMasterData.customer.query.totalCount).toBeGreaterThan(80_000);
		expect(firstMs).toBeLessThan(3000); // filters and sorts the table once
		const t1 = Date.now();
		const pages = 40;
		for (let i = 0; i < pages; i++) {
			r = await gql(q, { after: r.json.data.xtremMasterData.customer.query.pageInfo.endCursor });
			expect(r.json.data.xtremMasterData.customer.query.edges).toHaveLength(100);
		}
		const perPage = (Date.now() - t1) / pages;
		expect(perPage).toBeLessThan(40);
		// the natural key ids sort with the grown width: FR00001
		const read = await gql(`{ xtremMasterData { customer { read(_id: "#FR00001") { _id } } } }`);
		expect(read.json.data.xtremMasterData.customer.read._id).toBe('1');
	});
});
