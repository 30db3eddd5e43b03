/**
 * The example "MCP Server Trigger → Sage ERP tools" (examples/mcp-server-sage-erp-tools.json)
 * in a real n8n 2.40.7 (`n8n start`, every example imported and published as `npm start`
 * does), called by a minimal MCP client over Streamable HTTP (test/ai/mcp-client.ts).
 */
import { connectMcp, type McpSession, type McpToolResult } from '../ai/mcp-client';
import {
	describeE2e,
	examples,
	examplesLib,
	observe,
	openSuite,
	packageLoadError,
	processes,
	PROVISION_TIMEOUT,
	startMain,
	type N8nProcess,
	type Suite,
} from './harness';

const FILTER_EXAMPLE = "{isActive:true, name:{_regex:'^A'}}";

/** The text of a tool result, observed by the secret guard, parsed as the JSON it holds. */
function resultJson(result: McpToolResult, where: string): unknown {
	observe(result, where);
	const text = result.content.map((part) => part.text ?? '').join('');
	return JSON.parse(text);
}

interface McpSuite {
	suite: Suite;
	main: N8nProcess;
	mcp: McpSession;
}

const all = Object.values(examples());
const example = examples()[examplesLib.EXAMPLE_IDS.mcpServerTools];
const trigger = example.nodes.find((node) => node.type === '@n8n/n8n-nodes-langchain.mcpTrigger');

/** n8n with every example published, as `npm start` has it, and an MCP session with the example. */
function useMcpSuite(): McpSuite {
	const ctx = {} as McpSuite;
	beforeAll(async () => {
		ctx.suite = await openSuite('mcp', {
			workflows: all,
			activate: examplesLib.activatableIds(all),
		});
		ctx.main = await startMain(ctx.suite);
		expect(packageLoadError(ctx.main.output())).toBeNull();
		// n8n 2.x activates published workflows after the editor is up: the endpoint comes a little later.
		ctx.mcp = await processes.waitUntil(
			() => connectMcp(`${ctx.main.baseUrl}/mcp/${trigger?.parameters.path}`),
			{
				timeout: 120000,
				interval: 500,
				what: 'the MCP Server Trigger of the example to be registered (workflow activation)',
			},
		);
	}, PROVISION_TIMEOUT);
	afterAll(async () => {
		await ctx.mcp?.close().catch(() => undefined);
		await ctx.suite?.close();
	}, 60000);
	return ctx;
}

function activates(ctx: McpSuite): void {
	expect(examplesLib.activatableIds(all)).toContain(example.id);
	expect(ctx.main.output()).not.toMatch(/could not be activated|problem activating/i);
	expect(ctx.mcp.instructions).toBe(trigger?.parameters.instructions);
}

