import { EnvHttpProxyAgent, errors as undiciErrors, request, type Dispatcher } from 'undici';

import {
	SageAbortedError,
	SageError,
	SageNetworkError,
	SageOutcomeUnknownError,
	SageResponseError,
	SageThrottledError,
	SageTimeoutError,
} from './errors';

/**
 * One HTTP exchange with Sage, with the retry rules that keep data safe:
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
}

export interface HttpResponse {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: string;
	attempts: number;
}

export interface RetrySettings {
	maxAttempts: number;
	/** Longest Retry-After we wait for; a longer one fails fast with the wait in the message. */
	maxRetryAfterMs: number;
	baseBackoffMs: number;
	maxBackoffMs: number;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export const retrySettings: RetrySettings = {
	maxAttempts: 6,
	maxRetryAfterMs: 30_000,
	baseBackoffMs: 200,
	maxBackoffMs: 5_000,
};

// Connection errors that happen before a single byte of the request left this machine.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

let sharedDispatcher: Dispatcher | undefined;

/** The one dispatcher of the process: keep-alive pools, and HTTP(S)_PROXY / NO_PROXY honoured. */
export function dispatcher(): Dispatcher {
	sharedDispatcher ??= new EnvHttpProxyAgent({
		connect: { timeout: 15_000 },
		keepAliveTimeout: 4_000,
		connections: 64,
		pipelining: 1,
	});
	return sharedDispatcher;
}

/** Closes pooled sockets (tests and shutdown); a later request opens a new dispatcher. */
export async function closeDispatcher(): Promise<void> {
	const current = sharedDispatcher;
	sharedDispatcher = undefined;
	if (current) await current.close();
}

export async function send(req: HttpRequest): Promise<HttpResponse> {
	const settings = retrySettings;
	for (let attempt = 1; ; attempt++) {
		const last = attempt >= settings.maxAttempts;
		let outcome: AttemptOutcome;
		try {
			outcome = await attemptOnce(req);
		} catch (error) {
			if (req.signal?.aborted) throw new SageAbortedError();
			outcome = { kind: 'failure', failure: classifyFailure(error, req) };
		}
		if (outcome.kind === 'response') {
			const { response } = outcome;
			const wait = retryWait(response, req.retry, attempt, settings);
			if (wait === undefined || last) {
				response.attempts = attempt;
				return response;
			}
			if (wait > settings.maxRetryAfterMs) {
				throw new SageThrottledError(
					`Sage asked to wait ${Math.ceil(wait / 1000)} s before ${req.purpose} (HTTP ${response.status}).`,
					{ httpStatus: response.status, retryAfterMs: wait, hint: 'Sage is limiting requests; run the workflow again later or lower its pace.' },
				);
			}
			await sleep(wait, req.signal);
			continue;
		}
		const { failure } = outcome;
		if (!failure.retryable || last) throw failure.error;
		await sleep(backoff(attempt, settings), req.signal);
	}
}

type AttemptOutcome = { kind: 'response'; response: HttpResponse } | { kind: 'failure'; failure: ClassifiedFailure };

interface ClassifiedFailure {
	error: SageError;
	retryable: boolean;
}

async function attemptOnce(req: HttpRequest): Promise<AttemptOutcome> {
	const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
	const timeout = AbortSignal.timeout(timeoutMs);
	const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
	let bodyStarted = false;
	try {
		const answer = await request(req.url, {
			dispatcher: dispatcher(),
			method: req.method,
			headers: req.headers,
			body: req.body,
			signal,
			headersTimeout: timeoutMs,
			bodyTimeout: timeoutMs,
		});
		bodyStarted = true;
		const body = await readLimited(answer.body, req.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, req.purpose);
		return { kind: 'response', response: { status: answer.statusCode, headers: answer.headers, body, attempts: 1 } };
	} catch (error) {
		if (error instanceof SageResponseError) throw error;
		if (timeout.aborted && !req.signal?.aborted) {
			throw new TimeoutFailure(timeoutMs, bodyStarted);
		}
		if (bodyStarted) throw new MidResponseFailure(error);
		throw error;
	}
}

