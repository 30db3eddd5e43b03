/**
 * `n8n start` with the examples published: the CRM webhook under a burst of concurrent
 * requests, the credential's Test through n8n's REST API, and a screenshot of the Sage ERP
 * node's panel in the editor (headless Debian chromium driven by playwright-core).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
	checkCredentialTestFailsWithWrongSecret,
	checkCredentialTestPasses,
	checkTriggerEmitsEachOrderOnce,
	checkWebhookBurst,
	openStartedSuite,
} from './checks';
import {
	browser,
	describeE2e,
	examples,
	examplesLib,
	n8nLib,
	N8nProcess,
	observe,
	PROVISION_TIMEOUT,
	Suite,
} from './harness';

const BURST = 50;
// The README's picture is refreshed only on request: a test run never changes a tracked file.
const SCREENSHOT =
	process.env.SAGE_ERP_UPDATE_SCREENSHOT === '1'
		? path.join(n8nLib.REPO_ROOT as string, 'docs', 'sage-erp-node.png')
		: path.join(os.tmpdir(), `sage-erp-node-${process.pid}.png`);

describeE2e('the package in `n8n start`', () => {
	let suite: Suite;
	let main: N8nProcess;
	const wf = examples();

	beforeAll(async () => {
		({ suite, main } = await openStartedSuite('server'));
	}, PROVISION_TIMEOUT);

	afterAll(async () => {
		await suite?.close();
	}, 60000);

	test(`${BURST} concurrent webhook calls create ${BURST} sales orders, each exactly once, with one token exchange`, async () => {
		await checkWebhookBurst(suite, main.baseUrl!, BURST, 'E2E-MAIN');
	}, 180000);

	test("an order Sage refuses answers HTTP 422 with Sage's message (the error output of the Sage ERP node)", async () => {
		const created = suite.sim.counters().mutations.create;
		const res = await fetch(`${main.baseUrl}/webhook/${examplesLib.WEBHOOK_PATH}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				...examplesLib.sampleOrder('E2E-REFUSED'),
				soldToCustomer: '#NO-SUCH-CUSTOMER',
			}),
		});
		const body = (await res.json()) as { error?: string };
		observe(body, 'webhook error response');
		expect(res.status).toBe(422);
		expect(body.error).toMatch(/NO-SUCH-CUSTOMER/);
		expect(suite.sim.counters().mutations.create).toBe(created);
	}, 60000);

	describe('credential Test (POST /rest/credentials/test)', () => {
		test('passes with the simulator client', async () => {
			await checkCredentialTestPasses(suite, main.baseUrl!);
		}, 60000);

		test('fails clearly with a wrong client secret', async () => {
			await checkCredentialTestFailsWithWrongSecret(suite, main.baseUrl!);
		}, 60000);
	});

	test('screenshot of the Sage ERP node panel in the editor (docs/sage-erp-node.png with SAGE_ERP_UPDATE_SCREENSHOT=1)', async () => {
		const { page, close } = await browser.openBrowser({ width: 1440, height: 900 });
		try {
			await browser.signIn(page, main.baseUrl, suite.inst.owner);

			const crm = wf[examplesLib.EXAMPLE_IDS.crmWebhook];
			const node = crm.nodes.find((n) => n.type === 'n8n-nodes-sage-erp.sageErp') as unknown as {
				id: string;
				name: string;
			};
			await page.goto(`${main.baseUrl}/workflow/${crm.id}/${node.id}`);
			const ndv = page.locator('[data-test-id="ndv"]');
			const opened = await ndv
				.waitFor({ state: 'visible', timeout: 20000 })
				.then(() => true)
				.catch(() => false);
			if (!opened) {
				// Older routes: open the panel by double-clicking the node on the canvas.
				await page
					.locator(
						`[data-test-id="canvas-node"][data-node-name="${node.name}"], [data-name="${node.name}"]`,
					)
					.first()
					.dblclick();
			}
			await ndv.waitFor({ state: 'visible' });
			// The panel shows the node's own parameters, not n8n's "Install this node to use it".
			await ndv.getByText('Operation', { exact: false }).first().waitFor();
			expect(await ndv.getByText('Install this node').count()).toBe(0);
			await page.waitForTimeout(1500); // icons, fonts and the parameter list settle
			fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
			await page.screenshot({ path: SCREENSHOT });
			const png = fs.readFileSync(SCREENSHOT);
			expect(png.subarray(1, 4).toString()).toBe('PNG');
			expect(png.length).toBeGreaterThan(20000);
			observe(await page.locator('[data-test-id="ndv"]').innerText(), 'editor node panel');
		} finally {
			await close();
			if (process.env.SAGE_ERP_UPDATE_SCREENSHOT !== '1') fs.rmSync(SCREENSHOT, { force: true });
		}
	}, 120000);

	test('"trigger on new sales orders" (active, polling every minute) emits each new order exactly once', async () => {
		await checkTriggerEmitsEachOrderOnce(suite, main.baseUrl!, 'E2E-MAIN', BURST);
	}, 180000);
});
