/**
 * The Sage ERP node as an AI agent's tool in a real n8n 2.40.7: n8n's AI Agent (3.1) with the
 * OpenAI Chat Model pointed at a scripted stand-in (test/ai/chat-model-standin.ts), and the
 * node's tool variant (`n8n-nodes-sage-erp.sageErpTool`) as its tool. Each scenario is a
 * published workflow, Webhook -> AI Agent, called over HTTP; the stand-in records what the
 * model was given (tool schemas, messages, tool results) and the simulator what Sage did.
 */
import { randomBytes } from 'node:crypto';

import {
	startChatModelStandin,
	toolResults,
	type ChatModelStandin,
	type RecordedRequest,
	type Script,
} from '../ai/chat-model-standin';
import { secretGuard } from '../setup/secret-guard';
import {
	describeE2e,
	examplesLib,
	n8nLib,
	observe,
	openSuite,
	ordersWithPrefix,
	PROVISION_TIMEOUT,
	startMain,
	type N8nProcess,
	type Suite,
} from './harness';

const MODEL_CREDENTIAL = { id: 'sageErpStandinModel', name: 'OpenAI (scripted stand-in)' };
const FILTER_EXAMPLE = "{isActive:true, name:{_regex:'^A'}}";

interface AgentFlow {
	id: string;
	path: string;
	webhookId: string;
	tool: { name: string; parameters: Record<string, unknown>; typeVersion?: number };
	streaming?: boolean;
}

const customers = { __rl: true, mode: 'id', value: 'xtremMasterData.customer' };
const FLOWS: Record<string, AgentFlow> = {
	getMany: {
		id: 'sageErpE2eAgentMany',
		path: 'agent-get-many',
		webhookId: '0c9b2f8e-5a6e-4d1c-9a4b-00000000a001',
		tool: {
			name: 'Customers',
			parameters: {
				resource: 'record',
				operation: 'getMany',
				recordType: customers,
				limit: 50,
				filter: "={{ $fromAI('Filter', 'A Sage filter on customers', 'string') }}",
			},
		},
	},
	guess: {
		id: 'sageErpE2eAgentGuess',
		path: 'agent-guess',
		webhookId: '0c9b2f8e-5a6e-4d1c-9a4b-00000000a002',
		tool: {
			name: 'Customers',
			parameters: {
				resource: 'record',
				operation: 'getMany',
				recordType: customers,
				limit: 5,
				filter: "={{ $fromAI('Filter', 'A Sage filter on customers', 'string') }}",
				fields:
					"={{ $fromAI('Fields', 'The customer fields to return, as a GraphQL selection', 'string') }}",
			},
		},
	},
	create: {
		id: 'sageErpE2eAgentOrder',
		path: 'agent-create-order',
		webhookId: '0c9b2f8e-5a6e-4d1c-9a4b-00000000a003',
		tool: {
			name: 'Create Sales Order',
			parameters: {
				resource: 'record',
				operation: 'create',
				recordType: { __rl: true, mode: 'id', value: 'xtremSales.salesOrder' },
				data: "={{ $fromAI('Order', 'The sales order: soldToCustomer, site, customerReference, lines [{ item, quantity }]', 'json') }}",
			},
		},
	},
	upsert: {
		id: 'sageErpE2eAgentUpsert',
		path: 'agent-upsert-customer',
		webhookId: '0c9b2f8e-5a6e-4d1c-9a4b-00000000a005',
		tool: {
			name: 'Save Customer',
			typeVersion: 2,
			parameters: {
				resource: 'record',
				operation: 'upsert',
				recordType: customers,
				columns: {
					mappingMode: 'defineBelow',
					value: {
						id: "={{ $fromAI('code', 'The customer code, e.g. FR001', 'string') }}",
						name: "={{ $fromAI('name', 'The company name', 'string') }}",
						email: "={{ $fromAI('email', 'The e-mail address', 'string') }}",
						country: "={{ $fromAI('country', 'ISO country code, e.g. FR', 'string') }}",
						currency: "={{ $fromAI('currency', 'ISO currency code, e.g. EUR', 'string') }}",
						paymentTermDays: "={{ $fromAI('days', 'Days to pay', 'number') }}",
					},
					matchingColumns: ['id'],
					schema: [],
				},
			},
		},
	},
	streamed: {
		id: 'sageErpE2eAgentStream',
		path: 'agent-streamed',
		webhookId: '0c9b2f8e-5a6e-4d1c-9a4b-00000000a004',
		streaming: true,
		tool: {
			name: 'Customers',
			parameters: {
				resource: 'record',
				operation: 'getMany',
				recordType: customers,
				limit: 3,
				filter: "={{ $fromAI('Filter', 'A Sage filter on customers', 'string') }}",
			},
		},
	},
};
// Every scalar field of 50 customers, as the node outputs them outside an agent: the size of a
// tool answer without the compact default.
const FULL_FLOW_ID = 'sageErpE2eAgentFull';
const FULL_PATH = 'customers-full';

