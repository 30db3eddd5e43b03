/**
 * `n8n start` with the examples published: the CRM webhook under a burst of concurrent
 * requests, the credential's Test through n8n's REST API, and a screenshot of the Sage ERP
 * node's panel in the editor (headless Debian chromium driven by playwright-core).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
	describeE2e,
	examples,
	examplesLib,
	expectEachOrderCreatedOnce,
	n8nLib,
	N8nProcess,
	observe,
	executionItems,
	openSuite,
	packageLoadError,
	ordersWithPrefix,
	processes,
	PROVISION_TIMEOUT,
	startMain,
	Suite,
	webhookBurst,
} from './harness';

const BURST = 50;
const CHROMIUM = process.env.SAGE_ERP_CHROMIUM || '/usr/bin/chromium';
const SCREENSHOT = path.join(n8nLib.REPO_ROOT as string, 'docs', 'sage-erp-node.png');

describeE2e('the package in `n8n start`', () => {
	let suite: Suite;
	let main: N8nProcess;
	const wf = examples();

	beforeAll(async () => {
		const workflows = Object.values(wf);
		suite = await openSuite('server', { workflows, activate: examplesLib.activatableIds(workflows) });
		main = await startMain(suite);
		await n8nLib.waitForWebhook(main.baseUrl, examplesLib.WEBHOOK_PATH);
		const output = main.output();
		expect(packageLoadError(output)).toBeNull();
		expect(output).not.toMatch(/Workflow cannot run on this instance|could not be activated|problem activating/i);
	}, PROVISION_TIMEOUT);

	afterAll(async () => {
		await suite?.close();
	}, 60000);

	test(`${BURST} concurrent webhook calls create ${BURST} sales orders, each exactly once, with one token exchange`, async () => {
		// Counted from the simulator's start: the trigger's first poll (at activation) and the
		// burst's executions all live in this one n8n process and share one token.
		const results = await webhookBurst(main.baseUrl!, BURST, 'E2E-MAIN');
		await expectEachOrderCreatedOnce(suite, main.baseUrl!, results, 'E2E-MAIN');
		const counters = suite.sim.counters();
		expect(counters.mutations.create).toBe(BURST);
		expect(counters.exchanges).toBe(1);
		expect(counters.exchangesRejected).toBe(0);
		expect(counters.graphqlUnauthorized).toBe(0);
	}, 180000);

	test('an order Sage refuses answers HTTP 422 with Sage\'s message (the error output of the Sage ERP node)', async () => {
		const created = suite.sim.counters().mutations.create;
		const res = await fetch(`${main.baseUrl}/webhook/${examplesLib.WEBHOOK_PATH}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ ...examplesLib.sampleOrder('E2E-REFUSED'), soldToCustomer: '#NO-SUCH-CUSTOMER' }),
		});
		const body = (await res.json()) as { error?: string };
		observe(body, 'webhook error response');
		expect(res.status).toBe(422);
		expect(body.error).toMatch(/NO-SUCH-CUSTOMER/);
		expect(suite.sim.counters().mutations.create).toBe(created);
	}, 60000);

	describe('credential Test (POST /rest/credentials/test)', () => {
		const test_ = async (data: Record<string, string>) => {
			const session = await n8nLib.login(main.baseUrl);
			const res = await session.request('POST', '/rest/credentials/test', {
				credentials: { ...examplesLib.CREDENTIAL_REF, type: 'sageErpApi', data },
			});
			observe(res.body, 'credential test response');
			return res;
		};
		const good = () => examplesLib.simulatorCredential(suite.sim).data as Record<string, string>;

		test('passes with the simulator client', async () => {
			const res = await test_(good());
			expect(res.status).toBe(200);
			expect(res.body).toEqual({ data: expect.objectContaining({ status: 'OK' }) });
		}, 60000);

		test('fails clearly with a wrong client secret', async () => {
			const rejectedBefore = suite.sim.counters().exchangesRejected;
			const res = await test_({ ...good(), clientSecret: 'not-the-right-secret' });
			expect(res.status).toBe(200);
			const { status, message } = (res.body as { data: { status: string; message: string } }).data;
			expect(status).toBe('Error');
			expect(message).toMatch(/secret|client|credential|401|403|unauthori[sz]ed|invalid/i);
			expect(message).not.toContain('not-the-right-secret');
			// The test really asked the token endpoint: a cached token must not hide a wrong secret.
			expect(suite.sim.counters().exchangesRejected).toBe(rejectedBefore + 1);
		}, 60000);
	});

	test('screenshot of the Sage ERP node panel in the editor (docs/sage-erp-node.png)', async () => {
		if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
		 
		let playwright: any;
		try {
			playwright = require('playwright-core'); // eslint-disable-line @typescript-eslint/no-require-imports
		} catch {
			throw new Error('playwright-core is missing: it is a devDependency (npm install)');
		}
		const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sage-erp-chromium-'));
		const context = await playwright.chromium.launchPersistentContext(userDataDir, {
			executablePath: CHROMIUM,
			headless: true,
			args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
			viewport: { width: 1440, height: 900 },
			deviceScaleFactor: 1,
		});
		try {
			const page = context.pages()[0] ?? (await context.newPage());
			page.setDefaultTimeout(30000);
			await page.goto(`${main.baseUrl}/signin`);
			await page.locator('input[name="emailOrLdapLoginId"], input[type="email"]').first().fill(suite.inst.owner.email);
			await page.locator('input[type="password"]').first().fill(suite.inst.owner.password);
			await page.locator('button[type="submit"], [data-test-id="form-submit-button"]').first().click();
			await page.waitForURL((url: URL) => !url.pathname.startsWith('/signin'));

			const crm = wf[examplesLib.EXAMPLE_IDS.crmWebhook];
			const node = crm.nodes.find((n) => n.type === 'n8n-nodes-sage-erp.sageErp') as unknown as { id: string; name: string };
			await page.goto(`${main.baseUrl}/workflow/${crm.id}/${node.id}`);
			const ndv = page.locator('[data-test-id="ndv"]');
			const opened = await ndv
				.waitFor({ state: 'visible', timeout: 20000 })
				.then(() => true)
				.catch(() => false);
			if (!opened) {
				// Older routes: open the panel by double-clicking the node on the canvas.
				await page.locator(`[data-test-id="canvas-node"][data-node-name="${node.name}"], [data-name="${node.name}"]`).first().dblclick();
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
			await context.close();
			fs.rmSync(userDataDir, { recursive: true, force: true });
		}
	}, 120000);

	test('"trigger on new sales orders" (active, polling every minute) emits each new order exactly once', async () => {
		// n8n polls once at activation, then every minute at a random second: the orders of the
		// burst show up in the executions of the next poll(s).
		const session = await n8nLib.login(main.baseUrl);
		const id = examplesLib.EXAMPLE_IDS.newSalesOrderTrigger;
		const wanted = new Set(ordersWithPrefix(suite.sim, 'E2E-MAIN').map((o) => String(o._id)));
		expect(wanted.size).toBe(BURST);
		let emitted: { executionId: string; status: string; items: Record<string, unknown>[] }[] = [];
		await processes.waitUntil(
			async () => {
				emitted = await executionItems(suite, session, id, 'Handle Order');
				const seen = new Set(emitted.flatMap((e) => e.items.map((i) => String(i._id))));
				return [...wanted].every((w) => seen.has(w));
			},
			{ timeout: 150000, interval: 3000, what: `the trigger to emit the ${BURST} orders of the burst` },
		);
		expect(emitted.filter((e) => e.status !== 'success')).toEqual([]);
		const all = emitted.flatMap((e) => e.items);
		const counts = new Map<string, number>();
		for (const item of all) counts.set(String(item._id), (counts.get(String(item._id)) ?? 0) + 1);
		expect([...counts].filter(([, n]) => n !== 1)).toEqual([]);
		for (const item of all.filter((i) => wanted.has(String(i._id)))) {
			expect(item).toEqual(expect.objectContaining({ number: expect.any(String), customerReference: expect.stringMatching(/^E2E-MAIN-/) }));
		}
	}, 180000);
});
