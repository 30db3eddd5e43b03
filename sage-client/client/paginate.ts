import { SageGraphQLError, SageResponseError, SageTimeLimitError } from '../transport/errors';
import type { RequestBudget } from '../transport/time-limit';

/**
 * Cursor pagination as an async iterator: ask for a page, hand it over, follow
 * `endCursor` while `hasNextPage`, and stop exactly at `limit` when one is given.
 * The caller supplies how a page is fetched, so the same loop serves record queries,
 * user documents and the trigger.
 */

export interface Page<T> {
	nodes: T[];
	endCursor: string | null | undefined;
	hasNextPage: boolean;
}

export interface PageRequest {
	/** Rows to ask for: the page size, or fewer when `limit` is close. */
	first: number;
	/** The cursor to continue after; undefined for the first page. */
	after: string | undefined;
}

/**
 * A page request as a query's variables: `first` only where the document declares it (a
 * variable the document does not declare is refused by GraphQL), `after` from the second page on.
 */
export function pageVariables(
	{ first, after }: PageRequest,
	declared: ReadonlySet<string>,
): { first?: number; after?: string } {
	const variables: { first?: number; after?: string } = {};
	if (declared.has('first')) variables.first = first;
	if (after !== undefined) variables.after = after;
	return variables;
}

export interface FollowCursorOptions {
	pageSize: number;
	/** Stop after this many nodes in all; undefined = follow every page. */
	limit?: number;
	/** Continue after this cursor instead of starting at the beginning. */
	after?: string;
	/**
	 * Plans each page inside Sage's 28-second limit (time-limit.ts): smaller pages when they
	 * come near it, and a page that hit it asked again smaller. Only for fetchers that honour `first`.
	 */
	budget?: RequestBudget;
	/**
	 * Asked before each page after the first (a caller's own budget, such as a poll's time):
	 * false stops there, and the last page's `endCursor` is where the same query goes on.
	 */
	anotherPage?: () => boolean;
	/**
	 * The tenant's page size limit, learnt from its refusals: pages never ask for more, and a
	 * page Sage refused for its size is asked again with what Sage allows (or half).
	 */
	pageSizeLimit?: PageSizeLimit;
	/**
	 * The caller's time budget (a trigger's poll): whether a request expected to take this long
	 * still fits. A page that Sage stopped at its time limit is asked again smaller only when the
	 * smaller one fits; otherwise the reading ends there and `outOfBudget` is told where.
	 */
	fits?: (expectedMs: number) => boolean;
	/** The reading ended before the page after `after`, which goes on next time with `first` rows. */
	outOfBudget?: (stop: { after: string | undefined; first: number }) => void;
}

/** The most rows a tenant accepts per request, once a refusal said so (Sage's maximum is undocumented). */
export interface PageSizeLimit {
	max(): number | undefined;
	learn(max: number): void;
}

/** Yields each page with at most `limit` nodes in all; extra fields of a page pass through. */
export async function* followCursor<T, P extends Page<T> = Page<T>>(
	fetchPage: (request: PageRequest) => Promise<P>,
	options: FollowCursorOptions,
): AsyncGenerator<P, void, undefined> {
	const { pageSize, limit } = options;
	if (!Number.isInteger(pageSize) || pageSize < 1)
		throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
	if (limit !== undefined && limit <= 0) return;
	let after = options.after;
	let delivered = 0;
	const seenCursors = new Set<string>();
	for (;;) {
		const remaining = limit === undefined ? Infinity : limit - delivered;
		const page = await fetchWithin(fetchPage, options, Math.min(pageSize, remaining), after);
		if (page === OUT_OF_BUDGET) return;
		const nodes = page.nodes.length > remaining ? page.nodes.slice(0, remaining) : page.nodes;
		delivered += nodes.length;
		yield nodes === page.nodes ? page : { ...page, nodes };
		if (!page.hasNextPage || delivered >= (limit ?? Infinity)) return;
		const next = page.endCursor;
		if (typeof next !== 'string' || next === '') {
			throw new SageResponseError('Sage reported more pages but sent no cursor to continue from.', {
				hint: 'Set a Limit, or narrow the filter, to stay within the pages Sage can return.',
			});
		}
		if (seenCursors.has(next)) {
			throw new SageResponseError(
				'Sage reported more pages but returned the same page again; the paging was stopped.',
				{
					hint: 'Add an Order By on a unique field (e.g. {_id:+1}) so that pages are stable.',
				},
			);
		}
		if (options.anotherPage && !options.anotherPage()) return;
		seenCursors.add(next);
		after = next;
	}
}

