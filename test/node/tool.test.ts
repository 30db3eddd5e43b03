/**
 * The node as an AI agent's tool (`n8n-nodes-sage-erp.sageErpTool`) in n8n-core 2.11's engine,
 * called both ways n8n 2.x calls tools (test/helpers/engine/tool-caller.ts): as AI Agent 3
 * does (an EngineRequest; the tool runs as an execution of its own, where isToolExecution()
 * is false and the node type tells), and in-process as the MCP Server Trigger does (where
 * isToolExecution() is true). What is asserted is what a model would read.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { TOOL_CALLER_TYPE, ToolCallerNode, type NodeSpec, type ToolCall } from '../helpers/engine';
import { secretGuard } from '../setup/secret-guard';
import { outputOf, recordType, runNode, useNodeEnv, SAGE_SYNTAX } from './fixture';

const env = useNodeEnv(
	{ seed: { customers: 80 } },
	{ extraNodeTypes: { [TOOL_CALLER_TYPE]: new ToolCallerNode() } },
);
const TOOL_TYPE = 'n8n-nodes-sage-erp.sageErpTool';
const CUSTOMER = recordType('xtremMasterData.customer');
const findCustomers = {
	resource: 'record',
	operation: 'getMany',
	recordType: CUSTOMER,
	limit: 5,
	filter: "={{ $fromAI('filter', 'A Sage filter', 'string') }}",
};
const MODES = ['engine', 'inProcess'] as const;

/** Calls the tools (node name -> parameters) as n8n does; one `{ tool, result, ... }` per call. */
async function callTools(
	mode: (typeof MODES)[number],
	tools: Record<string, INodeParameters>,
	calls: ToolCall[],
	typeVersion?: number,
): Promise<IDataObject[]> {
	const caller: NodeSpec = {
		name: 'Agent',
		type: TOOL_CALLER_TYPE,
		parameters: { mode, calls: JSON.stringify(calls) },
	};
	const toolNodes: NodeSpec[] = Object.entries(tools).map(([name, parameters]) => ({
		name,
		type: TOOL_TYPE,
		// Data without Data Mode is version 1's way of writing: such a tool is a version-1 node.
		typeVersion:
			typeVersion ?? (parameters.data !== undefined && !parameters.dataMode ? 1 : undefined),
		parameters,
	}));
	const connections = Object.fromEntries(
		toolNodes.map((node) => [
			node.name,
			{ ai_tool: [[{ node: 'Agent', type: 'ai_tool' as const, index: 0 }]] },
		]),
	);
	const result = await env.engine.run({ nodes: [caller, ...toolNodes], connections });
	// n8n 2.11 stops the workflow at a failing tool; n8n 2.40.7 hands the agent `{ error: message }`
	// with the same message (WorkflowExecute.handleNodeExecutionError): what a model reads.
	const failed = toolNodes.find((node) => result.nodeError(node.name));
	if (mode === 'engine' && failed)
		return [
			{
				tool: failed.name,
				result: JSON.stringify({ error: result.nodeError(failed.name)?.message }),
			},
		];
	if (result.error) throw new Error(`the run failed: ${result.error.message}`);
	const answers = result.items('Agent').map((item) => item.json);
	secretGuard().observe(answers, 'what a model reads');
	return answers;
}

const parsed = (answer: IDataObject): unknown => JSON.parse(String(answer.result));

