import type {
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
} from 'n8n-workflow';

import { toNodeError } from '../errors';
import { SageSession } from '../session';

/** Names per page of a list: a real tenant has about a thousand record types. */
const NAMES_PER_PAGE = 100;

/**
 * The tenant's record types (`package.node`): the Record Type list. The filter matches
 * anywhere in the name, case-insensitively; the list comes in pages (`paginationToken` is
 * where the next page starts). The names come from one small request kept for the process
 * (record-type-index.ts), never from the whole schema.
 */
export async function searchRecordTypes(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchNames(
		this,
		'record types',
		async (session) => await session.recordTypeNames(),
		filter,
		paginationToken,
	);
}

/**
 * The tenant's asynchronous operations (`package.node.operation`, start -> track), found by
 * shape in a few small requests kept for the process (async-operation-index.ts), never
 * from the whole schema.
 */
export async function searchAsyncOperations(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchNames(
		this,
		'asynchronous operations',
		async (session) => await session.asyncOperationNames(),
		filter,
		paginationToken,
	);
}

async function searchNames(
	context: ILoadOptionsFunctions,
	what: string,
	names: (session: SageSession) => Promise<string[]>,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	let all: string[];
	try {
		all = await names(await SageSession.open(context));
	} catch (error) {
		// The one mapping of client errors (secrets scrubbed, socket codes in words), as everywhere.
		throw toNodeError(context.getNode(), error, { doing: `Could not list the ${what}` });
	}
	const wanted = (filter ?? '').trim().toLowerCase();
	const matching = wanted ? all.filter((name) => name.toLowerCase().includes(wanted)) : all;
	const start = Math.max(0, Number.parseInt(paginationToken ?? '0', 10) || 0);
	const end = start + NAMES_PER_PAGE;
	const results: INodeListSearchItems[] = matching
		.slice(start, end)
		.map((name) => ({ name, value: name }));
	return end < matching.length ? { results, paginationToken: String(end) } : { results };
}
