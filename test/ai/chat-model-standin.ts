/**
 * A scripted stand-in for OpenAI's chat-completions API, on 127.0.0.1, for n8n's OpenAI Chat
 * Model node (its credential's Base URL points here). A test sets a script; every request is
 * answered by the script's next turn, as OpenAI answers it: a JSON `chat.completion`, or with
 * `stream: true` an SSE stream of `chat.completion.chunk`s ending in `data: [DONE]` (the usage
 * chunk only when `stream_options.include_usage` asks for it). Every request is recorded, so a
 * test can read what the model was given: the tools' JSON schemas, the messages, the tool results.
 *
 * Shapes follow OpenAI's API reference for POST /v1/chat/completions and GET /v1/models, and
 * what @langchain/openai (under n8n's node) reads from them.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatMessage {
	role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
	content: string | null | Array<{ type: string; text?: string }>;
	tool_calls?: Array<{
		id: string;
		type: 'function';
		function: { name: string; arguments: string };
	}>;
	tool_call_id?: string;
	name?: string;
}

export interface ChatTool {
	type: 'function';
	function: {
		name: string;
		description?: string;
		parameters?: Record<string, unknown>;
		strict?: boolean;
	};
}

/** One request as the model received it. */
export interface RecordedRequest {
	method: string;
	path: string;
	/** The API key the node sent (Authorization: Bearer ...), to check the credential was used. */
	apiKey: string | null;
	body: {
		model?: string;
		messages?: ChatMessage[];
		tools?: ChatTool[];
		stream?: boolean;
		stream_options?: { include_usage?: boolean };
		[key: string]: unknown;
	};
}

/** What one turn of the script says: call tools, or answer in text. */
export type ScriptedReply =
	{ toolCalls: Array<{ name: string; arguments: Record<string, unknown> }> } | { content: string };

/** Decides the reply to a request; `turn` counts the chat-completions requests since the script was set (0-based). */
export type Script = (request: RecordedRequest, turn: number) => ScriptedReply;

export interface ChatModelStandin {
	/** `http://127.0.0.1:PORT/v1`, what the OpenAI credential's Base URL takes. */
	baseUrl: string;
	/** The model id it answers as and lists. */
	model: string;
	setScript(script: Script): void;
	/** Every request since start (or the last clearRequests), oldest first. */
	requests(): RecordedRequest[];
	/** Only the chat-completions requests. */
	completions(): RecordedRequest[];
	clearRequests(): void;
	stop(): Promise<void>;
}

const MODEL = 'gpt-4o-mini-2024-07-18';
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** The tool messages (results handed to the model) of a request, in order. */
export function toolResults(
	request: RecordedRequest,
): Array<{ toolCallId: string; content: string }> {
	return (request.body.messages ?? [])
		.filter((message) => message.role === 'tool')
		.map((message) => ({
			toolCallId: String(message.tool_call_id ?? ''),
			content: textOf(message.content),
		}));
}

/** A message's text, whether sent as a string or as content parts. */
export function textOf(content: ChatMessage['content']): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) return content.map((part) => part.text ?? '').join('');
	return '';
}

