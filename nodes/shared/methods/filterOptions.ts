import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import {
	filterFieldChoices,
	operatorChoices,
	resolvePath,
	sortFieldChoices,
	type Choice,
} from '../../../sage-client/filters';
import type { RecordFields } from '../../../sage-client/fields/record-fields';
import { toNodeError } from '../errors';
import { fieldSource } from '../filter-builder';
import { SageSession } from '../session';

/**
 * The filter builder's lists (Field, Operator, and the sort list's Field), from the record
 * type's fields as the field layer loads them (targeted introspection, kept for the process).
 */

function recordTypeOf(context: ILoadOptionsFunctions): string {
	const value = context.getNodeParameter('recordType', '', { extractValue: true }) as unknown;
	return typeof value === 'string' ? value.trim() : '';
}

async function withFields(
	context: ILoadOptionsFunctions,
	list: (fields: RecordFields, session: SageSession) => Promise<Choice[]> | Choice[],
): Promise<INodePropertyOptions[]> {
	const recordType = recordTypeOf(context);
	if (!recordType) return [];
	try {
		const session = await SageSession.open(context);
		return await list(await session.recordFields(recordType), session);
	} catch (error) {
		throw toNodeError(context.getNode(), error, {
			doing: `Could not list the fields of ${recordType}`,
		});
	}
}

export async function getFilterFields(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	return await withFields(this, (fields) => filterFieldChoices(fields));
}

export async function getSortFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return await withFields(this, (fields) => sortFieldChoices(fields));
}

/** The operators that fit the condition's field; all of them while the field is unknown (an expression). */
export async function getFilterOperators(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	const field = this.getCurrentNodeParameter('&field') as unknown;
	if (typeof field !== 'string' || !field.trim() || field.startsWith('=')) return operatorChoices();
	return await withFields(this, async (fields, session) => {
		try {
			const loader = fieldSource(session, fields.recordType, undefined);
			const path = await resolvePath(fields, field, loader);
			return operatorChoices(path.fields[path.fields.length - 1].kind);
		} catch {
			return operatorChoices();
		}
	});
}
