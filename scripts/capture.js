#!/usr/bin/env node
'use strict';
/**
 * `npm run capture`: the README's moving pictures. A real `n8n start` with this package and the
 * simulator, driven by headless Chromium (playwright-core, as the e2e tests are):
 * - docs/sage-erp-get-many.gif: add the Sage ERP node (version 2) after a Manual Trigger, choose
 *   Get Many, pick the Record Type from the list, set Limit, build a filter condition and pick
 *   the fields to return from their lists, execute the step and show the items, then give the
 *   condition a value its field cannot take and show it refused before anything is sent;
 * - docs/sage-erp-field-mapper.gif: a CRM contact into Create or Update of a customer, the
 *   Record Type from the list, the contact's keys dragged onto the fields the schema gives,
 *   optional fields added from the mapper's list, the step executed.
 * Each step is a frame; ImageMagick (Debian's `imagemagick`) turns them into the GIF.
 *
 * Options: --film <get-many|field-mapper, default both>  --out <gif, with --film>
 *          --frames <folder to keep the PNG frames in>
 * Needs: npm run build, Debian's chromium and imagemagick (or ffmpeg); $SAGE_ERP_CHROMIUM overrides the browser.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const n8nLib = require('./lib/n8n');
const examples = require('./lib/examples');
const { stopAll, which } = require('./lib/processes');
const { withEditor } = require('./lib/editor');
const {
	CHROMIUM,
	addSageErpAction,
	parameterInput,
	optionNamed,
	pickRecordType,
	dragInputKey,
	addMapperField,
	typeMapperValue,
} = require('./lib/browser');

const WORKFLOW_ID = 'sageErpCaptureGM';
const MAPPER_WORKFLOW_ID = 'sageErpCaptureFM';
const FILMS = ['get-many', 'field-mapper'];
const VIEWPORT = { width: 1280, height: 760 };

const say = (msg) => process.stdout.write(`[capture] ${msg}\n`);

function parseArgs(argv) {
	const opts = { films: FILMS, out: null, frames: null };
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--out') opts.out = path.resolve(argv[++i]);
		else if (argv[i] === '--frames') opts.frames = path.resolve(argv[++i]);
		else if (argv[i] === '--film' && FILMS.includes(argv[i + 1])) opts.films = [argv[++i]];
		else
			throw new Error(
				`unknown option ${argv[i]} (options: --film <${FILMS.join('|')}> --out <gif> --frames <folder>)`,
			);
	}
	if (opts.out && opts.films.length > 1) throw new Error('--out needs --film: one GIF per film');
	return opts;
}

const gifOf = (opts, film) =>
	opts.out ?? path.join(n8nLib.REPO_ROOT, 'docs', `sage-erp-${film}.gif`);

/** The real ImageMagick `convert` (some machines put a stand-in first on PATH), else null. */
function imageMagick() {
	for (const candidate of [which('magick'), which('convert'), '/usr/bin/convert'].filter(Boolean)) {
		const res = spawnSync(candidate, ['-version'], { encoding: 'utf8' });
		if (res.status === 0 && /^Version: ImageMagick/m.test(res.stdout)) return candidate;
	}
	return null;
}

