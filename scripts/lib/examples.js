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

module.exports = {
	EXAMPLES_DIR,
	CREDENTIAL_REF,
	EXAMPLE_IDS,
	WEBHOOK_PATH,
	loadExamples,
	activatableIds,
	simulatorCredential,
	sampleOrder,
};
