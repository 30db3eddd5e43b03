import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';
import { NodeApiError, type JsonObject } from 'n8n-workflow';

import { SageSession } from '../session';

/** Record types per page of the list: a real tenant has about a thousand. */
const RECORD_TYPES_PER_PAGE = 100;

/**
 * The tenant's record types (`package.node`): the Record Type list. The filter matches
 * anywhere in the name, case-insensitively; the list comes in pages (`paginationToken` is
 * where the next page starts). The names come from one small request kept for the process
 * (record-type-index.ts), never from the whole schema.
 */
export async function searchRecordTypes(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	let recordTypes: string[];
	try {
		const session = await SageSession.open(this);
		recordTypes = await session.recordTypeNames();
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		const hint = (error as { hint?: string }).hint;
		throw new NodeApiError(this.getNode(), { message } as JsonObject, { message: `Could not list the record types: ${message}`, description: hint });
	}
	const wanted = (filter ?? '').trim().toLowerCase();
	const matching = wanted ? recordTypes.filter((name) => name.toLowerCase().includes(wanted)) : recordTypes;
	const start = Math.max(0, Number.parseInt(paginationToken ?? '0', 10) || 0);
	const end = start + RECORD_TYPES_PER_PAGE;
	const results: INodeListSearchItems[] = matching.slice(start, end).map((name) => ({ name, value: name }));
	return end < matching.length ? { results, paginationToken: String(end) } : { results };
}
