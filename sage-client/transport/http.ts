import {
	SageAbortedError,
	SageError,
	SageNetworkError,
	SageOutcomeUnknownError,
	SageRefusedError,
	SageResponseError,
	SageThrottledError,
	SageTimeoutError,
} from './errors';
import {
	REFUSED_BY_POLICY,
	answerStarted,
	failureCode,
	type SendPort,
	type WireResponse,
} from './port';
import { eitherSignal, wait } from './wait';

/**
 * One HTTP exchange with Sage through the caller's port, with the retry rules that keep
 * data safe:
 * - `idempotent` requests (queries, token calls) retry 429/503 after Retry-After, and
 *   502/504/connection failures with exponential backoff and jitter;
 * - `mutation` requests retry only when Sage surely did not apply them: a 429, or a
 *   connection that failed before the request was sent. A response lost midway is
 *   reported as SageOutcomeUnknownError and never retried.
 */
export type RetryMode = 'idempotent' | 'mutation' | 'none';

export interface HttpRequest {
	url: string;
	method: 'GET' | 'POST' | 'DELETE';
	headers?: Record<string, string>;
	body?: string;
	/** What this request is, in the user's words, for messages: "the token exchange". */
	purpose: string;
	retry: RetryMode;
	timeoutMs?: number;
	signal?: AbortSignal;
	maxResponseBytes?: number;
	/** The body is a file: the port hands it over as bytes. */
	binary?: boolean;
}

export interface HttpResponse extends WireResponse {
	attempts: number;
}

export interface RetryPolicy {
	maxAttempts: number;
	/** Longest Retry-After we wait for; a longer one fails fast with the wait in the message. */
	maxRetryAfterMs: number;
	baseBackoffMs: number;
	maxBackoffMs: number;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
	maxAttempts: 6,
	maxRetryAfterMs: 30_000,
	baseBackoffMs: 200,
	maxBackoffMs: 5_000,
});

/** How requests go out: the port, and how often and how long to retry. */
export interface Transport {
	send: SendPort;
	retry?: RetryPolicy;
}

// Connection errors that happen before a single byte of the request left this machine.
const NOT_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'UND_ERR_CONNECT_TIMEOUT',
	'EHOSTUNREACH',
	'ENETUNREACH',
]);

export async function send(transport: Transport, req: HttpRequest): Promise<HttpResponse> {
	const policy = transport.retry ?? DEFAULT_RETRY_POLICY;
	for (let attempt = 1; ; attempt++) {
		const last = attempt >= policy.maxAttempts;
		let outcome: AttemptOutcome;
		try {
			outcome = { kind: 'response', response: await attemptOnce(transport.send, req, attempt) };
		} catch (error) {
			if (req.signal?.aborted) throw new SageAbortedError();
			outcome = { kind: 'failure', failure: classifyFailure(error, req) };
		}
		if (outcome.kind === 'failure') {
			if (!outcome.failure.retryable || last) throw outcome.failure.error;
			await wait(backoff(attempt, policy), req.signal);
			continue;
		}
		const { response } = outcome;
		const delay = retryWait(response, req.retry, attempt, policy);
		if (delay === undefined || last) return response;
		if (delay > policy.maxRetryAfterMs) {
			throw new SageThrottledError(
				`Sage asked to wait ${Math.ceil(delay / 1000)} s before ${req.purpose} (HTTP ${response.status}).`,
				{
					httpStatus: response.status,
					retryAfterMs: delay,
					hint: 'Sage is limiting requests; run the workflow again later or lower its pace.',
				},
			);
		}
		await wait(delay, req.signal);
	}
}

type AttemptOutcome =
	{ kind: 'response'; response: HttpResponse } | { kind: 'failure'; failure: ClassifiedFailure };

interface ClassifiedFailure {
	error: SageError;
	retryable: boolean;
}

async function attemptOnce(
	port: SendPort,
	req: HttpRequest,
	attempt: number,
): Promise<HttpResponse> {
	const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
	const deadline = AbortSignal.timeout(timeoutMs);
	const either = eitherSignal([req.signal, deadline]);
	let answer: WireResponse;
	try {
		const wire = {
			url: req.url,
			method: req.method,
			headers: req.headers ?? {},
			body: req.body,
			timeoutMs,
			signal: either.signal,
		};
		answer = await port(req.binary ? { ...wire, binary: true } : wire);
	} catch (error) {
		if (deadline.aborted && !req.signal?.aborted)
			throw new TimeoutFailure(timeoutMs, answerStarted(error), error);
		throw error;
	} finally {
		either.release();
	}
	const maxBytes = req.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
	if ((answer.bytes?.byteLength ?? answer.body.length) > maxBytes) {
		throw new SageResponseError(
			`The answer to ${req.purpose} is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB; it was not read.`,
			{
				hint: 'Ask for fewer records per page (Options > Page Size) or fewer fields.',
			},
		);
	}
	return {
		status: answer.status,
		headers: answer.headers,
		body: answer.body,
		bytes: answer.bytes,
		attempts: attempt,
	};
}

