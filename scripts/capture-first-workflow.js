#!/usr/bin/env node
'use strict';
/**
 * `npm run capture:first-workflow`: the screenshots of docs/first-workflow.md, from a real
 * `n8n start` with this package and the simulator, driven by headless Chromium (as
 * `npm run capture` films the README's GIF). The walk-through follows the example
 * "CRM contact → Sage ERP customer (Create or Update)", in the node's version 2: the credential
 * saved and tested, the Sage ERP actions in the node panel, the node's Fields to Send mapped
 * from the contact, the workflow, its first run (created), its second run (updated), the
 * contact's keys mapped automatically (refused: they are not Sage's fields), and the customer
 * found again with a filter built from a condition.
 *
 * Run it again when the editor or the node's parameters change.
 * Options: --out <folder, default docs/first-workflow>
 * Needs: npm run build, Debian's chromium; $SAGE_ERP_CHROMIUM overrides the browser.
 */
const fs = require('fs');
const path = require('path');
const n8nLib = require('./lib/n8n');
const examples = require('./lib/examples');
const { stopAll } = require('./lib/processes');
const { withEditor } = require('./lib/editor');
const { parameterInput } = require('./lib/browser');

const VIEWPORT = { width: 1440, height: 860 };
const SAGE_NODE = 'Create or Update Customer';
const FIND_NODE = 'Find Customer by Email';
const IDS = {
	start: 'sageErpFirstStart',
	automatic: 'sageErpFirstAutomatic',
	find: 'sageErpFirstFind',
};
/** The fields to return, picked from the list (the example file writes them as a selection). */
const RETURN_FIELDS = ['id', 'name', 'email', 'city'];
const RECORD_TYPE_LABEL = 'Customer (xtremMasterData.customer)';

const say = (msg) => process.stdout.write(`[capture:first-workflow] ${msg}\n`);

function parseArgs(argv) {
	const opts = { out: path.join(n8nLib.REPO_ROOT, 'docs', 'first-workflow') };
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--out') opts.out = path.resolve(argv[++i]);
		else throw new Error(`unknown option ${argv[i]} (options: --out <folder>)`);
	}
	return opts;
}

/** A copy of `workflow` with the node `name`'s parameters changed by `change`. */
function withParameters(workflow, name, change) {
	return {
		...workflow,
		nodes: workflow.nodes.map((node) =>
			node.name === name ? { ...node, parameters: change(node.parameters) } : node,
		),
	};
}

/** Get Many of the customer by the contact's email: a condition, the fields from the list. */
function findByEmail(sageNode) {
	return {
		...sageNode,
		id: 'b7a1c3d2-0000-4000-8000-000000000001',
		name: FIND_NODE,
		position: [sageNode.position[0] + 240, sageNode.position[1]],
		parameters: {
			resource: 'record',
			operation: 'getMany',
			recordType: sageNode.parameters.recordType,
			limit: 50,
			filterType: 'manual',
			conditions: {
				condition: [{ field: 'email', operator: 'equals', value: '={{ $json.email }}' }],
			},
			match: 'all',
			fieldList: RETURN_FIELDS,
			options: { showSageSyntax: true },
		},
	};
}

/**
 * The walk-through's workflows, made from the example itself: the example with its fields to
 * return picked from the list; the same trigger and contact with no Sage ERP node yet (where
 * the node is added); the contact's keys mapped automatically (refused); and the contact
 * found again by a Get Many after the Create or Update.
 */