/** Webhook -> AI Agent (3.1) <- OpenAI Chat Model (Chat Completions) and the Sage ERP tool. */
function agentWorkflow(flow: AgentFlow) {
	const id = (n: number) => `${flow.id}-${n}`;
	return {
		id: flow.id,
		name: `e2e agent: ${flow.path}`,
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		nodes: [
			{
				id: id(1),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2.1,
				position: [0, 0],
				webhookId: flow.webhookId,
				parameters: {
					httpMethod: 'POST',
					path: flow.path,
					responseMode: flow.streaming ? 'streaming' : 'lastNode',
					options: {},
				},
			},
			{
				id: id(2),
				name: 'AI Agent',
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: 3.1,
				position: [240, 0],
				parameters: { promptType: 'define', text: '={{ $json.body.question }}', options: {} },
			},
			{
				id: id(3),
				name: 'OpenAI Chat Model',
				type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
				typeVersion: 1.3,
				position: [160, 240],
				// The node's default (Use Responses API) posts to /v1/responses; the stand-in is Chat Completions.
				parameters: {
					model: { __rl: true, mode: 'list', value: 'gpt-4o-mini' },
					responsesApiEnabled: false,
					options: {},
				},
				credentials: { openAiApi: MODEL_CREDENTIAL },
			},
			{
				id: id(4),
				name: flow.tool.name,
				type: 'n8n-nodes-sage-erp.sageErpTool',
				typeVersion: flow.tool.typeVersion ?? 1,
				position: [400, 240],
				parameters: flow.tool.parameters,
				credentials: { sageErpApi: examplesLib.CREDENTIAL_REF },
			},
		],
		connections: {
			Webhook: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': {
				ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]],
			},
			[flow.tool.name]: { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
		},
	};
}

/** Webhook -> Sage ERP Get Many (the regular node, Fields empty), answering every item. */
function fullRecordsWorkflow() {
	return {
		id: FULL_FLOW_ID,
		name: 'e2e agent: every field of 50 customers',
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		nodes: [
			{
				id: `${FULL_FLOW_ID}-1`,
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2.1,
				position: [0, 0],
				webhookId: '0c9b2f8e-5a6e-4d1c-9a4b-00000000a0f1',
				parameters: {
					httpMethod: 'POST',
					path: FULL_PATH,
					responseMode: 'lastNode',
					responseData: 'allEntries',
					options: {},
				},
			},
			{
				id: `${FULL_FLOW_ID}-2`,
				name: 'Customers',
				type: 'n8n-nodes-sage-erp.sageErp',
				typeVersion: 1,
				position: [240, 0],
				parameters: {
					resource: 'record',
					operation: 'getMany',
					recordType: customers,
					limit: 50,
					filter: '{isActive:true}',
				},
				credentials: { sageErpApi: examplesLib.CREDENTIAL_REF },
			},
		],
		connections: { Webhook: { main: [[{ node: 'Customers', type: 'main', index: 0 }]] } },
	};
}

