/**
 * The end-to-end checks that both the full suite (examples.test.ts, server.test.ts on the
 * default n8n) and the version matrix (matrix/smoke.e2e.ts on every matrix version) run: one
 * definition of what "works" means, whatever n8n runs it.
 */
import {
	examples,
	examplesLib,
	execute,
	executionItems,
	expectEachOrderCreatedOnce,
	itemsOf,
	n8nLib,
	N8nProcess,
	observe,
	openSuite,
	ordersWithPrefix,
	packageLoadError,
	processes,
	startMain,
	Suite,
	webhookBurst,
} from './harness';

export const HTTP_WORKFLOW_ID = 'sageErpE2eHttpReq';

/** Manual Trigger -> HTTP Request (predefined credential type sageErpApi) -> the tenant's GraphQL URL. */
export function httpRequestWorkflow(graphqlUrl: string) {
	return {
		id: HTTP_WORKFLOW_ID,
		name: 'e2e: HTTP Request with the Sage ERP API credential',
		active: false,
		nodes: [
			{
				id: 'f0000000-0000-4000-8000-000000000001',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
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
						query:
							'{ xtremMasterData { customer { query(first: 3, orderBy: "{_id:+1}") { edges { node { _id id name } } } } } }',
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

/** The example workflows plus the HTTP Request workflow (it needs the simulator's URL), imported in one CLI run. */
export async function importExamplesAndHttpRequest(suite: Suite): Promise<void> {
	await n8nLib.importWorkflows(suite.inst.n8n, await suite.inst.cliEnv(), [
		...Object.values(examples()),
		httpRequestWorkflow(suite.sim.graphqlUrl()),
	]);
}

const startOfYesterdayUtc = (): string => {
	const d = new Date();
	d.setUTCHours(0, 0, 0, 0);
	d.setUTCDate(d.getUTCDate() - 1);
	return d.toISOString();
};

/** "export customers changed since yesterday": every customer changed since yesterday, newest first. */
export async function checkCustomersChanged(
	suite: Suite,
	extraEnv?: Record<string, string>,
): Promise<void> {
	const since = startOfYesterdayUtc();
	const expected = suite.sim
		.store()
		.list('xtremMasterData.customer')
		.filter((c) => (c._updateStamp as string) >= since);
	expect(expected.length).toBeGreaterThan(0);

	const res = await execute(suite, examplesLib.EXAMPLE_IDS.customersChanged, extraEnv);
	const items = itemsOf(res, 'Customers Changed Since Yesterday');

	expect(items.map((i) => String(i._id)).sort()).toEqual(expected.map((c) => String(c._id)).sort());
	for (const item of items) {
		expect(item).toEqual(
			expect.objectContaining({
				_id: expect.any(String),
				id: expect.any(String),
				name: expect.any(String),
				_updateStamp: expect.any(String),
			}),
		);
		expect((item._updateStamp as string) >= since).toBe(true);
		expect(item.country).toEqual({ id: expect.any(String) });
	}
	const stamps = items.map((i) => i._updateStamp as string);
	expect(stamps).toEqual([...stamps].sort().reverse());
}

/** "raw GraphQL query with pagination": follows every page, one item per active customer. */
export async function checkGraphqlPagination(suite: Suite): Promise<void> {
	const expected = suite.sim
		.store()
		.list('xtremMasterData.customer')
		.filter((c) => c.isActive === true)
		.map((c) => String(c._id));
	expect(expected.length).toBeGreaterThan(50); // more than one page of `first: 50`
	const before = suite.sim.counters().graphqlRequests;

	const res = await execute(suite, examplesLib.EXAMPLE_IDS.graphqlPagination);
	const items = itemsOf(res, 'Active Customers (GraphQL)');

	expect(items.map((i) => String(i._id))).toEqual(expected);
	for (const item of items) {
		expect(item).toEqual({
			_id: expect.any(String),
			id: expect.any(String),
			name: expect.any(String),
			city: expect.anything(),
			currency: { id: expect.any(String) },
		});
	}
	expect(suite.sim.counters().graphqlRequests - before).toBeGreaterThanOrEqual(
		Math.ceil(expected.length / 50),
	);
}

/** n8n's HTTP Request node with the predefined sageErpApi credential calls the tenant's GraphQL URL. */
export async function checkHttpRequestNode(
	suite: Suite,
	extraEnv?: Record<string, string>,
): Promise<void> {
	const res = await execute(suite, HTTP_WORKFLOW_ID, extraEnv);
	const items = itemsOf(res, 'Call Sage GraphQL');
	expect(items).toHaveLength(1);
	const edges = (
		items[0] as {
			data: {
				xtremMasterData: { customer: { query: { edges: { node: Record<string, unknown> }[] } } };
			};
		}
	).data.xtremMasterData.customer.query.edges;
	const firstThree = suite.sim.store().list('xtremMasterData.customer').slice(0, 3);
	expect(edges.map((e) => e.node)).toEqual(
		firstThree.map((c) => ({ _id: String(c._id), id: c.id, name: c.name })),
	);
}

/**
 * `n` concurrent calls of the CRM webhook: `n` sales orders, each exactly once, and one token
 * exchange counted from the simulator's start (the trigger's first poll at activation and the
 * burst's executions all live in one n8n process and share one token).
 */
export async function checkWebhookBurst(
	suite: Suite,
	baseUrl: string,
	n: number,
	prefix: string,
): Promise<void> {
	const results = await webhookBurst(baseUrl, n, prefix);
	await expectEachOrderCreatedOnce(suite, baseUrl, results, prefix);
	const counters = suite.sim.counters();
	expect(counters.mutations.create).toBe(n);
	expect(counters.exchanges).toBe(1);
	expect(counters.exchangesRejected).toBe(0);
	expect(counters.graphqlUnauthorized).toBe(0);
}

/** POST /rest/credentials/test with the sageErpApi data given, as the editor's "Test" button sends it. */
async function testCredential(baseUrl: string, data: Record<string, string>) {
	const session = await n8nLib.login(baseUrl);
	const res = await session.request('POST', '/rest/credentials/test', {
		credentials: { ...examplesLib.CREDENTIAL_REF, type: 'sageErpApi', data },
	});
	observe(res.body, 'credential test response');
	return res;
}

const simulatorData = (suite: Suite) =>
	examplesLib.simulatorCredential(suite.sim).data as Record<string, string>;

export async function checkCredentialTestPasses(suite: Suite, baseUrl: string): Promise<void> {
	const res = await testCredential(baseUrl, simulatorData(suite));
	expect(res.status).toBe(200);
	expect(res.body).toEqual({ data: expect.objectContaining({ status: 'OK' }) });
}

/** A wrong client secret: an Error that names the cause and not the secret, after a real token request. */
export async function checkCredentialTestFailsWithWrongSecret(
	suite: Suite,
	baseUrl: string,
): Promise<void> {
	const rejectedBefore = suite.sim.counters().exchangesRejected;
	const res = await testCredential(baseUrl, {
		...simulatorData(suite),
		clientSecret: 'not-the-right-secret',
	});
	expect(res.status).toBe(200);
	const { status, message } = (res.body as { data: { status: string; message: string } }).data;
	expect(status).toBe('Error');
	expect(message).toMatch(/secret|client|credential|401|403|unauthori[sz]ed|invalid/i);
	expect(message).not.toContain('not-the-right-secret');
	// The test really asked the token endpoint: a cached token must not hide a wrong secret.
	expect(suite.sim.counters().exchangesRejected).toBe(rejectedBefore + 1);
}

/** The trigger example is active in n8n (REST), as published before `n8n start`. */
export async function checkTriggerActive(baseUrl: string): Promise<void> {
	const session = await n8nLib.login(baseUrl);
	const res = await session.request(
		'GET',
		`/rest/workflows/${examplesLib.EXAMPLE_IDS.newSalesOrderTrigger}`,
	);
	expect(res.status).toBe(200);
	expect((res.body as { data: { active: boolean } }).data.active).toBe(true);
}

/**
 * "trigger on new sales orders" (active, polling every minute) emits each of the `count` orders
 * whose reference starts with `prefix` exactly once. n8n polls once at activation, then every
 * minute at a random second: the orders show up in the executions of the next poll(s).
 */
export async function checkTriggerEmitsEachOrderOnce(
	suite: Suite,
	baseUrl: string,
	prefix: string,
	count: number,
): Promise<void> {
	const session = await n8nLib.login(baseUrl);
	const id = examplesLib.EXAMPLE_IDS.newSalesOrderTrigger;
	const wanted = new Set(ordersWithPrefix(suite.sim, prefix).map((o) => String(o._id)));
	expect(wanted.size).toBe(count);
	let emitted: { executionId: string; status: string; items: Record<string, unknown>[] }[] = [];
	await processes.waitUntil(
		async () => {
			emitted = await executionItems(suite, session, id, 'Handle Order');
			const seen = new Set(emitted.flatMap((e) => e.items.map((i) => String(i._id))));
			return [...wanted].every((w) => seen.has(w));
		},
		{
			timeout: 150000,
			interval: 3000,
			what: `the trigger to emit the ${count} orders of the burst`,
		},
	);
	expect(emitted.filter((e) => e.status !== 'success')).toEqual([]);
	const all = emitted.flatMap((e) => e.items);
	const counts = new Map<string, number>();
	for (const item of all) counts.set(String(item._id), (counts.get(String(item._id)) ?? 0) + 1);
	expect([...counts].filter(([, n]) => n !== 1)).toEqual([]);
	const reference = new RegExp(`^${prefix}-`);
	for (const item of all.filter((i) => wanted.has(String(i._id)))) {
		expect(item).toEqual(
			expect.objectContaining({
				number: expect.any(String),
				customerReference: expect.stringMatching(reference),
			}),
		);
	}
}

/**
 * A suite whose n8n runs (`n8n start`) with every example imported and the activatable ones
 * active, the webhook answering, the package loaded and every workflow activated.
 */
export async function openStartedSuite(name: string): Promise<{ suite: Suite; main: N8nProcess }> {
	const workflows = Object.values(examples());
	const suite = await openSuite(name, {
		workflows,
		activate: examplesLib.activatableIds(workflows),
	});
	const main = await startMain(suite);
	await n8nLib.waitForWebhook(main.baseUrl, examplesLib.WEBHOOK_PATH);
	const output = main.output();
	expect(packageLoadError(output)).toBeNull();
	expect(output).not.toMatch(
		/Workflow cannot run on this instance|could not be activated|problem activating/i,
	);
	return { suite, main };
}
