'use strict';
/**
 * Headless Chromium (Debian's, driven by playwright-core) signed in to an n8n editor: what
 * `npm run capture` films and the end-to-end screenshot test takes, in one place.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');

const CHROMIUM = process.env.SAGE_ERP_CHROMIUM || '/usr/bin/chromium';

// Quiet and offline: nothing but the n8n under test is contacted.
const ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

/** A fresh browser profile and its first page; `close()` ends both. */
async function openBrowser(viewport) {
	if (!fs.existsSync(CHROMIUM))
		throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
	let playwright;
	try {
		playwright = require('playwright-core');
	} catch {
		throw new Error('playwright-core is missing: it is a devDependency (npm install)');
	}
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sage-erp-chromium-'));
	const context = await playwright.chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		args: ARGS,
		viewport,
		deviceScaleFactor: 1,
	});
	const page = context.pages()[0] ?? (await context.newPage());
	page.setDefaultTimeout(30000);
	const close = async () => {
		await context.close();
		fs.rmSync(profile, { recursive: true, force: true });
	};
	return { page, close };
}

/** Signs the n8n owner in, as a person would on the sign-in page. */
async function signIn(page, baseUrl, owner) {
	await page.goto(`${baseUrl}/signin`);
	await page
		.locator('input[name="emailOrLdapLoginId"], input[type="email"]')
		.first()
		.fill(owner.email);
	await page.locator('input[type="password"]').first().fill(owner.password);
	await page.locator('button[type="submit"], [data-test-id="form-submit-button"]').first().click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
}

/*
 * Steps in the editor, shared by the field mapper's e2e test and `npm run capture`. Each waits
 * for what the page shows next, never for a fixed time: the machine may be loaded.
 */

/** Canvas → node creator → Sage ERP → the action (e.g. "Create or update a record"): its panel opens. */
async function addSageErpAction(page, action) {
	await page.locator('[data-test-id="canvas-handle-plus"]').first().click();
	await page
		.locator(
			'[data-test-id="node-creator-search-bar"] input, input[data-test-id="node-creator-search-bar"]',
		)
		.first()
		.fill('Sage ERP');
	await page
		.locator('[data-test-id="node-creator"]')
		.getByText('Sage ERP', { exact: true })
		.first()
		.click();
	await page.getByText(action, { exact: true }).first().click();
	const ndv = page.locator('[data-test-id="ndv"]');
	await ndv.waitFor({ state: 'visible' });
	return ndv;
}

/** The Record Type picked from the list the tenant's schema gives, searched as a person would. */
async function pickRecordType(page, ndv, search, name) {
	await ndv
		.locator('[data-test-id="resource-locator-recordType"] [data-test-id="rlc-input"]')
		.first()
		.click();
	await page.locator('[data-test-id="rlc-item"]').first().waitFor();
	await page
		.locator('input[data-test-id="rlc-search"], [data-test-id="rlc-search"] input')
		.first()
		.pressSequentially(search, { delay: 20 });
	await page.locator('[data-test-id="rlc-item"]').filter({ hasText: name }).first().click();
}

/** In the middle of the panel: near its edge, n8n scrolls the panel while something is dragged. */
async function centre(locator) {
	await locator.evaluate((element) => element.scrollIntoView({ block: 'center' }));
}

/**
 * Drags a key of the input panel's schema view onto a mapped field, as a person maps an input
 * field (press, move in steps: n8n starts a drag after some movement, release over the field),
 * then waits until the field holds the expression n8n writes for it.
 */
async function dragInputKey(page, ndv, key, fieldId) {
	const source = ndv
		.locator('[data-test-id="ndv-input-panel"] [data-test-id="run-data-schema-item"] span')
		.filter({ hasText: new RegExp(`^${key}$`) })
		.first();
	const target = ndv.locator(`[data-test-id="parameter-input-${fieldId}"]`).first();
	await centre(target);
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

/** Picks a field from the field mapper's list of the record type's other fields ("Add field to send"). */
async function addMapperField(page, ndv, label, fieldId) {
	const add = ndv.locator('[data-test-id="add-fields-select"]').first();
	await centre(add);
	await add.locator('button').first().click();
	await page.getByRole('menuitem', { name: label, exact: true }).first().click();
	await ndv.locator(`[data-test-id="parameter-input-${fieldId}"]`).first().waitFor();
}

/**
 * The first parameter `name` in `scope` (a list parameter's entries repeat their names). A text
 * input carries `parameter-input-<name>` itself: only wrappers count.
 */
function parameterInput(scope, name) {
	return scope.locator(`[data-test-id="parameter-input-${name}"]:not(input):not(textarea)`).first();
}

/** The open dropdown's option whose first line (its name, above any description) is `label`. */
async function optionNamed(page, label) {
	const options = page
		.locator('.el-select-dropdown:visible li, .el-popper:visible li')
		.filter({ hasText: label });
	await options.first().waitFor();
	for (const option of await options.all())
		if ((await option.innerText()).split('\n')[0].trim() === label) return option;
	throw new Error(`no option "${label}" in the open list`);
}

/** Types a plain value into a mapped field and leaves it. */
async function typeMapperValue(ndv, fieldId, value) {
	const input = ndv.locator(`[data-test-id="parameter-input-${fieldId}"] input`).first();
	await centre(input);
	await input.fill(value);
	await input.press('Tab');
}

module.exports = {
	CHROMIUM,
	openBrowser,
	signIn,
	addSageErpAction,
	pickRecordType,
	dragInputKey,
	addMapperField,
	typeMapperValue,
	parameterInput,
	optionNamed,
};
