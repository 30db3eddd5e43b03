/**
 * The one door from the Sage client to the network. The client never opens a connection
 * itself: whoever uses it hands in a `SendPort`. In n8n that is n8n's own HTTP helper
 * (so the proxy, TLS, allowed-domain and SSRF settings an administrator chose apply to
 * every request); in tests, the simulator tooling and benchmarks it can be undici.
 */
export interface WireRequest {
	url: string;
	method: 'GET' | 'POST' | 'DELETE';
	headers: Record<string, string>;
	body?: string;
	/** The client's own deadline for this attempt; `signal` fires when it passes, too. */
	timeoutMs: number;
	/** Fires when the caller stops waiting or the deadline passes: abort the request then. */
	signal: AbortSignal;
	/** A file download: answer the body as bytes (`bytes`), not text. */
	binary?: boolean;
}

export interface WireResponse {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	/** The body as text; empty when the request asked for `binary`. */
	body: string;
	/** The body as it came, when the request asked for `binary`. */
	bytes?: Uint8Array;
}

/**
 * Sends one request and resolves with whatever status came back (never throws on a
 * status). It rejects only when no complete answer arrived; the rejection should carry a
 * `code` (`ECONNREFUSED`, `ECONNRESET`, ...) somewhere in its `cause` chain, and
 * `answerStarted: true` when the status line had arrived before the answer was lost.
 */
export type SendPort = (request: WireRequest) => Promise<WireResponse>;

/** A port failure that knows whether Sage had started answering. */
export class PortFailure extends Error {
	readonly code: string;
	readonly answerStarted: boolean;
	/** What the HTTP stack said to do about it (n8n's policy errors carry one). */
	readonly description?: string;

	constructor(
		message: string,
		details: { code: string; answerStarted?: boolean; cause?: unknown; description?: string },
	) {
		super(message, { cause: details.cause });
		this.name = 'PortFailure';
		this.code = details.code;
		this.answerStarted = details.answerStarted ?? false;
		this.description = details.description;
	}
}

/**
 * The code a port gives a request that the HTTP stack refused to send because of a policy
 * (n8n's SSRF protection, a blocked host): nothing left this machine, and retrying is useless.
 */
export const REFUSED_BY_POLICY = 'SAGE_REFUSED_BY_N8N';

/** The first string `code` found on an error or its causes, e.g. `ECONNRESET`. */
export function failureCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && !IGNORED_CODES.has(code)) return code;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/** Whether the port said the status line had arrived before the answer was lost. */
export function answerStarted(error: unknown): boolean {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		if ((current as { answerStarted?: unknown }).answerStarted === true) return true;
		current = (current as { cause?: unknown }).cause;
	}
	return false;
}

// Codes that say only "aborted" or "wrapped": the real reason sits deeper in the chain.
const IGNORED_CODES = new Set(['UND_ERR_ABORTED', 'ERR_CANCELED', 'ABORT_ERR']);