/** The workflow the capture starts from: only a Manual Trigger, as a new workflow has. */
function startingWorkflow() {
	return {
		id: WORKFLOW_ID,
		name: 'Customers from Sage ERP',
		active: false,
		nodes: [
			{
				id: 'd0000000-0000-4000-8000-000000000001',
				name: "When clicking 'Execute workflow'",
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

/** Frames numbered in order, each shown for `hold` hundredths of a second in the GIF. */
function framer(page, dir) {
	const frames = [];
	return {
		frames,
		async shot(hold = 60) {
			const file = path.join(dir, `frame-${String(frames.length).padStart(3, '0')}.png`);
			await page.screenshot({ path: file });
			frames.push({ file, hold });
		},
	};
}

/**
 * Types like a person, a frame every few characters, then leaves the field: the editor saves a
 * parameter a moment after the last key, so executing at once would run with what it had saved.
 */
async function typeSlowly(page, locator, text, frame, { leave = true } = {}) {
	await locator.click();
	for (let i = 0; i < text.length; i += 4) {
		await locator.pressSequentially(text.slice(i, i + 4), { delay: 20 });
		await frame.shot(20);
	}
	if (!leave) return;
	await locator.press('Tab');
	await page.waitForTimeout(400);
}

/** Canvas → node creator → Sage ERP → Get many records: the node's panel opens. */
async function addGetMany(page, frame) {
	await page.locator('[data-test-id="canvas-handle-plus"]').first().click();
	const search = page
		.locator(
			'[data-test-id="node-creator-search-bar"] input, input[data-test-id="node-creator-search-bar"]',
		)
		.first();
	await search.waitFor();
	await frame.shot();
	await typeSlowly(page, search, 'Sage ERP', frame, { leave: false });
	await page
		.locator('[data-test-id="node-creator"]')
		.getByText('Sage ERP', { exact: true })
		.first()
		.waitFor();
	await frame.shot(100);
	// n8n lists the node and its trigger as one entry, whose actions come next.
	await page
		.locator('[data-test-id="node-creator"]')
		.getByText('Sage ERP', { exact: true })
		.first()
		.click();
	await page.getByText('Get many records', { exact: true }).first().waitFor();
	await page.waitForTimeout(600); // the actions panel slides in
	await frame.shot(120);
	await page.getByText('Get many records', { exact: true }).first().click();
	await page.locator('[data-test-id="ndv"]').waitFor({ state: 'visible' });
	await page.waitForTimeout(800); // the panel's parameters and the credential settle
	await frame.shot(120);
}

/** Picks `label` in the dropdown parameter `name` (the first in the panel), as a person would. */
async function pickOption(page, ndv, name, label, frame) {
	await parameterInput(ndv, name).locator('input').first().click();
	const option = await optionNamed(page, label);
	await frame.shot(80);
	await option.click();
	await page.keyboard.press('Escape');
	await page.waitForTimeout(300);
}

/** Record Type from the list (searched), Limit, one filter condition, the fields to return. */
async function fillParameters(page, frame) {
	const ndv = page.locator('[data-test-id="ndv"]');
	await ndv
		.locator('[data-test-id="resource-locator-recordType"] [data-test-id="rlc-input"]')
		.first()
		.click();
	const listSearch = page
		.locator('input[data-test-id="rlc-search"], [data-test-id="rlc-search"] input')
		.first();
	await listSearch.waitFor();
	// The list comes from the tenant's schema: wait for it, not for the skeleton before it.
	await page.locator('[data-test-id="rlc-item"]').first().waitFor();
	await frame.shot(100);
	await typeSlowly(page, listSearch, 'customer', frame, { leave: false });
	// Each keystroke asks n8n, which asks the node's list search: wait for the answer.
	const customer = page
		.locator('[data-test-id="rlc-item"]')
		.filter({ hasText: 'xtremMasterData.customer' })
		.first();
	await customer.waitFor();
	await page.waitForTimeout(300);
	await frame.shot(120);
	await customer.click();
	await frame.shot(100);
	const limit = ndv.locator('[data-test-id="parameter-input-limit"] input').first();
	await limit.fill('');
	await typeSlowly(page, limit, '5', frame);
	await ndv.getByRole('button', { name: 'Add Condition' }).first().click();
	await pickOption(page, ndv, 'field', 'Credit Limit', frame);
	await pickOption(page, ndv, 'operator', 'Is Greater Than', frame);
	await typeSlowly(page, conditionValue(ndv), '10000', frame);
	await pickOption(page, ndv, 'fieldList', 'Name', frame);
	await pickOption(page, ndv, 'fieldList', 'City', frame);
	await frame.shot(100);
}

/** The text input of the first condition's Value. */
const conditionValue = (ndv) =>
	parameterInput(ndv, 'value').locator('input, textarea, [contenteditable="true"]').first();

/** Execute step, then the items in the output panel's table. */
async function executeAndShow(page, frame) {
	const ndv = page.locator('[data-test-id="ndv"]');
	await ndv.locator('[data-test-id="node-execute-button"]').first().click();
	const output = page.locator('[data-test-id="output-panel"]');
	await output.getByText('Juniper Group').first().waitFor({ timeout: 30000 });
	await page.waitForTimeout(500);
	await frame.shot(400);
}

/** A value the condition's field cannot take: refused before anything is sent, saying why. */
async function showRefusal(page, frame) {
	const ndv = page.locator('[data-test-id="ndv"]');
	const value = conditionValue(ndv);
	// The whole condition in view: its field and operator say why the value is refused.
	await value.evaluate((element) => element.scrollIntoView({ block: 'center' }));
	await value.fill('');
	await typeSlowly(page, value, 'lots', frame);
	await ndv.locator('[data-test-id="node-execute-button"]').first().click();
	await page
		.locator('[data-test-id="output-panel"]')
		.getByText('is not a number', { exact: false })
		.first()
		.waitFor({ timeout: 30000 });
	await page.waitForTimeout(500);
	await frame.shot(400);
}

/**
 * The frames as one GIF, small enough for a README: 64 colours without dithering (the editor
 * is flat colour, and dithering noise defeats the compression), each frame storing only the
 * pixels that changed since the one before.
 */
function toGif(frames, out) {
	const convert = imageMagick();
	if (!convert) throw new Error('ImageMagick is missing (apt-get install -y imagemagick)');
	const args = ['-loop', '0'];
	for (const { file, hold } of frames) args.push('-delay', String(hold), file);
	args.push('+dither', '-colors', '64', '-fuzz', '1%', '-layers', 'OptimizeTransparency', out);
	const res = spawnSync(convert, args, { encoding: 'utf8' });
	if (res.status !== 0) throw new Error(`${convert} failed: ${res.stderr}`);
}

/** The field mapper: a CRM contact into Create or Update of a customer, keys dragged onto fields. */
async function filmFieldMapper(page, frame) {
	const ndv = await addSageErpAction(page, 'Create or update a record');
	await frame.shot(120);
	await pickRecordType(page, ndv, 'customer', 'xtremMasterData.customer');
	await ndv.getByText("Currency: a currency's ID").first().waitFor();
	await frame.shot(200);
	await ndv.locator('[data-test-id="execute-previous-node"]').first().click();
	await ndv
		.locator('[data-test-id="ndv-input-panel"] [data-test-id="run-data-schema-item"]')
		.first()
		.waitFor();
	await frame.shot(120);
	for (const [key, field] of [
		['email', 'id'],
		['company', 'name'],
		['currency', 'currency'],
	]) {
		await dragInputKey(page, ndv, key, field);
		await frame.shot(80);
	}
	for (const [label, key, field] of [
		['Email', 'email', 'email'],
		["Country: a country's ID", 'country', 'country'],
	]) {
		await addMapperField(page, ndv, label, field);
		await frame.shot(80);
		await dragInputKey(page, ndv, key, field);
		await frame.shot(80);
	}
	await addMapperField(page, ndv, 'Payment Term Days', 'paymentTermDays');
	await typeMapperValue(ndv, 'paymentTermDays', '30');
	await frame.shot(150);
	await ndv.locator('[data-test-id="node-execute-button"]').first().click();
	await page
		.locator('[data-test-id="output-panel"]')
		.getByText('created', { exact: true })
		.first()
		.waitFor({ timeout: 30000 });
	await page.waitForTimeout(500);
	await frame.shot(500);
}

/** The Get Many film: parameters set, the items, then a condition's value refused. */
async function filmGetMany(page, frame) {
	await addGetMany(page, frame);
	await fillParameters(page, frame);
	await executeAndShow(page, frame);
	await showRefusal(page, frame);
}

const FILM_STEPS = {
	'get-many': { workflowId: WORKFLOW_ID, steps: filmGetMany },
	'field-mapper': { workflowId: MAPPER_WORKFLOW_ID, steps: filmFieldMapper },
};

/** One film on the signed-in editor: its frames, from the workflow it starts from. */
async function capture(page, baseUrl, film, dir) {
	await page.goto(`${baseUrl}/workflow/${FILM_STEPS[film].workflowId}`);
	await page.locator('[data-test-id="canvas-node"]').first().waitFor();
	await page.waitForTimeout(1000);
	const frame = framer(page, dir);
	await frame.shot(100);
	try {
		await FILM_STEPS[film].steps(page, frame);
	} catch (err) {
		// What the editor showed when a step found nothing to wait for: the way to see why.
		await page.screenshot({ path: path.join(dir, 'failed.png') }).catch(() => {});
		throw err;
	}
	return frame.frames;
}

async function main() {
	const opts = parseArgs(process.argv.slice(2));
	if (!fs.existsSync(CHROMIUM))
		throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
	if (!imageMagick()) throw new Error('ImageMagick is missing: apt-get install -y imagemagick');
	const dir = opts.frames || fs.mkdtempSync(path.join(os.tmpdir(), 'sage-erp-capture-'));
	fs.mkdirSync(dir, { recursive: true });
	const editor = {
		name: 'capture',
		workflows: [startingWorkflow(), examples.crmContactStart(MAPPER_WORKFLOW_ID)],
		viewport: VIEWPORT,
	};
	try {
		await withEditor(editor, async ({ page, baseUrl }) => {
			for (const film of opts.films) {
				const filmDir = path.join(dir, film);
				fs.mkdirSync(filmDir, { recursive: true });
				const frames = await capture(page, baseUrl, film, filmDir);
				const out = gifOf(opts, film);
				fs.mkdirSync(path.dirname(out), { recursive: true });
				toGif(frames, out);
				say(
					`${film}: ${frames.length} frames -> ${path.relative(process.cwd(), out)} (${(fs.statSync(out).size / 1024).toFixed(0)} KB)`,
				);
			}
		});
	} finally {
		if (!opts.frames) fs.rmSync(dir, { recursive: true, force: true });
	}
}

main().catch((err) => {
	process.stderr.write(`[capture] FAILED: ${err.stack || err.message}\n`);
	stopAll().finally(() => process.exit(1));
});