/**
 * One page, as large as the budget and the tenant's page size limit let it be. A page Sage
 * stopped at its time limit is asked again smaller, and so is a page refused for its size
 * (reads: safe to ask again).
 */
async function fetchWithin<P>(
	fetchPage: (request: PageRequest) => Promise<P>,
	{ budget, pageSizeLimit, fits, outOfBudget }: FollowCursorOptions,
	wanted: number,
	after: string | undefined,
): Promise<P | typeof OUT_OF_BUDGET> {
	let allowed = pageSizeLimit?.max() ?? Number.POSITIVE_INFINITY;
	for (;;) {
		const first = Math.max(1, Math.min(budget ? budget.size(wanted) : wanted, allowed));
		const started = Date.now();
		try {
			const page = await fetchPage({ first, after });
			budget?.took(first, Date.now() - started);
			return page;
		} catch (error) {
			const smaller = allowedPageSize(error, first);
			if (smaller !== undefined) {
				allowed = smaller;
				pageSizeLimit?.learn(smaller);
				continue;
			}
			if (!budget || !(error instanceof SageTimeLimitError) || first <= 1) throw error;
			budget.hitLimit(first);
			// The retry counts against the caller's budget too: it takes about its share of the stopped page's time.
			const retry = Math.max(1, Math.min(budget.size(wanted), allowed));
			if (fits && !fits(((Date.now() - started) * retry) / first)) {
				outOfBudget?.({ after, first: retry });
				return OUT_OF_BUDGET;
			}
		}
	}
}

const OUT_OF_BUDGET = Symbol('out of budget');

const PAGE_SIZE_REFUSAL = /page size|\(first\)|'first'/i;

/**
 * When Sage refused `first` rows for the page size ("The page size (first) cannot exceed
 * 500."): the largest number under `first` its message names, else half; undefined when the
 * error is something else, or nothing smaller is left to try.
 */
export function allowedPageSize(error: unknown, first: number): number | undefined {
	if (!(error instanceof SageGraphQLError) || first <= 1) return undefined;
	const refusal = error.errors.find((entry) => PAGE_SIZE_REFUSAL.test(String(entry.message)));
	if (!refusal) return undefined;
	const named = (String(refusal.message).match(/\d+/g) ?? [])
		.map(Number)
		.filter((value) => value >= 1 && value < first);
	return named.length ? Math.max(...named) : Math.floor(first / 2);
}

/** A Relay connection's nodes and page info: `{ pageInfo { endCursor hasNextPage } edges { node } }`. */
export function connectionPage<T = Record<string, unknown>>(
	connection: unknown,
	keys: {
		pageInfo?: string;
		endCursor?: string;
		hasNextPage?: string;
		edges?: string;
		node?: string;
	} = {},
): Page<T> {
	const value = isObject(connection) ? connection : {};
	const pageInfo = value[keys.pageInfo ?? 'pageInfo'];
	const info = isObject(pageInfo) ? pageInfo : {};
	const edges = value[keys.edges ?? 'edges'];
	const nodeKey = keys.node ?? 'node';
	const nodes = Array.isArray(edges)
		? edges
				.filter((edge) => isObject(edge))
				.map((edge) => (edge as Record<string, unknown>)[nodeKey] as T)
		: [];
	const endCursor = info[keys.endCursor ?? 'endCursor'];
	return {
		nodes,
		endCursor: typeof endCursor === 'string' ? endCursor : null,
		hasNextPage: info[keys.hasNextPage ?? 'hasNextPage'] === true,
	};
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The most rows a user may ask for per request (`first`); a larger page size is refused before
 * sending. Sage's own maximum is undocumented and may be lower: a refusal is learnt (above).
 */
export const SAGE_MAX_PAGE_SIZE = 1000;

/** The largest page size known to work at Sage (sage-api.md): no page size the node picks by itself is larger. */
export const SAGE_KNOWN_PAGE_SIZE = 500;

/** Rows per request when the user sets none: few requests, answers of a few megabytes at most. */
export const DEFAULT_PAGE_SIZE = SAGE_KNOWN_PAGE_SIZE;
