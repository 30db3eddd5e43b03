/**
 * The field mapper in a real n8n editor (2.40.7), driven by Debian's headless Chromium as a
 * person would: a CRM contact `{ email, company, country, currency }` into Record → Create or
 * Update of a customer. The node is added from the node creator, the Record Type picked from
 * its list, the fields come from the tenant's schema with their required marks; only values
 * are typed (expressions naming the input's keys, the country and currency as the CRM has
 * them, without Sage's `#`). Then the step runs and the simulator holds the customer.
 * Every wait is for something on the page, never a fixed time: the machine may be loaded.
 */
import fs from 'node:fs';
import path from 'node:path';

import type { Page } from 'playwright-core';

import {
	browser,
	describeE2e,
	examplesLib,
	observe,
	openSuite,
	PROVISION_TIMEOUT,
	startMain,
	type N8nProcess,
	type Suite,
} from './harness';

const WORKFLOW_ID = 'sageErpE2eMapperUi';
const CONTACT = examplesLib.CRM_CONTACT as Record<string, string>;
const DEBUG_DIR = process.env.SAGE_ERP_DEBUG_DOM;

/** What the page shows, for the secret guard, and in a folder when debugging the selectors. */
async function dump(page: Page, name: string): Promise<void> {
	observe(await page.locator('body').innerText(), `editor: ${name}`);
	if (!DEBUG_DIR) return;
	fs.mkdirSync(DEBUG_DIR, { recursive: true });
	await page.screenshot({ path: path.join(DEBUG_DIR, `${name}.png`) });
	const ids = await page
		.locator('[data-test-id]')
		.evaluateAll((elements) =>
			elements.map(
				(element) =>
					`${element.getAttribute('data-test-id')}\t${(element.textContent ?? '').slice(0, 80).replace(/\s+/g, ' ')}`,
			),
		);
	fs.writeFileSync(path.join(DEBUG_DIR, `${name}.txt`), ids.join('\n'));
	fs.writeFileSync(
		path.join(DEBUG_DIR, `${name}.html`),
		await page
			.locator('[data-test-id="ndv"]')
			.first()
			.innerHTML()
			.catch(() => ''),
	);
}

describeE2e('the field mapper in the n8n editor (headless Chromium)', () => {
	let suite: Suite;
	let main: N8nProcess;
	beforeAll(async () => {
		suite = await openSuite('mapper-ui', { workflows: [examplesLib.crmContactStart(WORKFLOW_ID)] });
		main = await startMain(suite);
	}, PROVISION_TIMEOUT);
	afterAll(async () => await suite?.close(), 60000);

	test('CRM contact → Create or Update customer: record type and fields from lists, values typed, the customer in Sage', async () => {
		const { page, close } = await browser.openBrowser({ width: 1440, height: 900 });
		try {
			await browser.signIn(page, main.baseUrl, suite.inst.owner);
			await page.goto(`${main.baseUrl}/workflow/${WORKFLOW_ID}`);
			await page.locator('[data-test-id="canvas-node"]').first().waitFor();
			const ndv = await browser.addSageErpAction(page, 'Create or update a record');
			await browser.pickRecordType(page, ndv, 'customer', 'xtremMasterData.customer');
			await ndv.getByText("Currency: a currency's ID").first().waitFor();
			await dump(page, 'fields-loaded');
			// The contact as input: run the nodes before, then map its keys.
			await ndv.locator('[data-test-id="execute-previous-node"]').first().click();
			await ndv
				.locator('[data-test-id="ndv-input-panel"] [data-test-id="run-data-schema-item"]')
				.first()
				.waitFor();
			await browser.dragInputKey(page, ndv, 'email', 'id');
			await dump(page, 'first-drag');
			await browser.dragInputKey(page, ndv, 'company', 'name');
			await browser.dragInputKey(page, ndv, 'currency', 'currency');
			// The optional fields come from the mapper's list of the customer's fields.
			await browser.addMapperField(page, ndv, 'Email', 'email');
			await browser.dragInputKey(page, ndv, 'email', 'email');
			await browser.addMapperField(page, ndv, "Country: a country's ID", 'country');
			await browser.dragInputKey(page, ndv, 'country', 'country');
			await browser.addMapperField(page, ndv, 'Payment Term Days', 'paymentTermDays');
			await browser.typeMapperValue(ndv, 'paymentTermDays', '30');
			await dump(page, 'mapped');
			await ndv.locator('[data-test-id="node-execute-button"]').first().click();
			const output = page.locator('[data-test-id="output-panel"]');
			await output.getByText('created', { exact: true }).first().waitFor();
			await dump(page, 'executed');
			const [customer] = suite.sim
				.store()
				.list('xtremMasterData.customer')
				.filter((record) => record.id === CONTACT.email);
			expect(customer).toMatchObject({
				name: CONTACT.company,
				email: CONTACT.email,
				paymentTermDays: 30,
			});
			const france = suite.sim
				.store()
				.list('xtremStructure.country')
				.find((country) => country.id === 'FR');
			expect(customer.country).toBe(france?._id);
		} catch (error) {
			await dump(page, 'failure').catch(() => undefined);
			throw error;
		} finally {
			await close();
		}
	}, 240000);
});
