/**
 * The filter builder and the sort list in the real n8n editor (Debian's Chromium driven by
 * playwright-core): "this year's sales orders of one customer, newest first, with number,
 * date and total", built by picking fields and operators from the lists the node loads from
 * the schema, no Sage syntax typed; the saved workflow then runs (`n8n execute`) and its
 * output is checked against the simulator's records.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Locator, Page, Response } from 'playwright-core';

import {
	browser,
	describeE2e,
	examplesLib,
	execute,
	itemsOf,
	observe,
	openSuite,
	PROVISION_TIMEOUT,
	startMain,
	type N8nProcess,
	type Suite,
} from './harness';

const WORKFLOW_ID = 'sageErpFilterE2E';
const NODE_NAME = 'Sales Orders';
const ORDER = 'xtremSales.salesOrder';

/** A manual trigger and a version-2 Get Many of sales orders; the filter and sort are left to the editor. */
function workflow() {
	return {
		id: WORKFLOW_ID,
		name: 'Filter builder end to end',
		active: false,
		nodes: [
			{
				id: 'c2f0e7a4-1111-4a7e-9d0e-000000000001',
				name: 'Run',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'c2f0e7a4-1111-4a7e-9d0e-000000000002',
				name: NODE_NAME,
				type: 'n8n-nodes-sage-erp.sageErp',
				typeVersion: 2,
				position: [240, 0],
				parameters: {
					resource: 'record',
					operation: 'getMany',
					recordType: { __rl: true, mode: 'list', value: ORDER },
					returnAll: true,
					fields: 'number orderDate totalAmountExcludingTax',
					options: {},
				},
				credentials: { sageErpApi: examplesLib.CREDENTIAL_REF },
			},
		],
		connections: { Run: { main: [[{ node: NODE_NAME, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/**
 * The `index`-th parameter `name` inside `scope` (a list parameter's entries repeat their
 * names). A text input carries `parameter-input-field` itself: only wrappers count.
 */
function parameter(scope: Locator, name: string, index: number): Locator {
	return scope
		.locator(`[data-test-id="parameter-input-${name}"]:not(input):not(textarea)`)
		.nth(index);
}

/** Picks `label` in the options parameter `name` of the `index`-th entry of `scope`. */
async function pick(page: Page, scope: Locator, name: string, index: number, label: string) {
	await parameter(scope, name, index).locator('input').first().click();
	// An option shows its name, then its description: the one whose first line is the label.
	const options = page
		.locator('.el-select-dropdown:visible li, .el-popper:visible li')
		.filter({ hasText: label });
	await options.first().waitFor();
	for (const option of await options.all()) {
		const first = (await option.innerText()).split('\n')[0].trim();
		if (first === label) {
			await option.click();
			return;
		}
	}
	throw new Error(`No option "${label}" in ${name}`);
}

/** Types text into the string parameter `name` of the `index`-th entry of `scope`. */
async function typeInto(scope: Locator, name: string, index: number, text: string) {
	const input = parameter(scope, name, index)
		.locator('input, textarea, [contenteditable="true"]')
		.first();
	await input.click();
	await input.fill(text);
}

async function openNode(page: Page, baseUrl: string) {
	await page.goto(`${baseUrl}/workflow/${WORKFLOW_ID}`);
	await page
		.locator(
			`[data-test-id="canvas-node"][data-node-name="${NODE_NAME}"], [data-name="${NODE_NAME}"]`,
		)
		.first()
		.dblclick();
	const ndv = page.locator('[data-test-id="ndv"]');
	await ndv.waitFor({ state: 'visible' });
	return ndv;
}

describeE2e('the filter builder in the n8n editor', () => {
	let suite: Suite;
	let main: N8nProcess;

	beforeAll(async () => {
		suite = await openSuite('filter-builder', { workflows: [workflow()] });
		main = await startMain(suite);
	}, PROVISION_TIMEOUT);

	afterAll(async () => {
		await suite?.close();
	}, 60000);

	test("this year's sales orders of one customer, newest first, with number, date and total", async () => {
		const store = suite.sim.store();
		const yearStart = `${new Date().getFullYear()}-01-01`;
		const orders = store.list(ORDER);
		// The customer with the most orders this year: the list proves both filter and order.
		const counts = new Map<string, number>();
		for (const order of orders.filter((o) => String(o.orderDate) >= yearStart))
			counts.set(String(order.soldToCustomer), (counts.get(String(order.soldToCustomer)) ?? 0) + 1);
		const [customerKey] = [...counts].sort((a, b) => b[1] - a[1])[0];
		const customer = store.get('xtremMasterData.customer', customerKey)!;

		const shot = path.join(os.tmpdir(), `sage-erp-filter-builder-${process.pid}.png`);
		const { page, close } = await browser.openBrowser({ width: 1440, height: 1000 });
		try {
			await browser.signIn(page, main.baseUrl, suite.inst.owner);
			const ndv = await openNode(page, main.baseUrl!);

			const conditions = ndv.locator('[data-test-id="fixed-collection-conditions"]');
			await conditions.locator('[data-test-id="fixed-collection-add"]').click();
			await pick(page, conditions, 'field', 0, 'Sold To Customer › ID');
			await pick(page, conditions, 'operator', 0, 'Is Equal To');
			await typeInto(conditions, 'value', 0, String(customer.id));

			await conditions.locator('[data-test-id="fixed-collection-add"]').click();
			await pick(page, conditions, 'field', 1, 'Order Date');
			await pick(page, conditions, 'operator', 1, 'Is On or After');
			await typeInto(conditions, 'value', 1, yearStart);

			const sort = ndv.locator('[data-test-id="fixed-collection-sort"]');
			await sort.locator('[data-test-id="fixed-collection-add"]').click();
			await pick(page, sort, 'field', 0, 'Order Date');
			await pick(page, sort, 'direction', 0, 'Descending');
			await page.screenshot({ path: shot });

			// Close the panel (the focus leaves the last list first), then save as a person would.
			await ndv.getByText('Parameters', { exact: true }).first().click();
			await page.keyboard.press('Escape');
			const closed = await ndv
				.waitFor({ state: 'hidden', timeout: 10000 })
				.then(() => true)
				.catch(() => false);
			if (!closed) {
				await ndv
					.locator('[data-test-id="ndv-close-button"], [data-test-id="back-to-canvas"]')
					.first()
					.click();
				await ndv.waitFor({ state: 'hidden' });
			}
			const saving = page.waitForResponse(
				(response: Response) =>
					response.url().includes(`/rest/workflows/${WORKFLOW_ID}`) &&
					['PATCH', 'PUT'].includes(response.request().method()),
			);
			await page.keyboard.press('Control+s');
			const saved = await saving;
			expect(saved.ok()).toBe(true);

			// What the editor saved (its save request's answer): the builder's parameters, no Sage text.
			type Saved = { nodes: Array<{ name: string; parameters: Record<string, unknown> }> };
			const body = (await saved.json()) as Saved | { data: Saved };
			observe(body, 'saved workflow');
			const nodes = ('data' in body ? body.data : body).nodes;
			if (!nodes) throw new Error(`The save answered ${JSON.stringify(body).slice(0, 300)}`);
			const parameters = nodes.find((node) => node.name === NODE_NAME)!.parameters;
			expect(parameters.conditions).toEqual({
				condition: [
					// n8n leaves defaults out: Is Equal To is the operator's default.
					{ field: 'soldToCustomer.id', value: String(customer.id) },
					{ field: 'orderDate', operator: 'greaterThanOrEqual', value: yearStart },
				],
			});
			expect(parameters.sort).toEqual({ rule: [{ field: 'orderDate', direction: 'descending' }] });
			expect(parameters.filter).toBeUndefined();
			expect(parameters.orderBy).toBeUndefined();
		} catch (error) {
			await page.screenshot({ path: shot }).catch(() => undefined);
			const ids = await page
				.locator('[data-test-id="fixed-collection-conditions"] [data-test-id]')
				.evaluateAll((nodes: Array<{ getAttribute(name: string): string | null }>) =>
					nodes.map((node) => node.getAttribute('data-test-id')),
				)
				.catch(() => []);
			throw new Error(
				`${(error as Error).message}\n(screenshot: ${shot}; the conditions' test ids: ${ids.join(' ')})`,
			);
		} finally {
			await close();
		}
		fs.rmSync(shot, { force: true });

		const items = itemsOf(await execute(suite, WORKFLOW_ID), NODE_NAME);
		const expected = orders
			.filter((o) => o.soldToCustomer === customerKey && String(o.orderDate) >= yearStart)
			.sort(
				(a, b) =>
					String(b.orderDate).localeCompare(String(a.orderDate)) || Number(a._id) - Number(b._id),
			)
			.map((o) => ({
				number: o.number,
				orderDate: o.orderDate,
				// Sage writes decimals as text; the simulator's store holds numbers.
				totalAmountExcludingTax: String(o.totalAmountExcludingTax),
			}));
		expect(expected.length).toBeGreaterThan(1);
		expect(
			items.map((item) => ({
				...item,
				totalAmountExcludingTax: String(item.totalAmountExcludingTax),
			})),
		).toEqual(expected);
	}, 300000);
});
