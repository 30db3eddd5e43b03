#!/usr/bin/env node
'use strict';
/**
 * `npm run capture:first-workflow`: the screenshots of docs/first-workflow.md, from a real
 * `n8n start` with this package and the simulator, driven by headless Chromium (as
 * `npm run capture` films the README's GIF). The walk-through follows the example
 * "CRM contact → Sage ERP customer (Create or Update)": the credential saved and tested, the
 * Sage ERP actions in the node panel, the workflow, its first run (created), its second run
 * (updated), and a reference sent without its key (the error Sage answers).
 *
 * Run it again when the editor or the node's parameters change (the node's version 2 will).
 * Options: --out <folder, default docs/first-workflow>
 * Needs: npm run build, Debian's chromium; $SAGE_ERP_CHROMIUM overrides the browser.
 */
const fs = require('fs');
const path = require('path');
const n8nLib = require('./lib/n8n');
const examples = require('./lib/examples');
const { stopAll } = require('./lib/processes');
const { withEditor } = require('./lib/editor');

const VIEWPORT = { width: 1440, height: 860 };
const SAGE_NODE = 'Create or Update Customer';
const IDS = { start: 'sageErpFirstStart', broken: 'sageErpFirstBroken' };

const say = (msg) => process.stdout.write(`[capture:first-workflow] ${msg}\n`);

function parseArgs(argv) {
	const opts = { out: path.join(n8nLib.REPO_ROOT, 'docs', 'first-workflow') };
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--out') opts.out = path.resolve(argv[++i]);
		else throw new Error(`unknown option ${argv[i]} (options: --out <folder>)`);
	}
	return opts;
}

/**
 * The walk-through's workflows, made from the example itself: the same trigger and contact with
 * no Sage ERP node yet (where the node is added), and the same workflow with a reference
 * whose `#` was forgotten (the error).
 */
function workflows() {
	const example = examples
		.loadExamples()
		.find((workflow) => workflow.id === examples.EXAMPLE_IDS.crmContactUpsert);
	const withoutSage = example.nodes.filter((node) => !node.type.startsWith('n8n-nodes-sage-erp.'));
	const start = {
		...example,
		id: IDS.start,
		name: 'My first Sage ERP workflow',
		nodes: withoutSage.filter((node) => !node.type.endsWith('.stickyNote')),
		connections: { [example.nodes[0].name]: example.connections[example.nodes[0].name] },
	};
	const broken = {
		...example,
		id: IDS.broken,
		name: 'A reference without its key',
		nodes: example.nodes.map((node) =>
			node.name === SAGE_NODE
				? {
						...node,
						parameters: {
							...node.parameters,
							data: node.parameters.data.replace(
								"currency: '#' + $json.currency",
								'currency: $json.currency',
							),
						},
					}
				: node,
		),
	};
	if (
		broken.nodes
			.find((node) => node.name === SAGE_NODE)
			.parameters.data.includes("'#' + $json.currency")
	)
		throw new Error(`the example's ${SAGE_NODE} no longer maps currency as the walk-through says`);
	return { example, start, broken };
}

async function shot(page, dir, name) {
	await page.waitForTimeout(500);
	await page.screenshot({ path: path.join(dir, `${name}.png`) });
	say(`${name}.png`);
}

/** The credential as `npm start` imported it: Save tests it, as it does for a new one. */
async function credential(page, baseUrl, dir) {
	await page.goto(`${baseUrl}/home/credentials/${examples.CREDENTIAL_REF.id}`);
	const modal = page.locator('[data-test-id="editCredential-modal"]');
	await modal.waitFor();
	await modal.locator('[data-test-id="credential-save-button"]').click();
	await modal.getByText('Connection tested successfully').waitFor({ timeout: 60000 });
	await shot(page, dir, '1-credential');
	await page.keyboard.press('Escape');
}

/** The plus after the CRM contact, "Sage ERP" typed in the panel: its actions. */
async function actions(page, baseUrl, dir) {
	await page.goto(`${baseUrl}/workflow/${IDS.start}`);
	await page.locator('[data-test-id="canvas-node"]').first().waitFor();
	await page.locator('[data-test-id="canvas-handle-plus"]').first().click();
	const search = page
		.locator(
			'[data-test-id="node-creator-search-bar"] input, input[data-test-id="node-creator-search-bar"]',
		)
		.first();
	await search.fill('Sage ERP');
	const entry = page
		.locator('[data-test-id="node-creator"]')
		.getByText('Sage ERP', { exact: true })
		.first();
	await entry.click();
	await page.getByText('Create or update a record', { exact: true }).first().waitFor();
	await shot(page, dir, '2-actions');
}

/** Opens the Sage ERP node of a workflow and executes its step; resolves the node panel. */
async function executeSageStep(page, baseUrl, workflowId) {
	await page.goto(`${baseUrl}/workflow/${workflowId}`);
	const node = page.locator('[data-test-id="canvas-node"]').filter({ hasText: SAGE_NODE });
	await node.first().dblclick();
	const ndv = page.locator('[data-test-id="ndv"]');
	await ndv.waitFor({ state: 'visible' });
	await ndv.locator('[data-test-id="node-execute-button"]').first().click();
	return ndv;
}

async function runs(page, baseUrl, dir) {
	await page.goto(`${baseUrl}/workflow/${examples.EXAMPLE_IDS.crmContactUpsert}`);
	await page.locator('[data-test-id="canvas-node"]').filter({ hasText: SAGE_NODE }).waitFor();
	await shot(page, dir, '3-workflow');
	for (const [name, outcome] of [
		['4-first-run', 'created'],
		['5-second-run', 'updated'],
	]) {
		const ndv = await executeSageStep(page, baseUrl, examples.EXAMPLE_IDS.crmContactUpsert);
		await ndv
			.locator('[data-test-id="output-panel"]')
			.getByText(outcome, { exact: true })
			.first()
			.waitFor({ timeout: 60000 });
		await shot(page, dir, name);
	}
	const ndv = await executeSageStep(page, baseUrl, IDS.broken);
	await ndv
		.locator('[data-test-id="output-panel"]')
		.getByText('invalid reference', { exact: false })
		.first()
		.waitFor({ timeout: 60000 });
	await shot(page, dir, '6-reference-without-key');
}

async function main() {
	const opts = parseArgs(process.argv.slice(2));
	fs.mkdirSync(opts.out, { recursive: true });
	const { example, start, broken } = workflows();
	const editor = {
		name: 'capture-first-workflow',
		workflows: [example, start, broken],
		viewport: VIEWPORT,
	};
	await withEditor(editor, async ({ page, baseUrl }) => {
		await credential(page, baseUrl, opts.out);
		await actions(page, baseUrl, opts.out);
		await runs(page, baseUrl, opts.out);
	});
}

main().catch((err) => {
	process.stderr.write(`[capture:first-workflow] FAILED: ${err.stack || err.message}\n`);
	stopAll().finally(() => process.exit(1));
});
