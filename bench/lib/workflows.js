'use strict';
/**
 * The workflows the benchmarks run in a real n8n, built in code. Every comparison gives each
 * subject the same input and asks Sage (the simulator) for the same thing:
 *   webhook*  "Webhook → create a sales order → answer with its number", ours and the chain
 *             users build today (HTTP Request token exchange → GraphQL node), and n8n's floor
 *             (Webhook → No Operation);
 *   getMany*  50,000 customers: our node, and the HTTP Request node with its pagination feature
 *             (+ Split Out, to get one item per record as ours gives), each after a 3 s Wait so that
 *             they run in a settled n8n (`n8n execute` boots its task runner meanwhile);
 *   creates*  N generated orders: our node (batchSize 1 / 50), and the GraphQL node (one request per item).
 * All webhooks answer with the first item of their last node ('lastNode' / 'firstEntryJson').
 */
const crypto = require('crypto');
const path = require('path');
const { PACKAGE_NAME, REPO_ROOT } = require('../../scripts/lib/n8n');
const {
	CUSTOMER_FIELDS,
	CUSTOMER_PAGE_QUERY,
	CREATE_ORDER_MUTATION,
	ORDER_FIELDS,
} = require('./queries');

const SAGE_NODE = `${PACKAGE_NAME}.sageErp`;

/** n8n ids are 16 characters; these spell what they are. */
const id16 = (name) =>
	`bench${name}`
		.replace(/[^A-Za-z0-9]/g, '')
		.padEnd(16, '0')
		.slice(0, 16);

/** A workflow from a list of nodes connected in a straight line. */
function chain(name, nodes) {
	const connections = {};
	nodes.forEach((node, i) => {
		node.id = node.id || crypto.randomUUID();
		node.position = [i * 220, 0];
		if (i > 0)
			connections[nodes[i - 1].name] = { main: [[{ node: node.name, type: 'main', index: 0 }]] };
	});
	return {
		id: id16(name),
		name: `Benchmark: ${name}`,
		active: false,
		nodes,
		connections,
		settings: { executionOrder: 'v1' },
		pinData: {},
		tags: [],
	};
}

/** The sageErpApi credential of one simulator tenant, in `n8n import:credentials` form. */
function sageCredential(key, sim, tenantId) {
	const c = sim.client(tenantId);
	return {
		id: id16(`Cred${key}`),
		name: `Sage ERP benchmark (${key})`,
		type: 'sageErpApi',
		data: {
			tokenUrl: sim.tokenUrl,
			clientId: c.clientId,
			clientSecret: c.clientSecret,
			tenantId: c.tenantId,
			requestFormat: 'json',
		},
	};
}

const credentialRef = (cred) => ({ sageErpApi: { id: cred.id, name: cred.name } });

function webhookNode(path) {
	return {
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId: crypto.randomUUID(),
		parameters: {
			httpMethod: 'POST',
			path,
			responseMode: 'lastNode',
			responseData: 'firstEntryJson',
			options: {},
		},
	};
}

/** What users do today to talk to Sage: an HTTP Request node exchanging the client credentials for a token. */
function tokenNode(sim, tenantId) {
	const c = sim.client(tenantId);
	return {
		name: 'Get Token',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			method: 'POST',
			url: sim.tokenUrl,
			sendBody: true,
			contentType: 'json',
			specifyBody: 'json',
			jsonBody: JSON.stringify({
				clientId: c.clientId,
				clientSecret: c.clientSecret,
				tenantId: c.tenantId,
			}),
			options: {},
		},
	};
}

/** n8n's GraphQL node sending the create mutation with the bearer token of the "Get Token" node. */
function graphqlCreateNode(variablesExpression) {
	return {
		name: 'GraphQL Create',
		type: 'n8n-nodes-base.graphql',
		typeVersion: 1.1,
		parameters: {
			endpoint: "={{ $('Get Token').first().json.urls.graphQL }}",
			requestFormat: 'json',
			query: CREATE_ORDER_MUTATION,
			variables: variablesExpression,
			headerParametersUi: {
				parameter: [
					{ name: 'Authorization', value: "=Bearer {{ $('Get Token').first().json.accessToken }}" },
				],
			},
		},
	};
}

