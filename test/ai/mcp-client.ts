/**
 * A minimal MCP client over Streamable HTTP (MCP specification 2025-03-26 and later), the
 * transport n8n's MCP Server Trigger (version 2 and later) serves at `/mcp/<path>`: JSON-RPC
 * requests POSTed with `Accept: application/json, text/event-stream`, answered as JSON or as
 * an SSE stream of `message` events; the session id comes back in `mcp-session-id` on the
 * `initialize` answer and goes with every later request.
 */

export interface McpTool {
	name: string;
	description?: string;
	inputSchema?: {
		type?: string;
		properties?: Record<string, { type?: string; description?: string }>;
		required?: string[];
	};
}

export interface McpToolResult {
	content: Array<{ type: string; text?: string }>;
	isError?: boolean;
}

export interface McpSession {
	sessionId: string;
	serverInfo: { name?: string; version?: string };
	instructions?: string;
	listTools(): Promise<McpTool[]>;
	callTool(name: string, args: Record<string, unknown>): Promise<McpToolResult>;
	close(): Promise<void>;
}

const PROTOCOL_VERSION = '2025-03-26';

export async function connectMcp(
	url: string,
	options: { headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<McpSession> {
	let nextId = 1;
	let sessionId = '';
	const timeoutMs = options.timeoutMs ?? 60000;

	async function send(method: string, params: unknown, notification = false): Promise<unknown> {
		const id = notification ? undefined : nextId++;
		const res = await fetch(url, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				accept: 'application/json, text/event-stream',
				...(sessionId
					? { 'mcp-session-id': sessionId, 'mcp-protocol-version': PROTOCOL_VERSION }
					: {}),
				...options.headers,
			},
			body: JSON.stringify({
				jsonrpc: '2.0',
				method,
				...(id === undefined ? {} : { id }),
				...(params === undefined ? {} : { params }),
			}),
			signal: AbortSignal.timeout(timeoutMs),
		});
		sessionId ||= res.headers.get('mcp-session-id') ?? '';
		const text = await res.text();
		if (notification) {
			if (res.status !== 202 && res.status !== 200)
				throw new Error(`MCP ${method}: HTTP ${res.status} ${text.slice(0, 300)}`);
			return undefined;
		}
		if (res.status !== 200)
			throw new Error(`MCP ${method}: HTTP ${res.status} ${text.slice(0, 300)}`);
		const message = answerTo(id as number, res.headers.get('content-type') ?? '', text);
		if (message.error)
			throw new Error(`MCP ${method}: error ${message.error.code} ${message.error.message}`);
		return message.result;
	}

	const init = (await send('initialize', {
		protocolVersion: PROTOCOL_VERSION,
		capabilities: {},
		clientInfo: { name: 'n8n-nodes-sage-erp-e2e', version: '1.0.0' },
	})) as { serverInfo?: McpSession['serverInfo']; instructions?: string };
	if (!sessionId) throw new Error('MCP initialize: the server sent no mcp-session-id');
	await send('notifications/initialized', undefined, true);

	return {
		sessionId,
		serverInfo: init.serverInfo ?? {},
		instructions: init.instructions,
		listTools: async () => ((await send('tools/list', {})) as { tools: McpTool[] }).tools,
		callTool: async (name, args) =>
			(await send('tools/call', { name, arguments: args })) as McpToolResult,
		async close() {
			await fetch(url, {
				method: 'DELETE',
				headers: { 'mcp-session-id': sessionId },
				signal: AbortSignal.timeout(timeoutMs),
			}).then((res) => res.text());
		},
	};
}

type JsonRpcMessage = { id?: number; result?: unknown; error?: { code: number; message: string } };

/** The JSON-RPC answer with this id, from a JSON body or from the `data:` lines of an SSE body. */
function answerTo(id: number, contentType: string, text: string): JsonRpcMessage {
	const messages: JsonRpcMessage[] = contentType.includes('text/event-stream')
		? text
				.split(/\r?\n\r?\n/)
				.map((event) =>
					event
						.split(/\r?\n/)
						.filter((line) => line.startsWith('data:'))
						.map((line) => line.slice(5).trimStart())
						.join('\n'),
				)
				.filter(Boolean)
				.map((data) => JSON.parse(data) as JsonRpcMessage)
		: [JSON.parse(text) as JsonRpcMessage].flat();
	const answer = messages.find((message) => message.id === id);
	if (!answer) throw new Error(`no JSON-RPC answer with id ${id} in: ${text.slice(0, 300)}`);
	return answer;
}