async function listsTheTools(ctx: McpSuite): Promise<void> {
	const tools = await ctx.mcp.listTools();
	observe(tools, 'MCP tools/list');
	expect(tools.map((tool) => tool.name).sort()).toEqual([
		'Find_customers',
		'Get_sales_order',
		'Save_customer',
	]);
	const save = tools.find((tool) => tool.name === 'Save_customer');
	expect(save?.inputSchema).toMatchObject({
		type: 'object',
		properties: {
			code: { type: 'string' },
			name: { type: 'string' },
			email: { type: 'string' },
			country: { type: 'string', description: 'ISO country code, e.g. FR' },
			currency: { type: 'string' },
		},
	});
	const find = tools.find((tool) => tool.name === 'Find_customers');
	expect(find?.description).toContain(FILTER_EXAMPLE);
	expect(find?.inputSchema).toMatchObject({
		type: 'object',
		properties: { filter: { type: 'string' } },
		required: ['filter'],
	});
	const get = tools.find((tool) => tool.name === 'Get_sales_order');
	expect(get?.description).toMatch(/natural key after a #/);
	expect(get?.inputSchema).toMatchObject({
		properties: { order: { type: 'string' } },
		required: ['order'],
	});
}

async function findsCustomers(ctx: McpSuite): Promise<void> {
	const filter = "{isActive:true, name:{_regex:'^C'}}";
	const result = await ctx.mcp.callTool('Find_customers', { filter });
	expect(result.isError ?? false).toBe(false);
	const expected = ctx.suite.sim
		.store()
		.list('xtremMasterData.customer')
		.filter((c) => c.isActive === true && /^C/.test(String(c.name)))
		.sort((a, b) => String(a.name).localeCompare(String(b.name)) || Number(a._id) - Number(b._id))
		.slice(0, 20)
		.map((c) => ({ _id: String(c._id), id: c.id, name: c.name }));
	expect(expected.length).toBeGreaterThan(1);
	const found = resultJson(result, 'MCP Find_customers') as Array<Record<string, unknown>>;
	expect(found.map((c) => c.name)).toEqual(expected.map((c) => c.name));
	expect(new Set(found.map((c) => c._id))).toEqual(new Set(expected.map((c) => c._id)));
	for (const record of found) expect(Object.keys(record).sort()).toEqual(['_id', 'id', 'name']);
}

async function getsASalesOrder(ctx: McpSuite): Promise<void> {
	const order = ctx.suite.sim.store().list('xtremSales.salesOrder')[0];
	const customer = ctx.suite.sim
		.store()
		.get('xtremMasterData.customer', order.soldToCustomer as string);
	const result = await ctx.mcp.callTool('Get_sales_order', { order: `#${order.number}` });
	const [record] = resultJson(result, 'MCP Get_sales_order') as Array<Record<string, unknown>>;
	expect(record).toEqual({
		_id: String(order._id),
		number: order.number,
		status: order.status,
		orderDate: order.orderDate,
		customerReference: order.customerReference ?? null,
		// Sage's decimals travel as strings in GraphQL answers.
		totalAmountExcludingTax: expect.any(String),
		soldToCustomer: { id: customer?.id, name: customer?.name },
	});
	expect(Number(record.totalAmountExcludingTax)).toBeCloseTo(
		Number(order.totalAmountExcludingTax),
		2,
	);
}

/** Version 2's field mapper as a tool: the client fills the mapped fields, references as plain codes. */
async function savesACustomer(ctx: McpSuite): Promise<void> {
	const code = `MCP${Date.now() % 100000}`;
	const args = {
		code,
		name: 'MCP Client Ltd',
		email: 'mcp@example.test',
		country: 'DE',
		currency: 'EUR',
	};
	const created = await ctx.mcp.callTool('Save_customer', args);
	expect(created.isError ?? false).toBe(false);
	const updated = await ctx.mcp.callTool('Save_customer', { ...args, name: 'MCP Client GmbH' });
	const stored = ctx.suite.sim
		.store()
		.list('xtremMasterData.customer')
		.filter((customer) => customer.id === code);
	expect(stored).toHaveLength(1);
	expect(stored[0].name).toBe('MCP Client GmbH');
	const countries = ctx.suite.sim.store().list('xtremStructure.country');
	expect(countries.find((country) => country._id === stored[0].country)?.id).toBe('DE');
	const _id = String(stored[0]._id);
	expect(resultJson(created, 'MCP Save_customer (create)')).toEqual([
		{ _id, id: code, name: 'MCP Client Ltd', _operation: 'created' },
	]);
	expect(resultJson(updated, 'MCP Save_customer (update)')).toEqual([
		{ _id, id: code, name: 'MCP Client GmbH', _operation: 'updated' },
	]);
}

async function explainsABadFilter(ctx: McpSuite): Promise<void> {
	const result = await ctx.mcp.callTool('Find_customers', { filter: "{name:{_like:'C%'}}" });
	observe(result, 'MCP Find_customers, bad filter');
	const text = result.content.map((part) => part.text ?? '').join('');
	expect(text).toContain("unknown operator '_like' on property 'name'"); // Sage's own refusal: the check leaves unknown operators to Sage
	expect(text).toContain(FILTER_EXAMPLE);
}

describeE2e('MCP Server Trigger → Sage ERP tools, called by an MCP client (n8n start)', () => {
	const ctx = useMcpSuite();
	test('the example is one of the examples npm start publishes, and it activates', () =>
		activates(ctx));
	test('tools/list offers the three Sage ERP tools, with what a model must pass', () =>
		listsTheTools(ctx));
	test('tools/call Find_customers runs Get Many with the given filter and answers compact customers', () =>
		findsCustomers(ctx));
	test('tools/call Get_sales_order answers the order with the Fields the workflow set', () =>
		getsASalesOrder(ctx));
	test('tools/call Save_customer (version 2, mapped fields from $fromAI) creates the customer, then updates it; the country as a plain code', () =>
		savesACustomer(ctx));
	test('a bad filter answers an error the client can act on: the refusal and the filter syntax', () =>
		explainsABadFilter(ctx));
});