function sageCreateNode(cred, options = {}) {
	return {
		name: 'Sage ERP Create',
		type: SAGE_NODE,
		typeVersion: 1,
		parameters: {
			resource: 'record',
			operation: 'create',
			recordType: { __rl: true, mode: 'id', value: 'xtremSales.salesOrder' },
			data: options.data || '={{ $json }}',
			fields: ORDER_FIELDS,
			options: options.batchSize ? { batchSize: options.batchSize } : {},
		},
		credentials: credentialRef(cred),
	};
}

// ------------------------------------------------------------------ 1. webhooks

const WEBHOOK_PATHS = {
	floor: 'bench-floor',
	chain: 'bench-chain',
	httpCred: 'bench-http-cred',
	ours: 'bench-ours',
	oursMapped: 'bench-ours-mapped',
};

function webhookFloor() {
	return chain('WebhookFloor', [
		webhookNode(WEBHOOK_PATHS.floor),
		{ name: 'No Operation', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
	]);
}

function webhookChain(sim, tenantId) {
	return chain('WebhookChain', [
		webhookNode(WEBHOOK_PATHS.chain),
		tokenNode(sim, tenantId),
		graphqlCreateNode('={{ { "data": $(\'Webhook\').item.json.body } }}'),
	]);
}

/**
 * n8n's own credentialed node: the HTTP Request node with the Sage ERP API credential as a
 * predefined credential type (n8n decrypts it and runs its authenticate on every execution,
 * as for our node), posting the create mutation to the tenant's GraphQL URL.
 */
function webhookHttpCredential(sim, tenantId, cred) {
	const httpNode = {
		name: 'HTTP Create',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			method: 'POST',
			url: sim.client(tenantId).graphqlUrl,
			authentication: 'predefinedCredentialType',
			nodeCredentialType: 'sageErpApi',
			sendBody: true,
			specifyBody: 'json',
			jsonBody: `={{ JSON.stringify({ query: ${JSON.stringify(CREATE_ORDER_MUTATION)}, variables: { data: $json.body } }) }}`,
			options: {},
		},
		credentials: credentialRef(cred),
	};
	return chain('WebhookHttpCred', [webhookNode(WEBHOOK_PATHS.httpCred), httpNode]);
}

function webhookOurs(cred) {
	return chain('WebhookOurs', [
		webhookNode(WEBHOOK_PATHS.ours),
		sageCreateNode(cred, { data: '={{ $json.body }}' }),
	]);
}

/**
 * The name of Create's field mapper parameter (version 2) in the built package, or undefined
 * when the build has none: the mapped webhook subject runs only with it.
 */
function createMapperName(packageDir) {
	if (!packageDir) return undefined;
	// The repository's own build (what the packed copy holds): its n8n-workflow resolves here,
	// where the packed copy has it only as a peer dependency of the n8n that loads it.
	const { SageErp } = require(path.join(REPO_ROOT, 'dist/nodes/SageErp/SageErp.node.js'));
	const mapper = new SageErp().description.properties.find(
		(p) =>
			p.type === 'resourceMapper' &&
			p.displayOptions?.show?.operation?.includes('create') &&
			p.displayOptions?.show?.['@version']?.includes(2),
	);
	return mapper?.name;
}

/** Webhook → Sage ERP Create (version 2), the order's fields mapped from the webhook body. */
function webhookOursMapped(cred, mapperName) {
	const node = sageCreateNode(cred);
	const body = (key) => `={{ $json.body.${key} }}`;
	node.typeVersion = 2;
	delete node.parameters.data;
	delete node.parameters.fields;
	node.parameters.fieldList = ORDER_FIELDS.split(' ');
	node.parameters[mapperName] = {
		mappingMode: 'defineBelow',
		value: Object.fromEntries(
			['soldToCustomer', 'site', 'customerReference', 'lines'].map((key) => [key, body(key)]),
		),
		matchingColumns: [],
		schema: [],
		attemptToConvertTypes: false,
		convertFieldsToString: false,
	};
	// Workflow ids keep 16 characters of the name: 'WebhookOurs...' would take the JSON Create's id.
	return chain('MappedWebhook', [webhookNode(WEBHOOK_PATHS.oursMapped), node]);
}

// ------------------------------------------------------------------ 2. Get Many

const manualTrigger = () => ({
	name: 'Start',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	parameters: {},
});

/**
 * `n8n execute` starts its task runner process and finishes booting while the workflow begins:
 * a short in-process wait lets the measured nodes run in a settled n8n, as in a long-running one.
 */
