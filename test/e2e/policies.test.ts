/**
 * What an administrator set in n8n applies to the Sage ERP node, because its requests go
 * through n8n's own HTTP helper: proxy variables, the credential's "Allowed HTTP Request
 * Domains", and SSRF protection. Run by a real n8n with `n8n execute`.
 */
import { startForwardProxy } from '../helpers/forward-proxy';

import {
	describeE2e,
	examplesLib,
	itemsOf,
	n8nLib,
	observe,
	openSuite,
	PROVISION_TIMEOUT,
	Suite,
	type RunResult,
} from './harness';

const OPEN = 'sageErpE2ePolicy';
const RESTRICTED = 'sageErpE2eDomain';
const RESTRICTED_CREDENTIAL = { id: 'sageErpRestricted', name: 'Sage ERP (only api.erp.sage.com)' };
const NODE = 'Read Customer';

/** Manual Trigger -> Sage ERP Get of one customer, with the given credential. */
function getWorkflow(id: string, credential: { id: string; name: string }) {
	return {
		id,
		name: `e2e: ${id}`,
		active: false,
		nodes: [
			{
				id: `${id}-0`,
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: `${id}-1`,
				name: NODE,
				type: 'n8n-nodes-sage-erp.sageErp',
				typeVersion: 1,
				position: [240, 0],
				parameters: {
					resource: 'record',
					operation: 'get',
					recordType: { __rl: true, mode: 'list', value: 'xtremMasterData.customer' },
					id: '#FR001',
					fields: '_id id name',
				},
				credentials: { sageErpApi: credential },
			},
		],
		connections: { Start: { main: [[{ node: NODE, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

/** The workflow's error message, or '' when it ran through. */
function errorMessage(res: RunResult): string {
	const error = res.run?.data?.resultData?.error;
	return error ? `${error.message}` : '';
}

describeE2e('n8n policies apply to the Sage ERP node (n8n execute)', () => {
	let suite: Suite;
	const run = async (id: string, env: Record<string, string> = {}): Promise<RunResult> => {
		const res: RunResult = await n8nLib.executeWorkflow(
			suite.inst.n8n,
			{ ...(await suite.inst.cliEnv()), ...env },
			id,
		);
		observe(res.stdout, `n8n execute ${id} stdout`);
		observe(res.stderr, `n8n execute ${id} stderr`);
		return res;
	};

	beforeAll(async () => {
		suite = await openSuite('policies');
		const restricted = {
			...examplesLib.simulatorCredential(suite.sim, {
				allowedHttpRequestDomains: 'domains',
				allowedDomains: 'api.erp.sage.com',
			}),
			...RESTRICTED_CREDENTIAL,
		};
		await n8nLib.importCredentials(suite.inst.n8n, await suite.inst.cliEnv(), [restricted]);
		await n8nLib.importWorkflows(suite.inst.n8n, await suite.inst.cliEnv(), [
			getWorkflow(OPEN, examplesLib.CREDENTIAL_REF),
			getWorkflow(RESTRICTED, RESTRICTED_CREDENTIAL),
		]);
	}, PROVISION_TIMEOUT);

	afterAll(async () => {
		await suite?.close();
	}, 60000);

	test('with proxy variables set, every request to Sage goes through the proxy', async () => {
		const proxy = await startForwardProxy();
		try {
			const res = await run(OPEN, {
				HTTP_PROXY: proxy.url,
				http_proxy: proxy.url,
				NO_PROXY: '',
				no_proxy: '',
			});
			expect(itemsOf(res, NODE).map((item) => item.id)).toEqual(['FR001']);
			expect(proxy.hosts).toContain(new URL(suite.sim.baseUrl).host);
		} finally {
			await proxy.close();
		}
	});

	test('"Specific Domains" without the simulator host refuses the call with n8n\'s message, before anything is sent', async () => {
		suite.sim.resetCounters();
		const res = await run(RESTRICTED);
		const host = new URL(suite.sim.baseUrl).host;
		expect(errorMessage(res)).toContain(
			`Domain not allowed: This credential is restricted from accessing ${host}. Only the following domains are allowed: api.erp.sage.com`,
		);
		expect(suite.sim.counters()).toMatchObject({ exchanges: 0, graphqlRequests: 0 });
	});

	test("with SSRF protection on, loopback is refused by n8n's policy, and passes once allowed", async () => {
		suite.sim.resetCounters();
		const blocked = await run(OPEN, { N8N_SSRF_PROTECTION_ENABLED: 'true' });
		expect(errorMessage(blocked)).toContain(
			'The request was blocked because it resolves to a restricted IP address',
		);
		expect(suite.sim.counters()).toMatchObject({ exchanges: 0, graphqlRequests: 0 });

		const allowed = await run(OPEN, {
			N8N_SSRF_PROTECTION_ENABLED: 'true',
			N8N_SSRF_ALLOWED_IP_RANGES: '127.0.0.0/8',
		});
		expect(itemsOf(allowed, NODE).map((item) => item.id)).toEqual(['FR001']);
	});
});
