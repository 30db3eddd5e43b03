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

import type { Locator, Page } from 'playwright-core';

import {
	browser,
	describeE2e,
	observe,
	openSuite,
	PROVISION_TIMEOUT,
	startMain,
	type N8nProcess,
	type Suite,
} from './harness';

const WORKFLOW_ID = 'sageErpE2eMapperUi';
const CONTACT = {
	email: 'buyer@mapper-ui.example',
	company: 'Mapper UI Robotics',
	country: 'FR',
	currency: 'EUR',
};
const DEBUG_DIR = process.env.SAGE_ERP_DEBUG_DOM;

/** Manual Trigger → "CRM Contact" (the contact a CRM webhook would deliver), as a user starts. */
function startingWorkflow() {
	return {
		id: WORKFLOW_ID,
		name: 'CRM contact to Sage customer',
		active: false,
		nodes: [
			{
				id: 'e0000000-0000-4000-8000-000000000001',
				name: "When clicking 'Execute workflow'",
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'e0000000-0000-4000-8000-000000000002',
				name: 'CRM Contact',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [220, 0],
				parameters: { mode: 'raw', jsonOutput: JSON.stringify(CONTACT, null, 2), options: {} },
			},
		],
		connections: {
			"When clicking 'Execute workflow'": {
				main: [[{ node: 'CRM Contact', type: 'main', index: 0 }]],
			},
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

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

/** Canvas → node creator → Sage ERP → "Create or update a record": the node's panel opens. */
async function addCreateOrUpdate(page: Page): Promise<Locator> {
	await page.locator('[data-test-id="canvas-handle-plus"]').first().click();
	const search = page
		.locator(
			'[data-test-id="node-creator-search-bar"] input, input[data-test-id="node-creator-search-bar"]',
		)
		.first();
	await search.fill('Sage ERP');
	const creator = page.locator('[data-test-id="node-creator"]');
	await creator.getByText('Sage ERP', { exact: true }).first().click();
	const action = page.getByText('Create or update a record', { exact: true }).first();
	await action.click();
	const ndv = page.locator('[data-test-id="ndv"]');
	await ndv.waitFor({ state: 'visible' });
	return ndv;
}

/** The Record Type from the list the tenant's schema gives, searched as a person would. */
async function pickRecordType(page: Page, ndv: Locator, name: string): Promise<void> {
	await ndv
		.locator('[data-test-id="resource-locator-recordType"] [data-test-id="rlc-input"]')
		.first()
		.click();
	const listSearch = page
		.locator('input[data-test-id="rlc-search"], [data-test-id="rlc-search"] input')
		.first();
	await page.locator('[data-test-id="rlc-item"]').first().waitFor();
	await listSearch.pressSequentially('customer', { delay: 20 });
	await page.locator('[data-test-id="rlc-item"]').filter({ hasText: name }).first().click();
}

/**
 * Drags a key of the input panel's schema view onto a mapped field, as a person maps an input
 * field: press, move in steps (n8n starts a drag after some movement), release over the field.
 * Waits until the field holds the expression n8n writes for it.
 */
async function dragInputKey(page: Page, ndv: Locator, key: string, fieldId: string): Promise<void> {
	const source = ndv
		.locator('[data-test-id="ndv-input-panel"] [data-test-id="run-data-schema-item"] span')
		.filter({ hasText: new RegExp(`^${key}$`) })
		.first();
	const target = ndv.locator(`[data-test-id="parameter-input-${fieldId}"]`).first();
	// In the middle of the panel: near its edge, n8n scrolls it while dragging.
	await target.evaluate((element) => element.scrollIntoView({ block: 'center' }));
	const from = await source.boundingBox();
	const to = await target.boundingBox();
	if (!from || !to) throw new Error(`cannot drag ${key} onto ${fieldId}: not on screen`);
	await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
	await page.mouse.down();
	await page.mouse.move(from.x + from.width / 2 + 20, from.y + from.height / 2 + 5, { steps: 5 });
	await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 15 });
	await page.mouse.up();
	await target.getByText(`{{ $json.${key} }}`).first().waitFor();
}

/** Picks a field from the mapper's list of the record type's other fields ("Add field to send"). */
async function addField(page: Page, ndv: Locator, label: string, fieldId: string): Promise<void> {
	const select = ndv.locator('[data-test-id="add-fields-select"]').first();
	await select.evaluate((element) => element.scrollIntoView({ block: 'center' }));
	await select.locator('button').first().click();
	await page.getByRole('menuitem', { name: label, exact: true }).first().click();
	await ndv.locator(`[data-test-id="parameter-input-${fieldId}"]`).first().waitFor();
}

/** Types a plain value into a mapped field. */
async function typeValue(ndv: Locator, fieldId: string, value: string): Promise<void> {
	const input = ndv.locator(`[data-test-id="parameter-input-${fieldId}"] input`).first();
	await input.scrollIntoViewIfNeeded();
	await input.fill(value);
	await input.press('Tab');
}

describeE2e('the field mapper in the n8n editor (headless Chromium)', () => {
	let suite: Suite;
	let main: N8nProcess;
	beforeAll(async () => {
		suite = await openSuite('mapper-ui', { workflows: [startingWorkflow()] });
		main = await startMain(suite);
	}, PROVISION_TIMEOUT);
	afterAll(async () => await suite?.close(), 60000);

	test('CRM contact → Create or Update customer: record type and fields from lists, values typed, the customer in Sage', async () => {
		const { page, close } = await browser.openBrowser({ width: 1440, height: 900 });
		try {
			await browser.signIn(page, main.baseUrl, suite.inst.owner);
			await page.goto(`${main.baseUrl}/workflow/${WORKFLOW_ID}`);
			await page.locator('[data-test-id="canvas-node"]').first().waitFor();
			const ndv = await addCreateOrUpdate(page);
			await pickRecordType(page, ndv, 'xtremMasterData.customer');
			await ndv.getByText("Currency: a currency's ID").first().waitFor();
			await dump(page, 'fields-loaded');
			// The contact as input: run the nodes before, then map its keys.
			await ndv.locator('[data-test-id="execute-previous-node"]').first().click();
			await ndv
				.locator('[data-test-id="ndv-input-panel"] [data-test-id="run-data-schema-item"]')
				.first()
				.waitFor();
			await dragInputKey(page, ndv, 'email', 'id');
			await dump(page, 'first-drag');
			await dragInputKey(page, ndv, 'company', 'name');
			await dragInputKey(page, ndv, 'currency', 'currency');
			// The optional fields come from the mapper's list of the customer's fields.
			await addField(page, ndv, 'Email', 'email');
			await dragInputKey(page, ndv, 'email', 'email');
			await addField(page, ndv, "Country: a country's ID", 'country');
			await dragInputKey(page, ndv, 'country', 'country');
			await addField(page, ndv, 'Payment Term Days', 'paymentTermDays');
			await typeValue(ndv, 'paymentTermDays', '30');
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
