/**
 * The two ways n8n 2.x calls a node that is an AI agent's tool, without an agent or a model:
 * - `mode: 'engine'` as n8n's AI Agent 3 does: the node answers an EngineRequest, the engine
 *   runs each tool node as an execution of its own (`ExecuteContext`, output rewired to
 *   `ai_tool`), then resumes this node with the results;
 * - `mode: 'inProcess'` as the MCP Server Trigger and agents used as tools do: the tools come
 *   from getInputConnectionData (n8n-core's createNodeAsTool) and are invoked in place
 *   (`SupplyDataContext`, where isToolExecution() is true).
 * Each output item is one call: `{ tool, result }`, `result` being what the model would read.
 */
import type {
	EngineRequest,
	EngineResponse,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

export const TOOL_CALLER_TYPE = 'n8n-nodes-harness.toolCaller';

export interface ToolCall {
	/** The tool's node name. */
	node: string;
	/** The arguments a model would pass (the `$fromAI` keys). */
	args: IDataObject;
}

type LangchainTool = {
	name: string;
	description: string;
	metadata?: { sourceNodeName?: string };
	invoke(args: IDataObject): Promise<unknown>;
};

export class ToolCallerNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Tool Caller',
		name: 'toolCaller',
		group: ['transform'],
		version: 1,
		description: 'Calls its connected tools the way n8n does for an AI agent',
		defaults: { name: 'Tool Caller' },
		inputs: ['main', { type: 'ai_tool', displayName: 'Tools', required: true }],
		outputs: ['main'],
		properties: [
			{
				displayName: 'Mode',
				name: 'mode',
				type: 'options',
				options: [
					{ name: 'Engine', value: 'engine' },
					{ name: 'In Process', value: 'inProcess' },
				],
				default: 'engine',
			},
			{ displayName: 'Calls', name: 'calls', type: 'json', default: '[]' },
		],
	};

	async execute(
		this: IExecuteFunctions,
		response?: EngineResponse,
	): Promise<INodeExecutionData[][] | EngineRequest> {
		const calls = JSON.parse(this.getNodeParameter('calls', 0) as string) as ToolCall[];
		if (this.getNodeParameter('mode', 0) === 'inProcess')
			return [await invokeInProcess(this, calls)];
		// The engine hands every execution a response, empty until the tools have run.
		if (!response?.actionResponses.length) {
			return {
				actions: calls.map((call, index) => ({
					actionType: 'ExecutionNodeAction' as const,
					nodeName: call.node,
					input: call.args,
					type: 'ai_tool' as const,
					id: `call_${index}`,
					metadata: { itemIndex: 0 },
				})),
				metadata: {},
			};
		}
		// What n8n's agent hands the model (buildSteps): the items' json, or `""` when there are none.
		return [
			response.actionResponses.map(({ action, data }) => {
				const items = data.data?.ai_tool?.[0]?.map((item) => item.json) ?? [];
				const result = items.length
					? JSON.stringify(items)
					: JSON.stringify(data.error ? { error: data.error.message } : '');
				return { json: { tool: action.nodeName, result } };
			}),
		];
	}
}

async function invokeInProcess(
	context: IExecuteFunctions,
	calls: ToolCall[],
): Promise<INodeExecutionData[]> {
	const tools = (await context.getInputConnectionData('ai_tool', 0)) as LangchainTool[];
	const output: INodeExecutionData[] = [];
	for (const call of calls) {
		const tool = tools.find((candidate) => candidate.metadata?.sourceNodeName === call.node);
		if (!tool)
			throw new Error(
				`no tool from the node "${call.node}" among ${tools.map((t) => t.name).join(', ')}`,
			);
		let result: string;
		try {
			result = String(await tool.invoke(call.args));
		} catch (error) {
			result = JSON.stringify({ error: (error as Error).message });
		}
		output.push({
			json: { tool: call.node, name: tool.name, description: tool.description, result },
		});
	}
	return output;
}
