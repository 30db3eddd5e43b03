import type { Diagnosis, GraphQLErrorEntry } from './graphql';
import { failureCode } from './port';
import { scrub } from './secrets';

/**
 * Typed errors of the transport layer. Each carries a stable `code`, a message that says
 * what went wrong, and a `hint` that says what the user should do next. Messages are
 * scrubbed of secrets and tokens when built, so no caller can leak one by accident.
 */
export type SageErrorCode =
	| 'SAGE_CONFIG'
	| 'SAGE_AUTH'
	| 'SAGE_THROTTLED'
	| 'SAGE_NETWORK'
	| 'SAGE_TIMEOUT'
	| 'SAGE_TIME_LIMIT'
	| 'SAGE_RESPONSE'
	| 'SAGE_GRAPHQL'
	| 'SAGE_OUTCOME_UNKNOWN'
	| 'SAGE_ABORTED'
	| 'SAGE_REFUSED'
	| 'SAGE_OPERATION_FAILED';

export interface SageErrorDetails {
	hint?: string;
	httpStatus?: number;
	cause?: unknown;
}

export class SageError extends Error {
	readonly code: SageErrorCode;
	readonly hint?: string;
	readonly httpStatus?: number;

	constructor(code: SageErrorCode, message: string, details: SageErrorDetails = {}) {
		super(
			scrub(message),
			details.cause === undefined ? undefined : { cause: safeCause(details.cause) },
		);
		this.name = new.target.name;
		this.code = code;
		this.hint = details.hint === undefined ? undefined : scrub(details.hint);
		this.httpStatus = details.httpStatus;
	}
}

/**
 * What a cause may carry on: its name, code and scrubbed message. The HTTP stack's own
 * error objects hold the request (headers with the bearer token, the token exchange's
 * body with the client secret), so they never travel further than this.
 */
function safeCause(cause: unknown): Error {
	if (cause instanceof SageError) return cause;
	const source = cause instanceof Error ? cause : undefined;
	const copy = new Error(scrub(source ? source.message : String(cause)));
	copy.name = source?.name ?? 'Error';
	const code = failureCode(cause);
	if (code) (copy as Error & { code?: string }).code = code;
	return copy;
}

/** A URL or credential field that is wrong before anything is sent. */
export class SageConfigError extends SageError {
	constructor(message: string, hint?: string) {
		super('SAGE_CONFIG', message, { hint });
	}
}

/** Sage refused the credentials or a token (401/403). */
export class SageAuthError extends SageError {
	constructor(message: string, details: SageErrorDetails = {}) {
		super('SAGE_AUTH', message, details);
	}
}

/** Sage kept answering 429 (or asked to wait longer than we allow). */
export class SageThrottledError extends SageError {
	readonly retryAfterMs?: number;
	constructor(message: string, details: SageErrorDetails & { retryAfterMs?: number } = {}) {
		super('SAGE_THROTTLED', message, details);
		this.retryAfterMs = details.retryAfterMs;
	}
}

/** The host could not be reached, or kept failing with 5xx. */
export class SageNetworkError extends SageError {
	constructor(message: string, details: SageErrorDetails = {}) {
		super('SAGE_NETWORK', message, details);
	}
}

/** No complete answer within the configured timeout. */
export class SageTimeoutError extends SageError {
	constructor(message: string, details: SageErrorDetails = {}) {
		super('SAGE_TIMEOUT', message, details);
	}
}

/** Sage stopped a query at its 28-second limit, even at the smallest page (time-limit.ts). */
export class SageTimeLimitError extends SageError {
	constructor(message: string, details: SageErrorDetails = {}) {
		super('SAGE_TIME_LIMIT', message, details);
	}
}

/** An answer that is not what Sage sends: HTML, not JSON, too large, missing fields. */
export class SageResponseError extends SageError {
	constructor(message: string, details: SageErrorDetails = {}) {
		super('SAGE_RESPONSE', message, details);
	}
}

/** n8n's own policy (SSRF protection, a blocked host) refused to send the request. */
export class SageRefusedError extends SageError {
	constructor(message: string, details: SageErrorDetails = {}) {
		super('SAGE_REFUSED', message, details);
	}
}

/** An asynchronous operation (start -> track) that Sage reports as failed. */
export class SageOperationFailedError extends SageError {
	readonly trackingId: string;
	readonly status: string;
	constructor(message: string, details: SageErrorDetails & { trackingId: string; status: string }) {
		super('SAGE_OPERATION_FAILED', message, details);
		this.trackingId = details.trackingId;
		this.status = details.status;
	}
}

/** The request was cancelled by the caller (the n8n execution was stopped). */
export class SageAbortedError extends SageError {
	constructor(message = 'The request to Sage was cancelled.') {
		super('SAGE_ABORTED', message);
	}
}

/**
 * A mutation whose response was lost after it was sent: Sage may or may not have applied
 * it. It is never retried automatically, because a duplicated sales order is worse than
 * this error.
 */
export class SageOutcomeUnknownError extends SageError {
	/** What happened to the answer, in words: "the connection failed (ECONNRESET)". */
	readonly reason?: string;
	/**
	 * Whether Sage had started answering (status line received) before the answer was lost:
	 * then Sage had finished running the request, and a lookup shows its final effect.
	 */
	readonly answerStarted: boolean;
	/** Sage stopped it at its 28-second limit: the request was too large (time-limit.ts). */
	readonly timeLimit: boolean;
	constructor(
		message: string,
		details: SageErrorDetails & {
			reason?: string;
			answerStarted?: boolean;
			timeLimit?: boolean;
		} = {},
	) {
		super('SAGE_OUTCOME_UNKNOWN', message, details);
		this.reason = details.reason;
		this.answerStarted = details.answerStarted ?? false;
		this.timeLimit = details.timeLimit ?? false;
	}
}

/** Sage answered with `errors[]`: business rules, validation, unknown fields. */
export class SageGraphQLError extends SageError {
	readonly errors: GraphQLErrorEntry[];
	constructor(errors: GraphQLErrorEntry[], details: SageErrorDetails = {}) {
		super('SAGE_GRAPHQL', describeGraphQLErrors(errors), details);
		this.errors = errors;
	}
}

/** "message (at xtremSales.salesOrder.create)" for each entry, joined. */
export function describeGraphQLErrors(errors: GraphQLErrorEntry[]): string {
	if (errors.length === 0) return 'Sage returned an error without a message.';
	return errors
		.map((entry) => {
			const message =
				typeof entry.message === 'string' && entry.message ? entry.message : 'Unknown error';
			return entry.path && entry.path.length ? `${message} (at ${entry.path.join('.')})` : message;
		})
		.join('; ');
}

/** Bad input found while building or checking a document; names the parameter. */
export class SageDocumentError extends SageConfigError {
	constructor(
		message: string,
		hint?: string,
		/** The parameter at fault, as the user sees it ("Fields", "Query"). */
		readonly parameter?: string,
		readonly location?: { line: number; column: number },
	) {
		super(message, hint);
	}
}

/** Sage answered with `errors[]`; the partial `data` and the warnings of that answer travel along. */
export class SageAnswerError extends SageGraphQLError {
	constructor(
		errors: GraphQLErrorEntry[],
		readonly data: unknown = null,
		readonly diagnoses: Diagnosis[] = [],
	) {
		super(errors);
	}
}