async function post(
	baseUrl: string,
	path: string,
	body: unknown,
): Promise<{ status: number; text: string }> {
	const res = await fetch(`${baseUrl}/webhook/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(120000),
	});
	const text = await res.text();
	observe(text, `webhook ${path} response`);
	return { status: res.status, text };
}

/** The JSON a tool result holds (n8n sends the tool's items as a JSON array, or a JSON string). */
function parsedResult(request: RecordedRequest, index = -1): unknown {
	const results = toolResults(request);
	const result = results.at(index);
	if (!result)
		throw new Error(
			`the model was given no tool result; messages: ${JSON.stringify(request.body.messages).slice(0, 1500)}`,
		);
	return JSON.parse(result.content);
}

const approxTokens = (text: string) => Math.round(text.length / 4);

interface AgentSuite {
	suite: Suite;
	model: ChatModelStandin;
	main: N8nProcess;
	modelApiKey: string;
}

/** Sets the script, calls the workflow's webhook, returns the answer and what the model received. */
async function converse(
	ctx: AgentSuite,
	flow: AgentFlow,
	question: string,
	script: Script,
): Promise<{ status: number; text: string; requests: RecordedRequest[] }> {
	ctx.model.clearRequests();
	ctx.model.setScript(script);
	const answer = await post(ctx.main.baseUrl as string, flow.path, { question });
	const requests = ctx.model.completions();
	observe(
		requests.map((r) => r.body),
		`what the model received (${flow.path})`,
	);
	return { ...answer, requests };
}

/** The stand-in model, then n8n with its credential and every scenario's workflow published. */
function useAgentSuite(): AgentSuite {
	const ctx = { modelApiKey: `sk-standin-${randomBytes(12).toString('hex')}` } as AgentSuite;
	beforeAll(async () => {
		ctx.model = await startChatModelStandin();
		secretGuard().registerSecret(ctx.modelApiKey);
		ctx.suite = await openSuite('agent', {
			workflows: [...Object.values(FLOWS).map(agentWorkflow), fullRecordsWorkflow()],
		});
		const { suite } = ctx;
		const env = await suite.inst.cliEnv();
		const credential = {
			...MODEL_CREDENTIAL,
			type: 'openAiApi',
			data: { apiKey: ctx.modelApiKey, url: ctx.model.baseUrl, header: false },
		};
		await n8nLib.importCredentials(suite.inst.n8n, env, [credential]);
		await n8nLib.publishWorkflows(suite.inst.n8n, env, [
			...Object.values(FLOWS).map((f) => f.id),
			FULL_FLOW_ID,
		]);
		ctx.main = await startMain(suite);
		for (const flow of Object.values(FLOWS))
			await n8nLib.waitForWebhook(ctx.main.baseUrl, flow.path);
	}, PROVISION_TIMEOUT);
	afterAll(async () => {
		await ctx.suite?.close();
		await ctx.model?.stop();
	}, 60000);
	return ctx;
}

async function offersTheTool(ctx: AgentSuite): Promise<void> {
	expect(Object.keys(ctx.suite.inst.env())).not.toContain(
		'N8N_COMMUNITY_PACKAGES_ALLOW_TOOL_USAGE',
	);
	const { requests } = await converse(ctx, FLOWS.streamed, 'Which customers start with B?', () => ({
		content: 'None, I did not look.',
	}));
	expect(requests).toHaveLength(1);
	const tools = requests[0].body.tools ?? [];
	expect(tools.map((t) => t.function.name)).toEqual(['Customers']);
	const [tool] = tools;
	expect(tool.function.description).toContain(FILTER_EXAMPLE);
	expect(tool.function.description).toMatch(/unquoted keys and single-quoted strings/);
	expect(tool.function.description).toMatch(/_id, key and name unless Fields/);
	expect(tool.function.parameters).toMatchObject({
		type: 'object',
		properties: { Filter: { type: 'string', description: 'A Sage filter on customers' } },
		required: ['Filter'],
	});
	expect(requests[0].apiKey).toBe(ctx.modelApiKey);
}

async function getManyWithTheModelsFilter(ctx: AgentSuite): Promise<void> {
	const filter = "{isActive:true, name:{_regex:'^B'}}";
	const { status, text, requests } = await converse(
		ctx,
		FLOWS.streamed,
		'Which active customers start with B?',
		(request, turn) =>
			turn === 0
				? { toolCalls: [{ name: 'Customers', arguments: { Filter: filter } }] }
				: { content: `Found: ${toolResults(request)[0]?.content}` },
	);
	expect(status).toBe(200);
	expect(requests.map((r) => r.body.stream)).toEqual([true, true]);
	const expected = ctx.suite.sim
		.store()
		.list('xtremMasterData.customer')
		.filter((c) => c.isActive === true && /^B/.test(String(c.name)))
		.slice(0, 3)
		.map((c) => ({ _id: String(c._id), id: c.id, name: c.name }));
	expect(expected.length).toBeGreaterThan(0);
	expect(parsedResult(requests[1])).toEqual(expected);
	expect(
		ctx.suite.sim
			.graphqlLog()
			.filter((entry) => entry.operationName === 'SageErpGetMany')
			.at(-1)?.variables,
	).toMatchObject({ filter });
	// The webhook streamed the final answer, built from the tool result, back to the caller.
	const streamed = text
		.split('\n')
		.filter((line) => line.trim())
		.map((line) => JSON.parse(line) as { type: string; content?: string })
		.filter((chunk) => chunk.type === 'item')
		.map((chunk) => chunk.content)
		.join('');
	expect(streamed).toBe(`Found: ${JSON.stringify(expected)}`);
}

async function createsOneSalesOrder(ctx: AgentSuite): Promise<void> {
	const reference = `AGENT-${Date.now()}`;
	const order = {
		soldToCustomer: '#FR001',
		site: '#700',
		customerReference: reference,
		lines: [{ item: '#ITEM-1', quantity: 3 }],
	};
	const { status, requests } = await converse(
		ctx,
		FLOWS.create,
		'Order 3 of ITEM-1 for FR001 from site 700',
		(request, turn) =>
			turn === 0
				? { toolCalls: [{ name: 'Create_Sales_Order', arguments: { Order: order } }] }
				: { content: `Created ${toolResults(request)[0]?.content}` },
	);
	expect(status).toBe(200);
	expect(requests).toHaveLength(2);
	const stored = ordersWithPrefix(ctx.suite.sim, 'AGENT').filter(
		(o) => o.customerReference === reference,
	);
	expect(stored).toHaveLength(1);
	expect(parsedResult(requests[1])).toEqual([
		{ _id: String(stored[0]._id), number: stored[0].number },
	]);
	expect(
		ctx.suite.sim
			.store()
			.list('xtremSales.salesOrderLine')
			.filter((line) => String(line.document) === String(stored[0]._id)),
	).toHaveLength(1);
}

/** Version 2: the model fills a Create or Update's mapped fields; a second call updates the same customer. */
async function upsertsACustomerFromMappedFields(ctx: AgentSuite): Promise<void> {
	const code = `AG${Date.now() % 100000}`;
	const customer = {
		code,
		name: 'Agent Mapped Ltd',
		email: 'mapped@example.test',
		country: 'FR',
		currency: 'EUR',
		days: 30,
	};
	const { status, requests } = await converse(
		ctx,
		FLOWS.upsert,
		`Create customer ${code}, then give it 45 days to pay`,
		(request, turn) =>
			turn === 0
				? { toolCalls: [{ name: 'Save_Customer', arguments: customer }] }
				: turn === 1
					? { toolCalls: [{ name: 'Save_Customer', arguments: { ...customer, days: 45 } }] }
					: { content: `Saved ${toolResults(request).at(-1)?.content}` },
	);
	expect(status).toBe(200);
	expect(requests).toHaveLength(3);
	const schema = requests[0].body.tools?.find((tool) => tool.function.name === 'Save_Customer');
	expect(schema?.function.parameters).toMatchObject({
		type: 'object',
		properties: {
			code: { type: 'string' },
			country: { type: 'string', description: 'ISO country code, e.g. FR' },
			days: { type: 'number' },
		},
	});
	const stored = ctx.suite.sim
		.store()
		.list('xtremMasterData.customer')
		.filter((c) => c.id === code);
	expect(stored).toHaveLength(1);
	expect(stored[0]).toMatchObject({ name: 'Agent Mapped Ltd', paymentTermDays: 45 });
	const france = ctx.suite.sim
		.store()
		.list('xtremStructure.country')
		.find((country) => country.id === 'FR');
	expect(stored[0].country).toBe(france?._id);
	const _id = String(stored[0]._id);
	expect(parsedResult(requests[1])).toEqual([
		{ _id, id: code, name: 'Agent Mapped Ltd', _operation: 'created' },
	]);
	expect(parsedResult(requests[2])).toEqual([
		{ _id, id: code, name: 'Agent Mapped Ltd', _operation: 'updated' },
	]);
}

async function recoversFromWrongGuesses(ctx: AgentSuite): Promise<void> {
	const calls = [
		{ Fields: '_id name emailAddress', Filter: '{isActive:true}' },
		{ Fields: '_id name email', Filter: "{name:{_like:'A%'}}" },
		{ Fields: '_id name email', Filter: "{name:{_regex:'^A'}}" },
	];
	const { status, requests } = await converse(
		ctx,
		FLOWS.guess,
		'E-mail addresses of customers starting with A?',
		(_request, turn) =>
			turn < calls.length
				? { toolCalls: [{ name: 'Customers', arguments: calls[turn] }] }
				: { content: 'Here they are.' },
	);
	expect(status).toBe(200);
	expect(requests).toHaveLength(4);
	const [unknownField] = parsedResult(requests[1]) as Array<{ error: string }>;
	expect(unknownField.error).toContain('Cannot query field "emailAddress" on type "Customer"');
	// No "Did you mean" from GraphQL here (too far from "email"): the field names come along.
	expect(unknownField.error).toMatch(/Fields of xtremMasterData\.customer: _id .*\bemail\b/);
	const [badFilter] = parsedResult(requests[2]) as Array<{ error: string }>;
	expect(badFilter.error).toContain("unknown operator '_like' on property 'name'"); // Sage's own refusal
	expect(badFilter.error).toContain(FILTER_EXAMPLE);
	const expected = ctx.suite.sim
		.store()
		.list('xtremMasterData.customer')
		.filter((c) => /^A/.test(String(c.name)))
		.slice(0, 5)
		.map((c) => ({ _id: String(c._id), name: c.name, email: c.email }));
	expect(parsedResult(requests[3])).toEqual(expected);
}

async function saysWhenNothingMatches(ctx: AgentSuite): Promise<void> {
	const filter = "{name:{_regex:'^Zzz-no-such'}}";
	const { requests } = await converse(
		ctx,
		FLOWS.getMany,
		'Customers named Zzz?',
		(_request, turn) =>
			turn === 0
				? { toolCalls: [{ name: 'Customers', arguments: { Filter: filter } }] }
				: { content: 'No such customer.' },
	);
	expect(parsedResult(requests[1])).toEqual([
		{ count: 0, message: `No xtremMasterData.customer record matches the filter ${filter}.` },
	]);
}

async function measuresFiftyCustomers(ctx: AgentSuite): Promise<void> {
	const { requests } = await converse(
		ctx,
		FLOWS.getMany,
		'List 50 active customers',
		(_request, turn) =>
			turn === 0
				? { toolCalls: [{ name: 'Customers', arguments: { Filter: '{isActive:true}' } }] }
				: { content: 'Listed.' },
	);
	const compactText = toolResults(requests[1])[0].content;
	const compact = JSON.parse(compactText) as Array<Record<string, unknown>>;
	const full = await post(ctx.main.baseUrl as string, FULL_PATH, {});
	const fullRecords = JSON.parse(full.text) as Array<Record<string, unknown>>;
	// What n8n would hand the model for the same items without the compact default.
	const fullText = JSON.stringify(fullRecords);

	expect(compact).toHaveLength(50);
	expect(compact.map((c) => c._id)).toEqual(fullRecords.map((c) => c._id));
	for (const record of compact) expect(Object.keys(record)).toEqual(['_id', 'id', 'name']);
	expect(Object.keys(fullRecords[0]).length).toBeGreaterThan(10);
	expect(compactText.length * 4).toBeLessThan(fullText.length);
	process.stdout.write(
		`[agent e2e] tool result for 50 customers: compact ${Buffer.byteLength(compactText)} bytes (~${approxTokens(compactText)} tokens), ` +
			`every field ${Buffer.byteLength(fullText)} bytes (~${approxTokens(fullText)} tokens)\n`,
	);
}

/** n8n's credential Test of the OpenAI credential lists the models: the stand-in answers as OpenAI does. */
async function modelCredentialTestPasses(ctx: AgentSuite): Promise<void> {
	ctx.model.clearRequests();
	const session = await n8nLib.login(ctx.main.baseUrl);
	const res = await session.request('POST', '/rest/credentials/test', {
		credentials: {
			...MODEL_CREDENTIAL,
			type: 'openAiApi',
			data: { apiKey: ctx.modelApiKey, url: ctx.model.baseUrl, header: false },
		},
	});
	observe(res.body, 'OpenAI credential test response');
	expect(res.body).toEqual({ data: expect.objectContaining({ status: 'OK' }) });
	expect(ctx.model.requests().map((r) => [r.method, r.path, r.apiKey])).toEqual([
		['GET', '/v1/models', ctx.modelApiKey],
	]);
}

function nothingSecretReachedTheModel(ctx: AgentSuite): void {
	ctx.suite.registerSecrets();
	expect(ctx.suite.sim.issuedTokens().length).toBeGreaterThan(0);
	observe(
		ctx.model.completions().map((r) => r.body),
		'what the model received',
	);
	// Every scenario's requests were observed as they came (converse); any secret in one fails here.
	expect(() => secretGuard().check()).not.toThrow();
}

describeE2e(
	'the Sage ERP node as an AI agent tool in a real n8n (AI Agent + OpenAI Chat Model stand-in)',
	() => {
		const ctx = useAgentSuite();
		test('n8n offers the node as a tool without N8N_COMMUNITY_PACKAGES_ALLOW_TOOL_USAGE, with a description that gives the filter syntax and an example', () =>
			offersTheTool(ctx));
		test('Get Many: the filter the model wrote goes to Sage, and the model gets compact customers back (streamed answers)', () =>
			getManyWithTheModelsFilter(ctx));
		test("Create: one sales order from the model's arguments, exactly one in the store, and the model gets its _id and number", () =>
			createsOneSalesOrder(ctx));
		test('version 2: Create or Update whose mapped fields the model fills ($fromAI): created, then updated, the country as a plain code', () =>
			upsertsACustomerFromMappedFields(ctx));
		test('a wrong guess (an unknown field, a bad filter) gives the model an error it can act on, and the next turn succeeds', () =>
			recoversFromWrongGuesses(ctx));
		test('a filter that matches nothing tells the model so, in words (n8n would hand it "")', () =>
			saysWhenNothingMatches(ctx));
		test('a tool answer for 50 customers is compact: _id, key and name only, a fraction of every field', () =>
			measuresFiftyCustomers(ctx));
		test("the OpenAI credential's Test passes against the stand-in model (GET /v1/models)", () =>
			modelCredentialTestPasses(ctx));
		test('nothing the model received holds the client secret, a Sage token or the model API key', () =>
			nothingSecretReachedTheModel(ctx));
	},
);
