/**
 * Record → Describe as an AI agent's tool in a real n8n 2.40.7: n8n's AI Agent (3.1) with the
 * OpenAI Chat Model pointed at the scripted stand-in (test/ai/chat-model-standin.ts), and two
 * of the node's tools: Describe on sales orders, and Create on sales orders. The model calls
 * Describe first, as its default description asks, learns the fields from its answer (required
 * ones, what a reference points to and how to write it), then creates the order.
 */
import { randomBytes } from 'node:crypto';

import {
	startChatModelStandin,
	toolResults,
	type ChatModelStandin,
	type RecordedRequest,
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

const MODEL_CREDENTIAL = { id: 'sageErpDescribeModel', name: 'OpenAI (scripted stand-in)' };
const FLOW_ID = 'sageErpE2eAgentDescribe';
const PATH = 'agent-describe';
const SALES_ORDER = { __rl: true, mode: 'id', value: 'xtremSales.salesOrder' };
const TOOLS = {
	Sales_Order_Fields: { resource: 'record', operation: 'describe', recordType: SALES_ORDER },
	Create_Sales_Order: {
		resource: 'record',
		operation: 'create',
		recordType: SALES_ORDER,
		// The model writes the whole order as one JSON object: version 2's Data Mode JSON.
		dataMode: 'json',
		data: "={{ $fromAI('Order', 'The sales order, with the fields Sales_Order_Fields lists', 'json') }}",
	},
};

/** Webhook -> AI Agent <- OpenAI Chat Model, and both Sage ERP tools (version 2). */
function workflow() {
	const names = Object.keys(TOOLS) as Array<keyof typeof TOOLS>;
	const node = (n: number, rest: Record<string, unknown>) => ({
		id: `${FLOW_ID}-${n}`,
		position: [n * 200, n > 2 ? 240 : 0],
		...rest,
	});
	return {
		id: FLOW_ID,
		name: 'e2e agent: Describe first',
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		nodes: [
			node(1, {
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2.1,
				webhookId: '0c9b2f8e-5a6e-4d1c-9a4b-00000000a0d1',
				parameters: { httpMethod: 'POST', path: PATH, responseMode: 'lastNode', options: {} },
			}),
			node(2, {
				name: 'AI Agent',
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: 3.1,
				parameters: { promptType: 'define', text: '={{ $json.body.question }}', options: {} },
			}),
			node(3, {
				name: 'OpenAI Chat Model',
				type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
				typeVersion: 1.3,
				parameters: {
					model: { __rl: true, mode: 'list', value: 'gpt-4o-mini' },
					responsesApiEnabled: false,
					options: {},
				},
				credentials: { openAiApi: MODEL_CREDENTIAL },
			}),
			...names.map((name, index) =>
				node(4 + index, {
					name,
					type: 'n8n-nodes-sage-erp.sageErpTool',
					typeVersion: 2,
					parameters: TOOLS[name],
					credentials: { sageErpApi: examplesLib.CREDENTIAL_REF },
				}),
			),
		],
		connections: {
			Webhook: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': {
				ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]],
			},
			...Object.fromEntries(
				names.map((name) => [
					name,
					{ ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
				]),
			),
		},
	};
}

describeE2e(
	'Record → Describe as an AI agent tool in a real n8n: the model learns the fields first',
	() => {
		const modelApiKey = `sk-standin-${randomBytes(12).toString('hex')}`;
		let model: ChatModelStandin;
		let suite: Suite;
		let main: N8nProcess;

		beforeAll(async () => {
			model = await startChatModelStandin();
			secretGuard().registerSecret(modelApiKey);
			suite = await openSuite('agent-describe', { workflows: [workflow()] });
			const env = await suite.inst.cliEnv();
			await n8nLib.importCredentials(suite.inst.n8n, env, [
				{
					...MODEL_CREDENTIAL,
					type: 'openAiApi',
					data: { apiKey: modelApiKey, url: model.baseUrl, header: false },
				},
			]);
			await n8nLib.publishWorkflows(suite.inst.n8n, env, [FLOW_ID]);
			main = await startMain(suite);
			await n8nLib.waitForWebhook(main.baseUrl, PATH);
		}, PROVISION_TIMEOUT);
		afterAll(async () => {
			await suite?.close();
			await model?.stop();
		}, 60000);

		test('the model calls Describe first, reads the required fields and how to write a reference, then creates the order', async () => {
			const reference = `DESCRIBED-${Date.now()}`;
			const fieldsSeen: Array<Record<string, unknown>> = [];
			model.clearRequests();
			model.setScript((request: RecordedRequest, turn: number) => {
				if (turn === 0) return { toolCalls: [{ name: 'Sales_Order_Fields', arguments: {} }] };
				if (turn === 1) {
					fieldsSeen.push(...(JSON.parse(toolResults(request)[0].content) as typeof fieldsSeen));
					// What a model does with the answer: every field required on create, a reference
					// written as "#" and its key.
					const required = fieldsSeen.filter((field) => field.requiredOnCreate === true);
					const order: Record<string, unknown> = { customerReference: reference };
					for (const field of required) {
						if (field.name === 'soldToCustomer') order.soldToCustomer = '#FR001';
						if (field.name === 'site') order.site = '#700';
					}
					order.lines = [{ item: '#ITEM-1', quantity: 2 }];
					return { toolCalls: [{ name: 'Create_Sales_Order', arguments: { Order: order } }] };
				}
				return { content: `Created ${toolResults(request).at(-1)?.content}` };
			});
			const res = await fetch(`${main.baseUrl}/webhook/${PATH}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ question: 'Order 2 of ITEM-1 for customer FR001 from site 700' }),
				signal: AbortSignal.timeout(120000),
			});
			observe(await res.text(), 'webhook response');
			expect(res.status).toBe(200);
			const requests = model.completions();
			observe(
				requests.map((r) => r.body),
				'what the model received',
			);

			// The tool's default description tells the model to call it first.
			const describeTool = requests[0].body.tools?.find(
				(tool) => tool.function.name === 'Sales_Order_Fields',
			);
			expect(describeTool?.function.description).toMatch(/Call it first/);
			expect(requests).toHaveLength(3);

			// What Describe answered: the fields, the required ones and what the references point to.
			const byName = new Map(fieldsSeen.map((field) => [field.name, field]));
			expect(byName.get('soldToCustomer')).toMatchObject({
				type: 'reference',
				requiredOnCreate: true,
				references: 'xtremMasterData.customer',
				referenceKey: ['id'],
			});
			expect(byName.get('site')).toMatchObject({ requiredOnCreate: true });
			expect(byName.get('lines')).toMatchObject({ collection: true });

			const stored = ordersWithPrefix(suite.sim, 'DESCRIBED').filter(
				(order) => order.customerReference === reference,
			);
			expect(stored).toHaveLength(1);
			expect(JSON.parse(toolResults(requests[2]).at(-1)!.content)).toEqual([
				{ _id: String(stored[0]._id), number: stored[0].number },
			]);
		});

		test('nothing the model received holds the client secret, a Sage token or the model API key', () => {
			suite.registerSecrets();
			observe(
				model.completions().map((r) => r.body),
				'what the model received',
			);
			expect(() => secretGuard().check()).not.toThrow();
		});
	},
);