class TimeoutFailure extends Error {
	constructor(
		readonly timeoutMs: number,
		readonly afterHeaders: boolean,
		cause: unknown,
	) {
		super('timeout', { cause });
	}
}

function classifyFailure(error: unknown, req: HttpRequest): ClassifiedFailure {
	if (error instanceof SageError) return { error, retryable: false };
	if (error instanceof TimeoutFailure) {
		if (req.retry === 'mutation') {
			return {
				error: outcomeUnknown(
					req,
					`no answer within ${error.timeoutMs} ms`,
					error.afterHeaders,
					error,
				),
				retryable: false,
			};
		}
		const timeoutError = new SageTimeoutError(
			`Sage gave no complete answer to ${req.purpose} within ${error.timeoutMs} ms.`,
			{
				hint: 'Raise Options > Timeout, or ask for fewer records per page.',
				cause: error,
			},
		);
		return { error: timeoutError, retryable: false };
	}
	const code = failureCode(error) ?? 'unknown error';
	if (code === REFUSED_BY_POLICY) return { error: refusedByPolicy(error, req), retryable: false };
	const started = answerStarted(error);
	const notSent = NOT_SENT_CODES.has(code) && !started;
	if (req.retry === 'mutation' && !notSent) {
		return {
			error: outcomeUnknown(req, `the connection failed (${inWords(code)})`, started, error),
			retryable: false,
		};
	}
	const networkError = new SageNetworkError(
		`Could not complete ${req.purpose}: ${safeHost(req.url)} failed (${inWords(code)}).`,
		{
			hint: 'Check the URL, the network, and the proxy settings of n8n.',
			cause: error,
		},
	);
	return { error: networkError, retryable: req.retry !== 'none' };
}

function refusedByPolicy(error: unknown, req: HttpRequest): SageRefusedError {
	const said = error instanceof Error ? error.message.replace(/\.$/, '') : 'refused';
	const description = (error as { description?: unknown }).description;
	return new SageRefusedError(`n8n did not send ${req.purpose} to ${safeHost(req.url)}: ${said}.`, {
		hint:
			typeof description === 'string'
				? description
				: 'Ask your n8n administrator which hosts n8n may reach.',
		cause: error,
	});
}

function outcomeUnknown(
	req: HttpRequest,
	what: string,
	started: boolean,
	cause: unknown,
): SageOutcomeUnknownError {
	return new SageOutcomeUnknownError(
		`The answer to ${req.purpose} was lost after it was sent: ${what}. Sage may or may not have applied it, so it was not sent again.`,
		{
			hint: 'Check in Sage whether the record exists before running this item again.',
			reason: what,
			answerStarted: started,
			cause,
		},
	);
}

/** How long to wait before retrying this response, or undefined when it must not be retried. */
function retryWait(
	response: HttpResponse,
	mode: RetryMode,
	attempt: number,
	policy: RetryPolicy,
): number | undefined {
	if (mode === 'none') return undefined;
	const { status } = response;
	if (status === 429)
		return retryAfterMs(response.headers['retry-after']) ?? backoff(attempt, policy);
	if (mode === 'mutation') return undefined;
	if (status === 503)
		return retryAfterMs(response.headers['retry-after']) ?? backoff(attempt, policy);
	if (status === 502 || status === 504) return backoff(attempt, policy);
	return undefined;
}

export function retryAfterMs(header: string | string[] | undefined): number | undefined {
	const value = (Array.isArray(header) ? header[0] : header)?.trim();
	if (!value) return undefined;
	// Seconds in decimal digits only: Number() would also read "0x10" as 16 and "1e3" as 1000.
	if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
	// Otherwise an HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT"); Date.parse alone reads "-5" as a year.
	const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Full jitter: a random wait up to the exponential step, so a burst of clients spreads out. */
function backoff(attempt: number, policy: RetryPolicy): number {
	const ceiling = Math.min(policy.maxBackoffMs, policy.baseBackoffMs * 2 ** (attempt - 1));
	return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/**
 * Socket codes in words. n8n replaces any error message that contains such a code with a
 * generic sentence of its own, which would hide which request failed and what to do.
 */
const CODE_WORDS: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ECONNRESET: 'connection reset',
	ENOTFOUND: 'host not found',
	EAI_AGAIN: 'DNS lookup failed',
	ETIMEDOUT: 'timed out',
	ECONNABORTED: 'connection aborted',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
	EPIPE: 'connection closed while sending',
	UND_ERR_SOCKET: 'connection closed',
	UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
	ERR_BAD_RESPONSE: 'answer broken off',
};

function inWords(code: string): string {
	return CODE_WORDS[code] ?? code.toLowerCase().replace(/_/g, ' ');
}

function safeHost(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return 'the host';
	}
}

/** A header's value as one string (`content-type` may come as an array from some stacks). */
export function headerText(value: string | string[] | undefined): string {
	return Array.isArray(value) ? value.join(',') : (value ?? '');
}