export async function startChatModelStandin(
	options: { model?: string } = {},
): Promise<ChatModelStandin> {
	const model = options.model ?? MODEL;
	const recorded: RecordedRequest[] = [];
	let script: Script = () => ({ content: 'No script was set for this test.' });
	let turnsSinceScript = 0;
	let callCounter = 0;

	const server: Server = createServer((req, res) => {
		readBody(req).then(
			(text) => {
				const request = record(req, text);
				recorded.push(request);
				route(request, res);
			},
			() =>
				sendJson(res, 413, openAiError('The request body is too large.', 'invalid_request_error')),
		);
	});

	function record(req: IncomingMessage, text: string): RecordedRequest {
		let body: RecordedRequest['body'] = {};
		try {
			body = text ? (JSON.parse(text) as RecordedRequest['body']) : {};
		} catch {
			body = { unparsable: text };
		}
		const auth = req.headers.authorization;
		return {
			method: req.method ?? 'GET',
			path: new URL(req.url ?? '/', 'http://127.0.0.1').pathname,
			apiKey: typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : null,
			body,
		};
	}

	function route(request: RecordedRequest, res: ServerResponse): void {
		const path = request.path.replace(/^\/v1/, '');
		if (request.method === 'GET' && path === '/models') return sendJson(res, 200, modelList(model));
		if (request.method === 'POST' && path === '/chat/completions') {
			let reply: ScriptedReply;
			try {
				reply = script(request, turnsSinceScript++);
			} catch (error) {
				return sendJson(
					res,
					500,
					openAiError(`The test's script failed: ${(error as Error).message}`, 'server_error'),
				);
			}
			const ids = {
				completion: `chatcmpl-standin${String(++callCounter).padStart(6, '0')}`,
				call: (index: number) => `call_standin${callCounter}_${index}`,
			};
			if (request.body.stream === true) return streamCompletion(res, request, reply, model, ids);
			return sendJson(res, 200, completion(request, reply, model, ids));
		}
		// Anything else (e.g. /responses, when the node's "Use Responses API" is on) is answered as
		// OpenAI answers an unknown route, so a test that configured the node wrong fails plainly.
		sendJson(
			res,
			404,
			openAiError(`Invalid URL (${request.method} ${request.path})`, 'invalid_request_error'),
		);
	}

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		model,
		setScript(next) {
			script = next;
			turnsSinceScript = 0;
		},
		requests: () => [...recorded],
		completions: () =>
			recorded.filter((r) => r.method === 'POST' && /\/chat\/completions$/.test(r.path)),
		clearRequests: () => void recorded.splice(0),
		stop: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

type Ids = { completion: string; call: (index: number) => string };

/** The assistant message of a reply, as in `choices[0].message`. */
function assistantMessage(reply: ScriptedReply, ids: Ids): Record<string, unknown> {
	if ('content' in reply)
		return { role: 'assistant', content: reply.content, refusal: null, annotations: [] };
	return {
		role: 'assistant',
		content: null,
		tool_calls: reply.toolCalls.map((call, index) => ({
			id: ids.call(index),
			type: 'function',
			function: { name: call.name, arguments: JSON.stringify(call.arguments) },
		})),
		refusal: null,
		annotations: [],
	};
}

/** A non-streaming `chat.completion` object. */
function completion(
	request: RecordedRequest,
	reply: ScriptedReply,
	model: string,
	ids: Ids,
): Record<string, unknown> {
	const message = assistantMessage(reply, ids);
	return {
		id: ids.completion,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model,
		choices: [
			{
				index: 0,
				message,
				logprobs: null,
				finish_reason: 'content' in reply ? 'stop' : 'tool_calls',
			},
		],
		usage: usage(request, message),
		service_tier: 'default',
		system_fingerprint: fingerprint(model),
	};
}

/**
 * The same answer as OpenAI streams it: a first chunk with the role, then the content in pieces
 * (or each tool call: id, type and name first, then its arguments in pieces), an empty delta
 * with the finish reason, the usage chunk (empty `choices`) if asked for, and `[DONE]`.
 */
function streamCompletion(
	res: ServerResponse,
	request: RecordedRequest,
	reply: ScriptedReply,
	model: string,
	ids: Ids,
): void {
	const withUsage = request.body.stream_options?.include_usage === true;
	const base = {
		id: ids.completion,
		object: 'chat.completion.chunk',
		created: Math.floor(Date.now() / 1000),
		model,
		service_tier: 'default',
		system_fingerprint: fingerprint(model),
	};
	const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
		...base,
		choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
		...(withUsage ? { usage: null } : {}),
	});
	const events: unknown[] = [];
	if ('content' in reply) {
		events.push(chunk({ role: 'assistant', content: '', refusal: null }));
		for (const piece of pieces(reply.content, 12)) events.push(chunk({ content: piece }));
		events.push(chunk({}, 'stop'));
	} else {
		reply.toolCalls.forEach((call, index) => {
			const first = {
				index,
				id: ids.call(index),
				type: 'function',
				function: { name: call.name, arguments: '' },
			};
			events.push(
				chunk(
					index === 0
						? { role: 'assistant', content: null, tool_calls: [first], refusal: null }
						: { tool_calls: [first] },
				),
			);
			for (const piece of pieces(JSON.stringify(call.arguments), 8))
				events.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
		});
		events.push(chunk({}, 'tool_calls'));
	}
	if (withUsage)
		events.push({ ...base, choices: [], usage: usage(request, assistantMessage(reply, ids)) });
	res.writeHead(200, {
		'content-type': 'text/event-stream; charset=utf-8',
		'cache-control': 'no-cache',
		connection: 'keep-alive',
	});
	for (const event of events) res.write(`data: ${JSON.stringify(event)}\n\n`);
	res.end('data: [DONE]\n\n');
}

/** Token counts as OpenAI reports them; the numbers are estimates (about 4 characters a token). */
function usage(
	request: RecordedRequest,
	message: Record<string, unknown>,
): Record<string, unknown> {
	const promptTokens =
		Math.ceil(JSON.stringify(request.body.messages ?? []).length / 4) +
		Math.ceil(JSON.stringify(request.body.tools ?? []).length / 4);
	const completionTokens = Math.max(
		1,
		Math.ceil(JSON.stringify(message.content ?? message.tool_calls ?? '').length / 4),
	);
	return {
		prompt_tokens: promptTokens,
		completion_tokens: completionTokens,
		total_tokens: promptTokens + completionTokens,
		prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
		completion_tokens_details: {
			reasoning_tokens: 0,
			audio_tokens: 0,
			accepted_prediction_tokens: 0,
			rejected_prediction_tokens: 0,
		},
	};
}

function modelList(model: string): Record<string, unknown> {
	return {
		object: 'list',
		data: [{ id: model, object: 'model', created: 1721172741, owned_by: 'system' }],
	};
}

function openAiError(message: string, type: string): Record<string, unknown> {
	return { error: { message, type, param: null, code: null } };
}

function fingerprint(model: string): string {
	return `fp_${createHash('sha256').update(model).digest('hex').slice(0, 10)}`;
}

function pieces(text: string, size: number): string[] {
	const out: string[] = [];
	for (let start = 0; start < text.length; start += size) out.push(text.slice(start, start + size));
	return out.length ? out : [''];
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json',
		'content-length': Buffer.byteLength(text),
	});
	res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) {
				req.destroy();
				reject(new Error('body too large'));
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}
