/**
 * The example workflows (examples/*.json) and n8n's HTTP Request node, run by a real n8n
 * with `n8n execute --id <id> --rawOutput` against the simulator.
 */
import { checkCustomersChanged, checkGraphqlPagination, checkHttpRequestNode, importExamplesAndHttpRequest } from './checks';
import { describeE2e, examples, examplesLib, openSuite, PROVISION_TIMEOUT, Suite } from './harness';

describeE2e('example workflows in a real n8n (n8n execute)', () => {
	let suite: Suite;
	const wf = examples();
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

	test("n8n's HTTP Request node calls the GraphQL URL with the sageErpApi credential", async () => {
		await checkHttpRequestNode(suite);
	}, 120000);

	test('every example workflow is valid n8n workflow JSON with stable ids and the contract parameter names', () => {
		const allowed = new Set([
			...['resource', 'operation', 'recordType', 'id', 'fields', 'filter', 'orderBy', 'returnAll', 'limit', 'data', 'query', 'variables', 'operationName', 'output', 'splitPath', 'options'],
			...['matchOn', 'groupBy', 'values', 'asyncOperation', 'arguments', 'resultFields'],
		]);
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
