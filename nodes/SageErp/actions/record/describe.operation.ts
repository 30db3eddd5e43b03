import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import type { RecordField, RecordFields } from '../../../../sage-client/fields/record-fields';
import { optionsCollection, recordTypeLocator, timeoutOption } from '../../../shared/descriptions';
import { forEachItem, showFor } from '../common/items';
import { readRecordType, readTimeout } from '../common/parameters';
import type { OperationContext } from '../common/types';

export const description: INodeProperties[] = showFor(
	'record',
	['describe'],
	[
		{
			...recordTypeLocator,
			description:
				'The record type whose fields to list, as package.node (e.g. xtremSales.salesOrder), from the tenant’s schema',
		},
		optionsCollection([timeoutOption]),
	],
);

/**
 * The record type's fields, one output item per field, from the tenant's schema (the field
 * layer: targeted introspection of that record type, cached for the process). For people
 * learning a record type, and for an AI agent before it filters or writes. No record is read.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ session }: OperationContext,
): Promise<INodeExecutionData[]> {
	const described = new Map<string, IDataObject[]>();
	return await forEachItem(this, items, async (itemIndex, output) => {
		const recordType = readRecordType(this, itemIndex);
		let fields = described.get(recordType);
		if (!fields) {
			// The tenant's list of record types (one small request, kept for the process) names
			// the record type each reference points to, which the schema's type names alone do not.
			await session.recordTypeNames().catch(() => undefined);
			const recordFields = await session.recordFields(recordType, readTimeout(this, itemIndex));
			fields = recordFields.fields.map((field) => describeField(recordFields, field));
			described.set(recordType, fields);
		}
		for (const json of fields) output.push({ json: { ...json }, pairedItem: { item: itemIndex } });
	});
}

/** One field as an item: what it is, how to write it, and what it points to. */
export function describeField(record: RecordFields, field: RecordField): IDataObject {
	const json: IDataObject = {
		recordType: record.recordType,
		name: field.name,
		label: field.label,
		type: field.kind,
		graphqlType: field.typeName,
		requiredOnCreate: field.input?.required ?? false,
		writable: field.input !== undefined,
		readable: field.readable,
		system: field.system,
		collection: field.kind === 'collection',
		naturalKey: record.naturalKey?.includes(field.name) ?? false,
	};
	if (field.enumValues) json.enumValues = field.enumValues;
	const target = field.target;
	if (target && field.kind === 'reference') {
		json.references = target.recordType ?? target.typeName;
		if (target.naturalKey) json.referenceKey = target.naturalKey;
		json.writeAs = target.naturalKey
			? `"#" and its ${target.naturalKey.join('|')} (parts joined with |), or its _id`
			: 'its _id';
	}
	if (target && field.kind === 'collection') json.rowsOf = target.recordType ?? target.typeName;
	return json;
}