const settle = () => ({
	name: 'Settle',
	type: 'n8n-nodes-base.wait',
	typeVersion: 1.1,
	parameters: { resume: 'timeInterval', amount: 3, unit: 'seconds' },
});

/** A Get Many of customers; without a credential reference for the in-process harness, which has its own. */
function sageGetManyNode(name, cred, parameters) {
	const node = {
		name,
		type: SAGE_NODE,
		typeVersion: 1,
		parameters: {
			resource: 'record',
			operation: 'getMany',
			recordType: { __rl: true, mode: 'id', value: 'xtremMasterData.customer' },
			fields: CUSTOMER_FIELDS,
			...parameters,
		},
	};
	if (cred) node.credentials = credentialRef(cred);
	return node;
}

/**
 * Our Get Many as it runs in a long-running n8n: a first small read (not timed) holds the token
 * and the schema the process keeps, as after its first execution; then every record is read.
 */
function getManyOurs(cred, pageSize) {
	return chain('GetManyOurs', [
		manualTrigger(),
		settle(),
		sageGetManyNode('Sage ERP Warm-up', cred, {
			returnAll: false,
			limit: 1,
			options: { pageSize: 1 },
		}),
		{
			...sageGetManyNode('Sage ERP Get Many', cred, { returnAll: true, options: { pageSize } }),
			executeOnce: true,
		},
	]);
}

/** HTTP Request with "Update a Parameter in Each Request" pagination on the GraphQL `after` variable, then Split Out. */
function getManyHttp(sim, tenantId, pageSize) {
	const connection = '$response.body.data.xtremMasterData.customer.query';
	return chain('GetManyHttp', [
		manualTrigger(),
		settle(),
		tokenNode(sim, tenantId),
		{
			name: 'HTTP Get Customers',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			parameters: {
				method: 'POST',
				url: '={{ $json.urls.graphQL }}',
				sendHeaders: true,
				headerParameters: {
					parameters: [{ name: 'Authorization', value: '=Bearer {{ $json.accessToken }}' }],
				},
				sendBody: true,
				contentType: 'json',
				specifyBody: 'json',
				jsonBody: JSON.stringify({
					query: CUSTOMER_PAGE_QUERY,
					variables: { first: pageSize, after: null },
				}),
				options: {
					pagination: {
						pagination: {
							paginationMode: 'updateAParameterInEachRequest',
							parameters: {
								parameters: [
									{
										type: 'body',
										name: 'variables',
										value: `={{ { "first": ${pageSize}, "after": ${connection}.pageInfo.endCursor } }}`,
									},
								],
							},
							paginationCompleteWhen: 'other',
							completeExpression: `={{ !${connection}.pageInfo.hasNextPage }}`,
						},
					},
				},
			},
		},
		{
			name: 'Split Out Records',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			parameters: {
				fieldToSplitOut: 'data.xtremMasterData.customer.query.edges',
				include: 'noOtherFields',
				options: {},
			},
		},
	]);
}

// ------------------------------------------------------------------ 3. creates

/** A Code node emitting `count` orders (not timed: only the create nodes are). */
function generateOrders(count) {
	return {
		name: 'Generate Orders',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		parameters: {
			mode: 'runOnceForAllItems',
			jsCode: `return Array.from({ length: ${count} }, (_, i) => ({ json: { soldToCustomer: '#FR001', site: '#700', customerReference: 'BENCH-' + i, lines: [{ item: '#ITEM-1', quantity: 1 + (i % 9) }] } }));`,
		},
	};
}

function createsOurs(cred, count, batchSize) {
	return chain(`CreatesOursB${batchSize}`, [
		manualTrigger(),
		generateOrders(count),
		sageCreateNode(cred, { batchSize }),
	]);
}

function createsGraphql(sim, tenantId, count) {
	return chain('CreatesGraphql', [
		manualTrigger(),
		tokenNode(sim, tenantId),
		generateOrders(count),
		graphqlCreateNode('={{ { "data": $json } }}'),
	]);
}

module.exports = {
	chain,
	manualTrigger,
	settle,
	credentialRef,
	SAGE_NODE,
	sageGetManyNode,
	WEBHOOK_PATHS,
	id16,
	sageCredential,
	webhookFloor,
	createMapperName,
	webhookOursMapped,
	webhookHttpCredential,
	webhookChain,
	webhookOurs,
	getManyOurs,
	getManyHttp,
	createsOurs,
	createsGraphql,
};
