import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';
import { NodeApiError, type JsonObject } from 'n8n-workflow';

import { SageSession } from '../session';

/**
 * The tenant's record types (`package.node`), from its schema: the Record Type list.
 * The filter matches anywhere in the name, case-insensitively.
 */
export async function searchRecordTypes(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	let recordTypes: string[];
	try {
		const session = await SageSession.open(this);
		const schema = await session.schema();
		recordTypes = schema.recordTypes().map((info) => info.recordType);
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		const hint = (error as { hint?: string }).hint;
		throw new NodeApiError(this.getNode(), { message } as JsonObject, { message: `Could not list the record types: ${message}`, description: hint });
	}
	const wanted = (filter ?? '').trim().toLowerCase();
	const results: INodeListSearchItems[] = recordTypes
		.filter((name) => !wanted || name.toLowerCase().includes(wanted))
		.map((name) => ({ name, value: name }));
	return { results };
}
