import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import type { RecordFields } from '../../../sage-client/fields/record-fields';
import { toNodeError } from '../errors';
import { fieldPaths, isNumeric, pathOptions } from '../field-paths';
import { SageSession } from '../session';

/**
 * Lists of the picked record type's fields, loaded from the tenant's schema by the field
 * layer (targeted introspection of that record type, cached for the process). No record
 * type picked yet: an empty list, not an error.
 */

/** Fields to Return: scalars by name, references by their key (`currency.id`). */
export async function getReturnFields(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	const fields = await recordFieldsOf(this);
	return fields ? pathOptions(fieldPaths(fields)) : [];
}

/** Aggregate's Group By: what Fields to Return offers, but a JSON field. */
export async function getGroupByFields(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	const fields = await recordFieldsOf(this);
	return fields ? pathOptions(fieldPaths(fields).filter((path) => path.kind !== 'json')) : [];
}

/**
 * Aggregate's Values > Field: the record's own scalar fields; only the numeric ones while
 * the value's Aggregations hold Sum or Average (Sage computes those on numbers only).
 */
export async function getAggregateFields(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	const fields = await recordFieldsOf(this);
	if (!fields) return [];
	const aggregations = this.getCurrentNodeParameter('&aggregations') as unknown;
	const numericOnly =
		Array.isArray(aggregations) && aggregations.some((name) => name === 'sum' || name === 'avg');
	const own = fieldPaths(fields).filter(
		(path) => !path.path.includes('.') && path.kind !== 'json' && (!numericOnly || isNumeric(path)),
	);
	return pathOptions(own);
}

async function recordFieldsOf(context: ILoadOptionsFunctions): Promise<RecordFields | undefined> {
	const value = context.getCurrentNodeParameter('recordType', { extractValue: true }) as unknown;
	const recordType = typeof value === 'string' ? value.trim() : '';
	if (!recordType || recordType.startsWith('=')) return undefined;
	try {
		return await (await SageSession.open(context)).recordFields(recordType);
	} catch (error) {
		throw toNodeError(context.getNode(), error, {
			doing: `Could not list the fields of ${recordType}`,
		});
	}
}