function workflows() {
	const original = examples
		.loadExamples()
		.find((workflow) => workflow.id === examples.EXAMPLE_IDS.crmContactUpsert);
	const sageNode = original.nodes.find((node) => node.name === SAGE_NODE);
	if (sageNode?.typeVersion !== 2 || sageNode.parameters.columns?.mappingMode !== 'defineBelow')
		throw new Error(
			`the example's ${SAGE_NODE} no longer maps its fields as the walk-through says`,
		);
	const example = withParameters(original, SAGE_NODE, (parameters) => ({
		...parameters,
		// What a record type picked from the list shows, as a new node saves it.
		recordType: { ...parameters.recordType, cachedResultName: RECORD_TYPE_LABEL },
		fieldList: RETURN_FIELDS,
		fields: '',
	}));
	const withoutSage = example.nodes.filter((node) => !node.type.startsWith('n8n-nodes-sage-erp.'));
	const start = {
		...example,
		id: IDS.start,
		name: 'My first Sage ERP workflow',
		nodes: withoutSage.filter((node) => !node.type.endsWith('.stickyNote')),
		connections: { [example.nodes[0].name]: example.connections[example.nodes[0].name] },
	};
	const automatic = {
		...withParameters(example, SAGE_NODE, (parameters) => ({
			...parameters,
			columns: { ...parameters.columns, mappingMode: 'autoMapInputData', value: null },
		})),
		id: IDS.automatic,
		name: 'The contact mapped automatically',
	};
	const find = {
		...example,
		id: IDS.find,
		name: 'Find the customer again',
		nodes: [...example.nodes, findByEmail(example.nodes.find((node) => node.name === SAGE_NODE))],
		connections: {
			...example.connections,
			[SAGE_NODE]: { main: [[{ node: FIND_NODE, type: 'main', index: 0 }]] },
		},
	};
	return { example, start, automatic, find };
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

/** Opens a node of a workflow (the Sage ERP node by default); resolves the node panel. */
async function openNode(page, baseUrl, workflowId, name = SAGE_NODE) {
	await page.goto(`${baseUrl}/workflow/${workflowId}`);
	const node = page.locator('[data-test-id="canvas-node"]').filter({ hasText: name });
	await node.first().dblclick();
	const ndv = page.locator('[data-test-id="ndv"]');
	await ndv.waitFor({ state: 'visible' });
	return ndv;
}

/** Opens a node and executes its step (and the steps before it); resolves the node panel. */
async function executeStep(page, baseUrl, workflowId, name = SAGE_NODE) {
	const ndv = await openNode(page, baseUrl, workflowId, name);
	await ndv.locator('[data-test-id="node-execute-button"]').first().click();
	return ndv;
}

/** The node's panel before it runs: Record Type, Fields to Send, the fields to return. */
async function fieldsToSend(page, baseUrl, dir) {
	const ndv = await openNode(page, baseUrl, examples.EXAMPLE_IDS.crmContactUpsert);
	// The mapper loads the record type's fields from the schema: wait for them.
	await ndv.getByText("Currency: a currency's ID").first().waitFor({ timeout: 60000 });
	// From Operation down: the Record Type, the mapper's settings and the first mapped fields.
	await parameterInput(ndv, 'operation').evaluate((element) =>
		element.scrollIntoView({ block: 'start' }),
	);
	await shot(page, dir, '3-fields-to-send');
	await page.keyboard.press('Escape');
}

/** Waits for `text` in the output panel, then takes the screenshot `name`. */
async function outputShows(page, ndv, text, dir, name) {
	await ndv
		.locator('[data-test-id="output-panel"]')
		.getByText(text, { exact: false })
		.first()
		.waitFor({ timeout: 60000 });
	await shot(page, dir, name);
}

async function runs(page, baseUrl, dir) {
	await page.goto(`${baseUrl}/workflow/${examples.EXAMPLE_IDS.crmContactUpsert}`);
	await page.locator('[data-test-id="canvas-node"]').filter({ hasText: SAGE_NODE }).waitFor();
	await shot(page, dir, '4-workflow');
	for (const [name, outcome] of [
		['5-first-run', 'created'],
		['6-second-run', 'updated'],
	]) {
		const ndv = await executeStep(page, baseUrl, examples.EXAMPLE_IDS.crmContactUpsert);
		await outputShows(page, ndv, outcome, dir, name);
	}
	const automatic = await executeStep(page, baseUrl, IDS.automatic);
	await outputShows(
		page,
		automatic,
		'are not fields of Customer',
		dir,
		'7-keys-mapped-automatically',
	);
	const find = await executeStep(page, baseUrl, IDS.find, FIND_NODE);
	await outputShows(page, find, 'accounts@acme-robotics.example', dir, '8-found-by-a-condition');
}

async function main() {
	const opts = parseArgs(process.argv.slice(2));
	fs.mkdirSync(opts.out, { recursive: true });
	const { example, start, automatic, find } = workflows();
	const editor = {
		name: 'capture-first-workflow',
		workflows: [example, start, automatic, find],
		viewport: VIEWPORT,
	};
	await withEditor(editor, async ({ page, baseUrl }) => {
		await credential(page, baseUrl, opts.out);
		await actions(page, baseUrl, opts.out);
		await fieldsToSend(page, baseUrl, opts.out);
		await runs(page, baseUrl, opts.out);
	});
}

main().catch((err) => {
	process.stderr.write(`[capture:first-workflow] FAILED: ${err.stack || err.message}\n`);
	stopAll().finally(() => process.exit(1));
});
