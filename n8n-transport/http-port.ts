import type { IHttpRequestOptions } from 'n8n-workflow';

import {
	PortFailure,
	REFUSED_BY_POLICY,
	failureCode,
	type SendPort,
	type WireRequest,
	type WireResponse,
} from '../sage-client/transport/port';

/** What every n8n context that may call Sage offers: an execution, a poll, a list search, preAuthentication. */
export interface HttpHelpers {
	helpers: { httpRequest(options: IHttpRequestOptions): Promise<unknown> };
}

interface FullResponse {
	statusCode: number;
	headers?: Record<string, string | string[] | undefined>;
	body?: unknown;
}

/**
 * The Sage client's port over n8n's own HTTP helper, so that the proxy, custom CA and TLS
 * settings, and the SSRF protection an administrator configured apply to every request to
 * Sage. Redirects are not followed: a bearer token or a client secret never goes to a
 * host that Sage's answer names.
 */
export function n8nPort(context: HttpHelpers): SendPort {
	const httpRequest = context.helpers.httpRequest.bind(context.helpers);
	return async (request: WireRequest): Promise<WireResponse> => {
		let response: FullResponse;
		try {
			response = (await httpRequest(toOptions(request))) as FullResponse;
		} catch (error) {
			throw describeFailure(error);
		}
		const headers = response.headers ?? {};
		if (request.binary)
			return { status: response.statusCode, headers, body: '', bytes: bodyBytes(response.body) };
		return { status: response.statusCode, headers, body: bodyText(response.body) };
	};
}

function toOptions(request: WireRequest): IHttpRequestOptions {
	return {
		url: request.url,
		method: request.method,
		headers: request.headers,
		body: request.body,
		json: false,
		encoding: 'arraybuffer',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
		timeout: request.timeoutMs,
		abortSignal: request.signal,
	};
}

/** A file as n8n's helper hands it over (an ArrayBuffer, since the port asks for one). */
function bodyBytes(body: unknown): Uint8Array {
	if (body instanceof ArrayBuffer) return new Uint8Array(body);
	if (ArrayBuffer.isView(body))
		return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
	return new TextEncoder().encode(bodyText(body));
}

function bodyText(body: unknown): string {
	if (body === undefined || body === null) return '';
	if (typeof body === 'string') return body;
	if (body instanceof ArrayBuffer) return Buffer.from(body).toString('utf8');
	if (ArrayBuffer.isView(body))
		return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
	return JSON.stringify(body);
}

/**
 * n8n's helper rejects for two kinds of reasons: the network (a socket error with a code),
 * or n8n's own policy before anything was sent (SSRF protection, a blocked host), which
 * comes as an n8n error with a description and no socket code.
 */
function describeFailure(error: unknown): PortFailure {
	const code = failureCode(error);
	const policy = policyRefusal(error);
	if (policy && !isSocketCode(code)) {
		return new PortFailure(policy.message, {
			code: REFUSED_BY_POLICY,
			cause: error,
			description: policy.description,
		});
	}
	const started = typeof code === 'string' && ANSWER_STARTED_CODES.has(code);
	const message = error instanceof Error ? error.message : String(error);
	return new PortFailure(message, {
		code: code ?? 'UNKNOWN',
		answerStarted: started,
		cause: error,
	});
}

function policyRefusal(error: unknown): { message: string; description?: string } | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const candidate = current as {
			name?: unknown;
			message?: unknown;
			description?: unknown;
			cause?: unknown;
		};
		const named =
			typeof candidate.name === 'string' && /^Ssrf|Domain|Blocked/i.test(candidate.name);
		if (
			typeof candidate.message === 'string' &&
			(named || typeof candidate.description === 'string')
		) {
			return {
				message: candidate.message,
				description: typeof candidate.description === 'string' ? candidate.description : undefined,
			};
		}
		current = candidate.cause;
	}
	return undefined;
}

const isSocketCode = (code: string | undefined): boolean =>
	typeof code === 'string' && /^E[A-Z]+$/.test(code);

// axios reports an answer that broke off after its status line as ERR_BAD_RESPONSE.
const ANSWER_STARTED_CODES = new Set(['ERR_BAD_RESPONSE']);
