import type { GraphQLRequest, GraphQLResult } from './graphql';
import { SageOutcomeUnknownError, SageTimeLimitError } from './errors';

/**
 * Sage stops any GraphQL request after 28 seconds: "A GraphQL API must be executed in less
 * than 28 seconds" (sage-api.md), as an `errors[]` answer. What ran before the limit stays
 * done, and the answer does not say what that was. So a stopped query is simply asked
 * again for fewer rows, while a stopped mutation is a lost answer (SAGE_OUTCOME_UNKNOWN):
 * each of its records is looked up, never sent twice. Requests are planned to stay well
 * inside the limit: `RequestBudget` measures how long batches and pages take and makes the
 * next ones smaller when they come near it.
 */
export const SAGE_TIME_LIMIT_MS = 28_000;

const TIME_LIMIT = /must be executed in less than \d+ seconds/i;

/** Whether Sage stopped the request at its time limit. */
export function isTimeLimitAnswer(result: GraphQLResult): boolean {
	return result.errors.some((entry) => TIME_LIMIT.test(String(entry.message)));
}

/** The error a stopped request becomes: a query can be asked again smaller; a mutation may have been partly applied. */
export function timeLimitError(
	request: GraphQLRequest,
): SageOutcomeUnknownError | SageTimeLimitError {
	if (!request.isMutation) {
		return new SageTimeLimitError('Sage stopped the query at its 28-second limit.', {
			hint: 'Ask for fewer records per page (Options > Page Size) or fewer fields, or narrow the filter.',
		});
	}
	return new SageOutcomeUnknownError(
		'Sage stopped the mutation at its 28-second limit. What ran before the limit stays applied and Sage does not say what that was, so it was not sent again.',
		{
			hint: 'Check in Sage whether the record exists before running this item again, and lower Options > Batch Size.',
			reason: 'Sage stopped it at its 28-second limit',
			// The answer came: Sage has stopped running it, so a lookup now shows its final effect.
			answerStarted: true,
			timeLimit: true,
		},
	);
}

/** Whether an error says that Sage stopped the request at its time limit. */
export function isTimeLimitError(error: unknown): boolean {
	return (
		error instanceof SageTimeLimitError ||
		(error instanceof SageOutcomeUnknownError && error.timeLimit)
	);
}

/**
 * How many members (rows of a page, records of a batch) the next request may carry. A
 * request that took more than `share` of the limit makes the next ones as small as the
 * measured time per member says fits in that share; one that hit the limit halves them,
 * and nothing larger is tried again. Until a request hit the limit, fast requests let the
 * size grow back, slowly.
 */
export class RequestBudget {
	private cap?: number;
	private unsafe = Number.POSITIVE_INFINITY;

	constructor(
		readonly limitMs = SAGE_TIME_LIMIT_MS,
		readonly share = 0.5,
	) {}

	size(wanted: number): number {
		return Math.max(1, Math.min(wanted, this.cap ?? wanted, this.unsafe - 1));
	}

	/** A request of `count` members took `ms`. */
	took(count: number, ms: number): void {
		if (count < 1 || !(ms >= 0)) return;
		const target = this.limitMs * this.share;
		const fits = Math.max(1, Math.floor((count * target) / Math.max(ms, 1)));
		if (ms > target) this.cap = Math.min(this.cap ?? count, fits);
		// Once a request hit the limit, its half is known to be safe and nothing larger is tried again.
		else if (
			this.cap !== undefined &&
			count >= this.cap &&
			this.unsafe === Number.POSITIVE_INFINITY
		)
			this.cap = Math.min(fits, Math.ceil(this.cap * 1.5));
	}

	/** A request of `count` members hit the limit. */
	hitLimit(count: number): void {
		this.unsafe = Math.min(this.unsafe, count);
		this.cap = Math.max(1, Math.min(this.cap ?? count, Math.floor(count * this.share)));
	}
}
