/**
 * The smoke subset of the end-to-end suite that `npm run test:matrix` runs on every n8n version
 * of the matrix (scripts/n8n-versions.json), one version per jest run (SAGE_ERP_N8N_VERSION):
 * every example workflow, n8n's HTTP Request node with the sageErpApi credential, the
 * credential's Test passing and failing, a burst of concurrent webhooks sharing one token, and
 * the polling trigger active and emitting. Same checks as the full suite (./checks), fewer of
 * them, a smaller burst. Not matched by `npm test` (jest.config.js runs *.test.ts only).
 */
import {
	checkCredentialTestFailsWithWrongSecret,
	checkCredentialTestPasses,
	checkCustomersChanged,
	checkGraphqlPagination,
	checkHttpRequestNode,
	checkTriggerActive,
	checkTriggerEmitsEachOrderOnce,
	checkWebhookBurst,
	HTTP_WORKFLOW_ID,
	importExamplesAndHttpRequest,
	openStartedSuite,
} from './checks';
import {
	describeE2e,
	execute,
	N8N_MAJOR,
	N8N_VERSION,
	n8nLib,
	N8nProcess,
	openSuite,
	PROVISION_TIMEOUT,
	Suite,
	testOnVersion,
} from './harness';

const BURST = 20;
const PREFIX = 'E2E-SMOKE';

/** What n8n 1.x lacks, as the reason a test is skipped there (true: this version has it). */
const SSRF_PROTECTION: true | string =
	N8N_MAJOR >= 2
		? true
		: 'n8n 1.x has no SSRF protection (N8N_SSRF_PROTECTION_ENABLED arrived with 2.x)';

describeE2e(
	`smoke on n8n ${N8N_VERSION}: the examples and the HTTP Request node (n8n execute)`,
	() => {
		let suite: Suite;

		beforeAll(async () => {
			suite = await openSuite('smoke-execute');
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

		testOnVersion(
			'with SSRF protection on, loopback is refused to the HTTP Request node until 127.0.0.0/8 is allowed; then the HTTP Request node and the Sage ERP node work',
			SSRF_PROTECTION,
			async () => {
				// The refusal proves the setting is live, so that the passes after it mean something.
				const blocked = await execute(suite, HTTP_WORKFLOW_ID, {
					N8N_SSRF_PROTECTION_ENABLED: 'true',
				});
				expect(() => n8nLib.outputItems(blocked.run, 'Call Sage GraphQL')).toThrow(
					/Server-Side Request Forgery|restricted IP/,
				);
				const allowed = {
					N8N_SSRF_PROTECTION_ENABLED: 'true',
					N8N_SSRF_ALLOWED_IP_RANGES: '127.0.0.0/8',
				};
				await checkHttpRequestNode(suite, allowed);
				await checkCustomersChanged(suite, allowed);
			},
			180000,
		);
	},
);

describeE2e(`smoke on n8n ${N8N_VERSION}: the package in \`n8n start\``, () => {
	let suite: Suite;
	let main: N8nProcess;

	beforeAll(async () => {
		({ suite, main } = await openStartedSuite('smoke-start'));
	}, PROVISION_TIMEOUT);

	afterAll(async () => {
		await suite?.close();
	}, 60000);

	test('"trigger on new sales orders" is active', async () => {
		await checkTriggerActive(main.baseUrl!);
	}, 60000);

	test(`${BURST} concurrent webhook calls create ${BURST} sales orders, each exactly once, with one token exchange`, async () => {
		await checkWebhookBurst(suite, main.baseUrl!, BURST, PREFIX);
	}, 180000);

	// After the burst: each Test asks the token endpoint, which the burst's count must not include.
	test('credential Test passes with the simulator client', async () => {
		await checkCredentialTestPasses(suite, main.baseUrl!);
	}, 60000);

	test('credential Test fails clearly with a wrong client secret', async () => {
		await checkCredentialTestFailsWithWrongSecret(suite, main.baseUrl!);
	}, 60000);

	test('"trigger on new sales orders" emits each order of the burst exactly once', async () => {
		await checkTriggerEmitsEachOrderOnce(suite, main.baseUrl!, PREFIX, BURST);
	}, 180000);
});
