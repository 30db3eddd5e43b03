/**
 * The example workflows (examples/*.json) and n8n's HTTP Request node, run by a real n8n
 * with `n8n execute --id <id> --rawOutput` against the simulator.
 */
import {
	checkCustomersChanged,
	checkGraphqlPagination,
	checkHttpRequestNode,
	importExamplesAndHttpRequest,
} from './checks';
import {
	describeE2e,
	execute,
	examples,
	examplesLib,
	itemsOf,
	openSuite,
	PROVISION_TIMEOUT,
	Suite,
} from './harness';

/** The fields of customer 1 that the "pick a record type" example asks for besides _id, id and name, from the simulator's store. */
function storedCustomerOne(suite: Suite): Record<string, unknown> {
	const stored = suite.sim.store().get('xtremMasterData.customer', '1')!;
	const currency = suite.sim.store().get('xtremMasterData.currency', stored.currency as string)!;
	return {
		email: stored.email,
		city: stored.city,
		creditLimit: String(stored.creditLimit),
		currency: { id: currency.id, name: currency.name },
	};
}

describeE2e('example workflows in a real n8n (n8n execute)', () => {
	let suite: Suite;
	const ids = examplesLib.EXAMPLE_IDS;

	beforeAll(async () => {
		suite = await openSuite('examples');
		await importExamplesAndHttpRequest(suite);
	}, PROVISION_TIMEOUT);

	afterAll(async () => {
		await suite?.close();
	}, 60000);

	test('"export customers changed since yesterday" returns every customer changed since yesterday, newest first', async () => {
		await checkCustomersChanged(suite);
	}, 120000);

	test('"raw GraphQL query with pagination" follows every page and outputs one item per customer', async () => {
		await checkGraphqlPagination(suite);
	}, 120000);

	test('"pick a record type and get one record" reads the customer #FR001 with the fields it asks for', async () => {
		const items = itemsOf(await execute(suite, ids.getCustomer), 'Get Customer');
		expect(items).toEqual([
			{ _id: '1', id: 'FR001', name: 'Juniper Group', ...storedCustomerOne(suite) },
		]);
	}, 120000);

	test("n8n's HTTP Request node calls the GraphQL URL with the sageErpApi credential", async () => {
		await checkHttpRequestNode(suite);
	}, 120000);
});

/** The files themselves: no n8n needed, so these run even with SAGE_ERP_SKIP_E2E=1. */
describe('the example workflow files', () => {
	const wf = examples();
	const ids = examplesLib.EXAMPLE_IDS;

	test('every Record Type of the examples is picked From List, as in a new node', () => {
		const locators = Object.values(wf).flatMap((w) =>
			w.nodes
				.filter(
					(n) => n.type.startsWith('n8n-nodes-sage-erp.') && n.parameters.recordType !== undefined,
				)
				.map((n) => [w.id, n.name, n.parameters.recordType]),
		);
		expect(locators.length).toBeGreaterThanOrEqual(4);
		for (const [id, name, locator] of locators) {
			expect({ id, name, locator }).toEqual({
				id,
				name,
				locator: {
					__rl: true,
					mode: 'list',
					value: expect.stringMatching(/^\w+\.\w+$/),
					cachedResultName: (locator as { value: string }).value,
				},
			});
		}
	});

	test('every example carries a sticky note that says what it does, what to click and what to expect', () => {
		for (const w of Object.values(wf)) {
			const notes = w.nodes
				.filter((n) => n.type === 'n8n-nodes-base.stickyNote')
				.map((n) => String(n.parameters.content));
			expect({ id: w.id, notes: notes.length }).toEqual({ id: w.id, notes: 1 });
			expect(notes[0]).toMatch(/\*\*What it does:\*\*[\s\S]+\*\*Try it:\*\*[\s\S]+\*\*Expect:\*\*/);
			expect(notes[0]).toMatch(/\*\*(Execute workflow|Fetch Test Event)\*\*/);
			// The note names nodes as the canvas shows them.
			for (const named of notes[0].match(/\*\*([A-Z][\w ]+)\*\*/g) ?? []) {
				const label = named.slice(2, -2);
				if (
					/^(What it does|Try it|Expect|Execute workflow|Fetch Test Event|Executions|Record Type|Output)$/.test(
						label,
					)
				)
					continue;
				expect({ id: w.id, label, isNode: w.nodes.some((n) => n.name === label) }).toEqual({
					id: w.id,
					label,
					isNode: true,
				});
			}
		}
	});

	test('every example workflow is valid n8n workflow JSON with stable ids and the contract parameter names', () => {
		const allowed = new Set([
			...[
				'resource',
				'operation',
				'recordType',
				'id',
				'fields',
				'filter',
				'orderBy',
				'returnAll',
				'limit',
				'data',
				'query',
				'variables',
				'operationName',
				'output',
				'splitPath',
				'options',
			],
			...['matchOn', 'groupBy', 'values', 'asyncOperation', 'arguments', 'resultFields'],
			// Version 2's field mapper (nodes/SageErp/actions/README.md, "Version 2").
			...['dataMode', 'references', 'columns'],
		]);
		const triggerAllowed = new Set(['recordType', 'event', 'fields', 'filter', 'pollTimes']);
		expect(Object.keys(wf).sort()).toEqual(Object.values(ids).sort());
		for (const w of Object.values(wf)) {
			for (const node of w.nodes) {
				if (node.type === 'n8n-nodes-sage-erp.sageErp')
					expect(Object.keys(node.parameters).filter((k) => !allowed.has(k))).toEqual([]);
				if (node.type === 'n8n-nodes-sage-erp.sageErpTrigger')
					expect(Object.keys(node.parameters).filter((k) => !triggerAllowed.has(k))).toEqual([]);
			}
		}
	});
});
