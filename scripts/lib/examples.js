'use strict';
/** The example workflows of examples/*.json and the simulator credential they reference. */
const fs = require('fs');
const path = require('path');

const EXAMPLES_DIR = path.resolve(__dirname, '..', '..', 'examples');

/** The credential id and name every example references. */
const CREDENTIAL_REF = Object.freeze({ id: 'sageErpSimulator', name: 'Sage ERP (simulator)' });

const EXAMPLE_IDS = Object.freeze({
	crmWebhook: 'sageErpExCrmOrdr',
	customersChanged: 'sageErpExCustChg',
	getCustomer: 'sageErpExGetCust',
	graphqlPagination: 'sageErpExGqlPage',
	newSalesOrderTrigger: 'sageErpExNewOrdr',
	crmContactUpsert: 'sageErpExCrmCust',
	reportPdfEmail: 'sageErpExRptMail',
	mcpServerTools: 'sageErpExMcpTool',
});

const WEBHOOK_PATH = 'crm-sales-order';

/** Every examples/*.json (or `dir`/*.json), parsed, sorted by file name. */
function loadExamples(dir = EXAMPLES_DIR) {
	return fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((f) => ({ file: f, ...JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) }))
		.map(({ file, ...workflow }) =>
			Object.defineProperty(workflow, 'file', { value: file, enumerable: false }),
		);
}

/** Workflows that must be active (published) to do anything: webhook, polling and MCP Server triggers. */
function activatableIds(workflows) {
	const triggers = /\.(webhook|sageErpTrigger|mcpTrigger)$/;
	return workflows.filter((wf) => wf.nodes.some((n) => triggers.test(n.type))).map((wf) => wf.id);
}

/**
 * The sageErpApi credential pointing at a simulator, in `n8n import:credentials` form.
 * sim: { tokenUrl, client: { clientId, clientSecret, tenantId } }
 */
function simulatorCredential(sim, overrides = {}) {
	return {
		...CREDENTIAL_REF,
		type: 'sageErpApi',
		data: {
			tokenUrl: sim.tokenUrl,
			clientId: sim.client.clientId,
			clientSecret: sim.client.clientSecret,
			tenantId: sim.client.tenantId,
			requestFormat: 'json',
			...overrides,
		},
	};
}

/** A sample body for the CRM webhook example (references are natural keys of the simulator's seed). */
function sampleOrder(reference = 'CRM-1001') {
	return {
		soldToCustomer: '#FR001',
		site: '#700',
		customerReference: reference,
		lines: [{ item: '#ITEM-1', quantity: 10 }],
	};
}

/** A contact as a CRM webhook delivers it: the field mapper's task (e2e test and `npm run capture`). */
const CRM_CONTACT = Object.freeze({
	email: 'buyer@mapper-ui.example',
	company: 'Mapper UI Robotics',
	country: 'FR',
	currency: 'EUR',
});

/** Manual Trigger → "CRM Contact" (CRM_CONTACT): where a user starts mapping it into Sage. */
function crmContactStart(id) {
	return {
		id,
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
				parameters: { mode: 'raw', jsonOutput: JSON.stringify(CRM_CONTACT, null, 2), options: {} },
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

module.exports = {
	CRM_CONTACT,
	crmContactStart,
	EXAMPLES_DIR,
	CREDENTIAL_REF,
	EXAMPLE_IDS,
	WEBHOOK_PATH,
	loadExamples,
	activatableIds,
	simulatorCredential,
	sampleOrder,
};