class TimeoutFailure extends Error {
	constructor(readonly timeoutMs: number, readonly afterHeaders: boolean) {
		super('timeout');
	}
}

class MidResponseFailure extends Error {
	constructor(readonly original: unknown) {
		super('response lost midway');
	}
}

async function readLimited(body: Dispatcher.ResponseData['body'], maxBytes: number, purpose: string): Promise<string> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of body) {
		size += (chunk as Buffer).length;
		if (size > maxBytes) {
			body.destroy();
			throw new SageResponseError(
				`The answer to ${purpose} is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB; it was not read.`,
				{ hint: 'Ask for fewer records per page (Options > Page Size) or fewer fields.' },
			);
		}
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks).toString('utf8');
}

function errorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && code !== 'UND_ERR_ABORTED') return code;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

function classifyFailure(error: unknown, req: HttpRequest): ClassifiedFailure {
	const host = safeHost(req.url);
	if (error instanceof SageError) return { error, retryable: false };
	if (error instanceof TimeoutFailure) {
		const timeoutError = new SageTimeoutError(`Sage gave no complete answer to ${req.purpose} within ${error.timeoutMs} ms.`, {
			hint: 'Raise Options > Timeout, or ask for fewer records per page.',
		});
		if (req.retry === 'mutation') {
			return { error: outcomeUnknown(req, `no answer within ${error.timeoutMs} ms`, error.afterHeaders), retryable: false };
		}
		return { error: timeoutError, retryable: false };
	}
	const original = error instanceof MidResponseFailure ? error.original : error;
	const code = errorCode(original) ?? (original instanceof undiciErrors.UndiciError ? original.name : 'unknown error');
	const notSent = NOT_SENT_CODES.has(code) && !(error instanceof MidResponseFailure);
	if (req.retry === 'mutation' && !notSent) {
		return { error: outcomeUnknown(req, `the connection failed (${code})`, error instanceof MidResponseFailure), retryable: false };
	}
	const networkError = new SageNetworkError(`Could not complete ${req.purpose}: ${host} failed (${code}).`, {
		hint: 'Check the URL, your network and proxy settings (HTTPS_PROXY, NO_PROXY).',
	});
	return { error: networkError, retryable: req.retry !== 'none' };
}

function outcomeUnknown(req: HttpRequest, what: string, answerStarted: boolean): SageOutcomeUnknownError {
	return new SageOutcomeUnknownError(
		`The answer to ${req.purpose} was lost after it was sent: ${what}. Sage may or may not have applied it, so it was not sent again.`,
		{ hint: 'Check in Sage whether the record exists before running this item again.', reason: what, answerStarted },
	);
}

/** How long to wait before retrying this response, or undefined when it must not be retried. */
function retryWait(response: HttpResponse, mode: RetryMode, attempt: number, settings: RetrySettings): number | undefined {
	if (mode === 'none') return undefined;
	const { status } = response;
	if (status === 429) return retryAfterMs(response.headers['retry-after']) ?? backoff(attempt, settings);
	if (mode === 'mutation') return undefined;
	if (status === 503) return retryAfterMs(response.headers['retry-after']) ?? backoff(attempt, settings);
	if (status === 502 || status === 504) return backoff(attempt, settings);
	return undefined;
}

export function retryAfterMs(header: string | string[] | undefined): number | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	if (!value) return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Full jitter: a random wait up to the exponential step, so a burst of clients spreads out. */
function backoff(attempt: number, settings: RetrySettings): number {
	const ceiling = Math.min(settings.maxBackoffMs, settings.baseBackoffMs * 2 ** (attempt - 1));
	return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) return reject(new SageAbortedError());
		const onAbort = () => {
			clearTimeout(timer);
			reject(new SageAbortedError());
		};
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}

function safeHost(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return 'the host';
	}
}

/** The status text for messages: "HTTP 503". */
export function describeStatus(response: HttpResponse): string {
	return `HTTP ${response.status}`;
}

/** Parses a JSON body, or undefined when it is not JSON. */
export function parseJson(body: string): unknown {
	try {
		return JSON.parse(body);
	} catch {
		return undefined;
	}
}
