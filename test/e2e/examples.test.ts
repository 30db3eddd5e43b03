/**
 * The example workflows (examples/*.json) and n8n's HTTP Request node, run by a real n8n
 * with `n8n execute --id <id> --rawOutput` against the simulator.
 */
import { describeE2e, execute, examples, examplesLib, itemsOf, openSuite, PROVISION_TIMEOUT, Suite } from './harness';

const HTTP_WORKFLOW_ID = 'sageErpE2eHttpReq';

/** Manual Trigger -> HTTP Request (predefined credential type sageErpApi) -> the tenant's GraphQL URL. */
function httpRequestWorkflow(graphqlUrl: string) {
	return {
		id: HTTP_WORKFLOW_ID,
		name: 'e2e: HTTP Request with the Sage ERP API credential',
		active: false,
		nodes: [
			{ id: 'f0000000-0000-4000-8000-000000000001', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'f0000000-0000-4000-8000-000000000002',
				name: 'Call Sage GraphQL',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [240, 0],
				parameters: {
					method: 'POST',
					url: graphqlUrl,
					authentication: 'predefinedCredentialType',
					nodeCredentialType: 'sageErpApi',
					sendBody: true,
					specifyBody: 'json',
					jsonBody: JSON.stringify({
						query: '{ xtremMasterData { customer { query(first: 3, orderBy: "{_id:+1}") { edges { node { _id id name } } } } } }',
					}),
					options: {},
				},
				credentials: { sageErpApi: examplesLib.CREDENTIAL_REF },
			},
		],
		connections: { Start: { main: [[{ node: 'Call Sage GraphQL', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

const startOfYesterdayUtc = (): string => {
	const d = new Date();
	d.setUTCHours(0, 0, 0, 0);
	d.setUTCDate(d.getUTCDate() - 1);
	return d.toISOString();
};

/** The fields of customer 1 that the "pick a record type" example asks for besides _id, id and name, from the simulator's store. */
function storedCustomerOne(suite: Suite): Record<string, unknown> {
	const stored = suite.sim.store().get('xtremMasterData.customer', '1')!;
	const currency = suite.sim.store().get('xtremMasterData.currency', stored.currency as string)!;
	return { email: stored.email, city: stored.city, creditLimit: String(stored.creditLimit), currency: { id: currency.id, name: currency.name } };
}

describeE2e('example workflows in a real n8n (n8n execute)', () => {
	let suite: Suite;
	const wf = examples();
	const ids = examplesLib.EXAMPLE_IDS;

	beforeAll(async () => {
		suite = await openSuite('examples');
		// The HTTP Request workflow needs the simulator's URL: import it separately.
		const { importWorkflows } = require('../../scripts/lib/n8n'); // eslint-disable-line @typescript-eslint/no-require-imports
		await importWorkflows(suite.inst.n8n, await suite.inst.cliEnv(), [...Object.values(wf), httpRequestWorkflow(suite.sim.graphqlUrl())]);
	}, PROVISION_TIMEOUT);

	afterAll(async () => {
		await suite?.close();
	}, 60000);

	test('"export customers changed since yesterday" returns every customer changed since yesterday, newest first', async () => {
		const since = startOfYesterdayUtc();
		const expected = suite.sim
			.store()
			.list('xtremMasterData.customer')
			.filter((c) => (c._updateStamp as string) >= since);
		expect(expected.length).toBeGreaterThan(0);

		const res = await execute(suite, ids.customersChanged);
		const items = itemsOf(res, 'Customers Changed Since Yesterday');

		expect(items.map((i) => String(i._id)).sort()).toEqual(expected.map((c) => String(c._id)).sort());
		for (const item of items) {
			expect(item).toEqual(expect.objectContaining({ _id: expect.any(String), id: expect.any(String), name: expect.any(String), _updateStamp: expect.any(String) }));
			expect(item._updateStamp as string >= since).toBe(true);
			expect(item.country).toEqual({ id: expect.any(String) });
		}
		const stamps = items.map((i) => i._updateStamp as string);
		expect(stamps).toEqual([...stamps].sort().reverse());
	}, 120000);

	test('"raw GraphQL query with pagination" follows every page and outputs one item per customer', async () => {
		const expected = suite.sim
			.store()
			.list('xtremMasterData.customer')
			.filter((c) => c.isActive === true)
			.map((c) => String(c._id));
		expect(expected.length).toBeGreaterThan(50); // more than one page of `first: 50`
		const before = suite.sim.counters().graphqlRequests;

		const res = await execute(suite, ids.graphqlPagination);
		const items = itemsOf(res, 'Active Customers (GraphQL)');

		expect(items.map((i) => String(i._id))).toEqual(expected);
		for (const item of items) {
			expect(item).toEqual({ _id: expect.any(String), id: expect.any(String), name: expect.any(String), city: expect.anything(), currency: { id: expect.any(String) } });
		}
		expect(suite.sim.counters().graphqlRequests - before).toBeGreaterThanOrEqual(Math.ceil(expected.length / 50));
	}, 120000);

	test('"pick a record type and get one record" reads the customer #FR001 with the fields it asks for', async () => {
		const items = itemsOf(await execute(suite, ids.getCustomer), 'Get Customer');
		expect(items).toEqual([{ _id: '1', id: 'FR001', name: 'Juniper Group', ...storedCustomerOne(suite) }]);
	}, 120000);

	test("n8n's HTTP Request node calls the GraphQL URL with the sageErpApi credential", async () => {
		const res = await execute(suite, HTTP_WORKFLOW_ID);
		const items = itemsOf(res, 'Call Sage GraphQL');
		expect(items).toHaveLength(1);
		const edges = (items[0] as { data: { xtremMasterData: { customer: { query: { edges: { node: Record<string, unknown> }[] } } } } }).data.xtremMasterData.customer.query.edges;
		const firstThree = suite.sim.store().list('xtremMasterData.customer').slice(0, 3);
		expect(edges.map((e) => e.node)).toEqual(firstThree.map((c) => ({ _id: String(c._id), id: c.id, name: c.name })));
	}, 120000);
});

/** The files themselves: no n8n needed, so these run even with SAGE_ERP_SKIP_E2E=1. */
describe('the example workflow files', () => {
	const wf = examples();
	const ids = examplesLib.EXAMPLE_IDS;

	test('every Record Type of the examples is picked From List, as in a new node', () => {
		const locators = Object.values(wf).flatMap((w) => w.nodes.filter((n) => n.type.startsWith('n8n-nodes-sage-erp.') && n.parameters.recordType !== undefined).map((n) => [w.id, n.name, n.parameters.recordType]));
		expect(locators.length).toBeGreaterThanOrEqual(4);
		for (const [id, name, locator] of locators) {
			expect({ id, name, locator }).toEqual({ id, name, locator: { __rl: true, mode: 'list', value: expect.stringMatching(/^\w+\.\w+$/), cachedResultName: (locator as { value: string }).value } });
		}
	});

	test('every example carries a sticky note that says what it does, what to click and what to expect', () => {
		for (const w of Object.values(wf)) {
			const notes = w.nodes.filter((n) => n.type === 'n8n-nodes-base.stickyNote').map((n) => String(n.parameters.content));
			expect({ id: w.id, notes: notes.length }).toEqual({ id: w.id, notes: 1 });
			expect(notes[0]).toMatch(/\*\*What it does:\*\*[\s\S]+\*\*Try it:\*\*[\s\S]+\*\*Expect:\*\*/);
			expect(notes[0]).toMatch(/\*\*(Execute workflow|Fetch Test Event)\*\*/);
			// The note names nodes as the canvas shows them.
			for (const named of notes[0].match(/\*\*([A-Z][\w ]+)\*\*/g) ?? []) {
				const label = named.slice(2, -2);
				if (/^(What it does|Try it|Expect|Execute workflow|Fetch Test Event|Executions|Record Type|Output)$/.test(label)) continue;
				expect({ id: w.id, label, isNode: w.nodes.some((n) => n.name === label) }).toEqual({ id: w.id, label, isNode: true });
			}
		}
	});

	test('every example workflow is valid n8n workflow JSON with stable ids and the contract parameter names', () => {
		const allowed = new Set(['resource', 'operation', 'recordType', 'id', 'fields', 'filter', 'orderBy', 'returnAll', 'limit', 'data', 'query', 'variables', 'operationName', 'output', 'splitPath', 'options']);
		const triggerAllowed = new Set(['recordType', 'event', 'fields', 'filter', 'pollTimes']);
		expect(Object.keys(wf).sort()).toEqual(Object.values(ids).sort());
		for (const w of Object.values(wf)) {
			for (const node of w.nodes) {
				if (node.type === 'n8n-nodes-sage-erp.sageErp') expect(Object.keys(node.parameters).filter((k) => !allowed.has(k))).toEqual([]);
				if (node.type === 'n8n-nodes-sage-erp.sageErpTrigger') expect(Object.keys(node.parameters).filter((k) => !triggerAllowed.has(k))).toEqual([]);
			}
		}
	});
});