describe.each(MODES)('called %s', (mode) => {
	test('Get Many without Fields answers _id, key and name of each record; with Fields, those fields', async () => {
		const filter = "{name:{_regex:'^A'}}";
		const [compact, chosen] = await callTools(
			mode,
			{
				Customers: findCustomers,
				// Version 2: the fields picked from the list.
				'Customer E-mails': { ...findCustomers, fieldList: ['_id', 'email'] },
			},
			[
				{ node: 'Customers', args: { filter } },
				{ node: 'Customer E-mails', args: { filter } },
			],
		);
		const expected = env.sim
			.store()
			.list('xtremMasterData.customer')
			.filter((c) => /^A/.test(String(c.name)))
			.slice(0, 5);
		expect(parsed(compact)).toEqual(
			expected.map((c) => ({ _id: String(c._id), id: c.id, name: c.name })),
		);
		expect(parsed(chosen)).toEqual(expected.map((c) => ({ _id: String(c._id), email: c.email })));
	});

	test("a condition's Value can be left to the model ($fromAI)", async () => {
		const [answer] = await callTools(
			mode,
			{
				'Customers by city': {
					resource: 'record',
					operation: 'getMany',
					recordType: CUSTOMER,
					returnAll: true,
					fields: '_id city',
					filterType: 'manual',
					conditions: {
						condition: [
							{
								field: 'city',
								operator: 'equals',
								value: "={{ $fromAI('city', 'The city', 'string') }}",
							},
						],
					},
				},
			},
			[{ node: 'Customers by city', args: { city: 'Lyon' } }],
		);
		const lyon = env.sim
			.store()
			.list('xtremMasterData.customer')
			.filter((c) => c.city === 'Lyon');
		expect(lyon.length).toBeGreaterThan(0);
		expect(parsed(answer)).toEqual(lyon.map((c) => ({ _id: String(c._id), city: 'Lyon' })));
	});

	test('a filter that matches nothing answers a message naming the record type and the filter', async () => {
		const [answer] = await callTools(mode, { Customers: findCustomers }, [
			{ node: 'Customers', args: { filter: "{id:'NOBODY'}" } },
		]);
		expect(parsed(answer)).toEqual([
			{ count: 0, message: "No xtremMasterData.customer record matches the filter {id:'NOBODY'}." },
		]);
	});

	test('an unknown field answers the refusal, its hint and the fields the record type has, once', async () => {
		const [answer] = await callTools(
			mode,
			{
				Customers: {
					...findCustomers,
					returnFields: 'custom',
					fields: "={{ $fromAI('fields', 'GraphQL selection', 'string') }}",
				},
			},
			[{ node: 'Customers', args: { filter: '{isActive:true}', fields: '_id mail' } }],
		);
		const { error } = parsed(answer) as { error: string };
		expect(error).toContain('Cannot query field "mail" on type "Customer"');
		expect(error).toContain('Leave Fields empty to get every scalar field');
		expect(error).toContain(
			'Fields of xtremMasterData.customer: _id _createStamp _updateStamp _updateTick _customData id name isActive email phone city creditLimit paymentTermDays; references, each with sub-fields such as { id }: country currency businessEntity.',
		);
		expect(error.split('Leave Fields empty').length).toBe(2);
		expect(error).not.toContain('Details:');
	});

	test('a filter with an unknown operator answers Sage’s refusal, the operators there are and the filter syntax', async () => {
		// An operator the check does not know is Sage's to judge: Sage's own refusal comes back.
		const [answer] = await callTools(mode, { Customers: findCustomers }, [
			{ node: 'Customers', args: { filter: '{name:{_startsWith:"A"}}' } },
		]);
		const { error } = parsed(answer) as { error: string };
		expect(error).toContain("unknown operator '_startsWith' on property 'name'");
		expect(error).toContain('operators _eq _ne _gt _gte _lt _lte _in _regex _or _not');
		expect(error).toContain(
			"Write the filter as a Sage filter with unquoted keys and single-quoted strings, e.g. {isActive:true, name:{_regex:'^A'}}",
		);
	});

	test('Create answers the new record’s _id and natural key; Get and Delete by natural key', async () => {
		const id = `TOOL-${mode.toUpperCase()}`;
		const customers = { resource: 'record', recordType: CUSTOMER };
		const [created] = await callTools(
			mode,
			{
				'New Customer': {
					...customers,
					operation: 'create',
					data: "={{ $fromAI('customer', 'The customer', 'json') }}",
				},
			},
			[
				{
					node: 'New Customer',
					args: {
						customer: { id, name: 'Tool Made Ltd', currency: '#EUR', email: 'tool@example.test' },
					},
				},
			],
		);
		const stored = env.sim
			.store()
			.list('xtremMasterData.customer')
			.filter((c) => c.id === id);
		expect(stored).toHaveLength(1);
		expect(parsed(created)).toEqual([{ _id: String(stored[0]._id), id, name: 'Tool Made Ltd' }]);

		// One call per run: n8n runs the tool calls of one turn in no promised order.
		const byKey = { ...customers, id: "={{ $fromAI('key', 'The customer', 'string') }}" };
		const [read] = await callTools(mode, { Read: { ...byKey, operation: 'get' } }, [
			{ node: 'Read', args: { key: `#${id}` } },
		]);
		const [deleted] = await callTools(mode, { Remove: { ...byKey, operation: 'delete' } }, [
			{ node: 'Remove', args: { key: `#${id}` } },
		]);
		expect(parsed(read)).toEqual([{ _id: String(stored[0]._id), id, name: 'Tool Made Ltd' }]);
		expect(parsed(deleted)).toEqual([{ _id: `#${id}`, deleted: true }]);
		expect(env.sim.store().get('xtremMasterData.customer', String(stored[0]._id))).toBeUndefined();
	});

	test('version 2: Create or Update whose mapped fields the model fills ($fromAI); a reference as its plain natural key, a number as text', async () => {
		const id = `TOOL-V2-${mode.toUpperCase()}`;
		const fromAI = (key: string, description: string, type: string) =>
			`={{ $fromAI('${key}', '${description}', '${type}') }}`;
		const saveCustomer = {
			resource: 'record',
			operation: 'upsert',
			recordType: CUSTOMER,
			columns: {
				mappingMode: 'defineBelow',
				value: {
					id: fromAI('code', 'The customer code', 'string'),
					name: fromAI('name', 'The company name', 'string'),
					email: fromAI('email', 'The e-mail address', 'string'),
					currency: fromAI('currency', 'ISO currency code, e.g. EUR', 'string'),
					paymentTermDays: fromAI('days', 'Days the customer has to pay', 'string'),
				},
				matchingColumns: ['id'],
				schema: [],
			},
		};
		const save = async (args: IDataObject) =>
			(
				await callTools(
					mode,
					{ 'Save Customer': saveCustomer },
					[{ node: 'Save Customer', args }],
					2,
				)
			)[0];
		const created = await save({
			code: id,
			name: 'Agent Co',
			email: 'agent@example.test',
			currency: 'EUR',
			days: '30',
		});
		const updated = await save({
			code: id,
			name: 'Agent Co Renamed',
			email: 'agent@example.test',
			currency: 'GBP',
			days: '45',
		});
		const stored = env.sim
			.store()
			.list('xtremMasterData.customer')
			.filter((c) => c.id === id);
		expect(stored).toHaveLength(1);
		expect(stored[0]).toMatchObject({ name: 'Agent Co Renamed', paymentTermDays: 45 });
		const _id = String(stored[0]._id);
		expect(parsed(created)).toEqual([{ _id, id, name: 'Agent Co', _operation: 'created' }]);
		expect(parsed(updated)).toEqual([{ _id, id, name: 'Agent Co Renamed', _operation: 'updated' }]);
	});

	test('a GraphQL query keeps its own selection', async () => {
		const query =
			'{ xtremMasterData { customer { query(first: 2) { edges { node { _id email } } } } } }';
		const [answer] = await callTools(
			mode,
			{ GraphQL: { resource: 'graphql', operation: 'query', query } },
			[{ node: 'GraphQL', args: {} }],
		);
		const [first, second] = env.sim.store().list('xtremMasterData.customer');
		expect(parsed(answer)).toEqual([
			{ _id: String(first._id), email: first.email },
			{ _id: String(second._id), email: second.email },
		]);
	});
});

test('in-process, the tool is described per operation: what to pass (the filter syntax, with an example) and what comes back', async () => {
	const [answer] = await callTools('inProcess', { Customers: findCustomers }, [
		{ node: 'Customers', args: { filter: '{isActive:true}' } },
	]);
	expect(answer.name).toBe('Customers');
	expect(answer.description).toContain(
		"The filter is a Sage filter with unquoted keys and single-quoted strings, e.g. {isActive:true, name:{_regex:'^A'}}",
	);
	expect(answer.description).toContain(
		'Answers one object per record with its _id, key and name unless Fields name others',
	);
});

test('the same node outside an agent still gives every scalar field and no message for no records', async () => {
	// Outside an agent, version 2's Filter is built unless Sage Syntax is chosen.
	const parameters = { ...findCustomers, ...SAGE_SYNTAX, filter: '{isActive:true}', limit: 1 };
	const [item] = outputOf(await runNode(env, parameters));
	expect(Object.keys(item.json).length).toBeGreaterThan(10);
	expect(outputOf(await runNode(env, { ...parameters, filter: "{id:'NOBODY'}" }))).toEqual([]);
});
