/**
 * The realistic schema (a real tenant's size), releases that change the schema at run time,
 * and Sage's 28-second limit, at the simulator's own API.
 */
import {
	REALISTIC_DATA_TYPES,
	REALISTIC_RECORDS,
	SAGE_TIME_LIMIT_MESSAGE,
	buildSdl,
	startSimulator,
	type Simulator,
} from './index';
import { nodesOf } from './schema-versions';
import { session } from './test-helpers';

describe('the realistic schema', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startSimulator({
			schemaScale: 'real',
			seed: { customers: 20, items: 5, salesOrders: 2 },
		});
	}, 60_000);
	afterAll(() => sim.stop());

	test('has a real tenant’s size: 30 packages, about 1,000 node types of 20-60 properties, megabytes of introspection', async () => {
		const nodes = nodesOf('real');
		expect(new Set(nodes.map((node) => node.pkg)).size).toBe(30);
		expect(nodes.length).toBeGreaterThanOrEqual(950);
		const generated = nodes.filter(
			(node) => !nodesOf('small').includes(node) && !node.recordType.endsWith('Line'),
		);
		for (const node of generated) {
			expect(node.props.length - 5).toBeGreaterThanOrEqual(20); // besides the 5 system properties
			expect(node.props.length - 5).toBeLessThanOrEqual(60);
		}
		const kinds = new Set(generated.flatMap((node) => node.props.map((prop) => prop.kind)));
		expect([...kinds].sort()).toEqual([
			'boolean',
			'collection',
			'date',
			'datetime',
			'decimal',
			'enum',
			'id',
			'int',
			'reference',
			'string',
		]);
		// The SDL alone is over 5 MB, and introspection writes each field more verbosely than SDL
		// (bench/RESULTS.md gives the answer's size: about 25 MB); a small document shows it is served.
		expect(buildSdl(nodes).length).toBeGreaterThan(5 * 1024 * 1024);
		const { gql } = await session(sim);
		const answer = await gql('{ __type(name: "PurchaseRequisition") { fields { name } } }');
		expect(answer.json.data.__type.fields).toHaveLength(65);
	});

	test('is the same on every run (generated from a fixed seed) and keeps the hand-written types as they are', () => {
		const names = nodesOf('real').map(
			(node) =>
				`${node.recordType}:${node.props.map((prop) => `${prop.name}/${prop.kind}`).join(',')}`,
		);
		const small = nodesOf('small');
		expect(names.slice(0, small.length)).toEqual(
			small.map(
				(node) =>
					`${node.recordType}:${node.props.map((prop) => `${prop.name}/${prop.kind}`).join(',')}`,
			),
		);
		expect(names.filter((name) => name.startsWith(`${REALISTIC_DATA_TYPES.wide}:`))).toHaveLength(
			1,
		);
	});

	test('a few generated types hold data: reads, vital lines and filters work on them', async () => {
		const { gql } = await session(sim);
		const wide = await gql(
			`{ xtremPurchasing { purchaseRequisition { query(first: 2, filter: "{number:{_regex:'0002$'}}") { totalCount edges { node { _id number } } } } } }`,
		);
		expect(wide.json.data.xtremPurchasing.purchaseRequisition.query).toEqual({
			totalCount: 1,
			edges: [{ node: { _id: '2', number: 'PURCHASEREQUISITION-0002' } }],
		});
		const document = await gql(
			`{ xtremStock { stockTransferOrder { read(_id: "#STOCKTRANSFERORDER-0002") { number lines { query { edges { node { lineNumber } } } } } } } }`,
		);
		expect(document.json.data.xtremStock.stockTransferOrder.read).toEqual({
			number: 'STOCKTRANSFERORDER-0002',
			lines: {
				query: {
					edges: [
						{ node: { lineNumber: 1 } },
						{ node: { lineNumber: 2 } },
						{ node: { lineNumber: 3 } },
					],
				},
			},
		});
		expect(sim.store().count(REALISTIC_DATA_TYPES.wide)).toBe(REALISTIC_RECORDS);
	});
});

describe('a release', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startSimulator({ seed: { customers: 5, items: 2, salesOrders: 0 } });
	});
	afterAll(() => sim.stop());

	test('renames a field at run time: the old name is refused, the new one reads and writes the same values', async () => {
		const { gql } = await session(sim);
		const before = await gql('{ xtremMasterData { customer { read(_id: "1") { email } } } }');
		sim.releaseSchema({
			name: '2025.R8',
			renames: [{ recordType: 'xtremMasterData.customer', from: 'email', to: 'emailAddress' }],
		});
		const old = await gql('{ xtremMasterData { customer { read(_id: "1") { email } } } }');
		expect(old.status).toBe(400);
		expect(old.json.errors[0].message).toMatch(/^Cannot query field "email" on type "Customer"/);
		const renamed = await gql(
			'{ xtremMasterData { customer { read(_id: "1") { emailAddress } } } }',
		);
		expect(renamed.json.data.xtremMasterData.customer.read.emailAddress).toBe(
			before.json.data.xtremMasterData.customer.read.email,
		);
		const created = await gql(
			'mutation { xtremMasterData { customer { create(data: { id: "REL1", name: "Release", currency: "#EUR", emailAddress: "r@example.com" }) { emailAddress } } } }',
		);
		expect(created.json.data.xtremMasterData.customer.create).toEqual({
			emailAddress: 'r@example.com',
		});
	});
});

describe('Sage’s 28-second limit', () => {
	let sim: Simulator;
	beforeAll(async () => {
		sim = await startSimulator({ seed: { customers: 600, items: 5, salesOrders: 0 } });
	});
	afterAll(() => sim.stop());
	afterEach(() => sim.workCost(undefined));

	test('a query whose rows cost more than 28 s is refused with Sage’s sentence; a smaller page is not', async () => {
		const { gql } = await session(sim);
		sim.workCost({ perRowMs: 50, perFieldMs: 2 }); // 54 ms per row of 2 fields
		const page = (first: number) =>
			gql(
				`{ xtremMasterData { customer { query(first: ${first}) { edges { node { _id id } } } } } }`,
			);
		const refused = await page(600);
		expect(refused.status).toBe(200);
		expect(refused.json).toEqual({
			data: null,
			errors: [{ message: SAGE_TIME_LIMIT_MESSAGE, extensions: { code: 'timeout' } }],
			extensions: { diagnoses: [] },
		});
		expect((await page(500)).json.data.xtremMasterData.customer.query.edges).toHaveLength(500);
	});

	test('mutations run in order: those inside the limit are applied, the rest are not, and the answer does not say which', async () => {
		const { gql } = await session(sim);
		sim.workCost({ perMutationMs: 10_000 });
		const creates = [1, 2, 3]
			.map(
				(n) =>
					`m${n}: create(data: { id: "LIM${n}", name: "Limit ${n}", currency: "#EUR" }) { _id }`,
			)
			.join(' ');
		const answer = await gql(`mutation { xtremMasterData { customer { ${creates} } } }`);
		expect(answer.json.data).toBeNull();
		expect(answer.json.errors[0].message).toBe(SAGE_TIME_LIMIT_MESSAGE);
		const ids = sim
			.store()
			.list('xtremMasterData.customer')
			.map((record) => record.id)
			.filter((id) => String(id).startsWith('LIM'));
		expect(ids).toEqual(['LIM1', 'LIM2']);
	});
});
