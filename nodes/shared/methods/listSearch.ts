import type {
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
} from 'n8n-workflow';
import { NodeApiError, type JsonObject } from 'n8n-workflow';

import { asyncOperations } from '../../../sage-client/async-operations';
import type { SageSchema } from '../../../sage-client/schema';
import { SageSession } from '../session';

/**
 * The tenant's record types (`package.node`), from its schema: the Record Type list.
 * The filter matches anywhere in the name, case-insensitively.
 */
export async function searchRecordTypes(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	return await searchSchema(
		this,
		'record types',
		(schema) => schema.recordTypes().map((info) => info.recordType),
		filter,
	);
}

/** The tenant's asynchronous operations (`package.node.operation`, start -> track), from its schema. */
export async function searchAsyncOperations(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	return await searchSchema(
		this,
		'asynchronous operations',
		(schema) => asyncOperations(schema).map((info) => info.name),
		filter,
	);
}

async function searchSchema(
	context: ILoadOptionsFunctions,
	what: string,
	names: (schema: SageSchema) => string[],
	filter?: string,
): Promise<INodeListSearchResult> {
	let all: string[];
	try {
		const session = await SageSession.open(context);
		all = names(await session.schema());
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		const hint = (error as { hint?: string }).hint;
		throw new NodeApiError(context.getNode(), { message } as JsonObject, {
			message: `Could not list the ${what}: ${message}`,
			description: hint,
		});
	}
	const wanted = (filter ?? '').trim().toLowerCase();
	const results: INodeListSearchItems[] = all
		.filter((name) => !wanted || name.toLowerCase().includes(wanted))
		.map((name) => ({ name, value: name }));
	return { results };
}
