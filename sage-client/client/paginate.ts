import { SageResponseError, SageTimeLimitError } from '../transport/errors';
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
		const page = await fetchWithin(fetchPage, options.budget, Math.min(pageSize, remaining), after);
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

/** One page, as large as the budget lets it be; a page Sage stopped at its time limit is asked again smaller (a read: safe). */
async function fetchWithin<P>(
	fetchPage: (request: PageRequest) => Promise<P>,
	budget: RequestBudget | undefined,
	wanted: number,
	after: string | undefined,
): Promise<P> {
	if (!budget) return await fetchPage({ first: wanted, after });
	for (;;) {
		const first = budget.size(wanted);
		const started = Date.now();
		try {
			const page = await fetchPage({ first, after });
			budget.took(first, Date.now() - started);
			return page;
		} catch (error) {
			if (!(error instanceof SageTimeLimitError) || first <= 1) throw error;
			budget.hitLimit(first);
		}
	}
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

/** The most rows Sage returns for one `query` call (`first`); a larger page size is refused before sending. */
export const SAGE_MAX_PAGE_SIZE = 1000;

/** Rows per request when the user sets none: few requests, answers of a few megabytes at most. */
export const DEFAULT_PAGE_SIZE = 500;
