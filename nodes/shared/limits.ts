import { DEFAULT_PAGE_SIZE, SAGE_MAX_PAGE_SIZE } from '../../sage-client/client/paginate';

/**
 * The limits of the node's and the trigger's options, and the one wording of their
 * checks, so that both say the same thing about the same mistake.
 */
export { DEFAULT_PAGE_SIZE, SAGE_MAX_PAGE_SIZE };

/** The most input items one request carries (Options > Batch Size). */
export const MAX_BATCH_SIZE = 100;

export interface Problem {
	message: string;
	hint?: string;
}

/** What is wrong with Options > Page Size, if anything; `reassurance` says that no record is lost by a smaller page. */
export function pageSizeProblem(value: unknown, reassurance: string): Problem | undefined {
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
		return {
			message: `Page Size must be a whole number from 1 to ${SAGE_MAX_PAGE_SIZE}, not ${String(value)}`,
		};
	}
	if (value > SAGE_MAX_PAGE_SIZE) {
		return {
			message: `Page Size ${value} is above Sage's maximum of ${SAGE_MAX_PAGE_SIZE} rows per request`,
			hint: `Set Options > Page Size to ${SAGE_MAX_PAGE_SIZE} or less; ${reassurance}`,
		};
	}
	return undefined;
}

/** What is wrong with Options > Timeout (milliseconds), if anything. */
export function timeoutProblem(value: unknown): Problem | undefined {
	if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
		return { message: `Timeout must be a positive number of milliseconds, not ${String(value)}` };
	}
	return undefined;
}

/** What is wrong with Options > Batch Size, if anything. */
export function batchSizeProblem(value: unknown): Problem | undefined {
	if (
		typeof value !== 'number' ||
		!Number.isInteger(value) ||
		value < 1 ||
		value > MAX_BATCH_SIZE
	) {
		return {
			message: `Batch Size must be a whole number from 1 to ${MAX_BATCH_SIZE}, not ${String(value)}`,
		};
	}
	return undefined;
}
