import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { selectionOfPaths } from '../../../../sage-client/documents';
import { inputError } from '../../../shared/errors';
import { readString } from './parameters';

/**
 * The fields a record operation returns. Version 1 takes a GraphQL selection typed in
 * (`fields`); version 2 offers the record type's fields as a list (`fieldList`, loaded from
 * the schema by `getReturnFields`, a reference as its key such as `currency.id`), with the
 * selection text kept as the other way (`returnFields: "custom"`) for nested or unusual
 * selections. Every way ends as the same selection text the documents take; empty = the
 * record's scalar fields, as in version 1.
 */

const VERSION_2 = { '@version': [2] };

/** Version 2's parameters; `note` ends the list's description (what the fields are returned for). */
export function returnFieldsProperties(note = ''): INodeProperties[] {
	const end = note ? ` ${note}` : '';
	return [
		{
			displayName: 'Fields to Return',
			name: 'returnFields',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { ...VERSION_2 } },
			options: [
				{
					name: 'From List',
					value: 'list',
					description: 'Pick the record type’s fields; a reference as its key (currency.ID)',
				},
				{
					name: 'Custom Selection',
					value: 'custom',
					description: 'A GraphQL selection, for nested or unusual selections',
				},
			],
			default: 'list',
		},
		{
			displayName: 'Field Names or IDs',
			name: 'fieldList',
			type: 'multiOptions',
			typeOptions: {
				loadOptionsMethod: 'getReturnFields',
				loadOptionsDependsOn: ['recordType.value'],
			},
			default: [],
			displayOptions: { show: { ...VERSION_2, returnFields: ['list'] } },
			description: `The fields to return; a reference as its key, e.g. currency.id. Empty = every scalar field of the record, system fields (_id, _createStamp, ...) included.${end} Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.`,
		},
		{
			displayName: 'Custom Selection',
			name: 'fields',
			type: 'string',
			default: '',
			placeholder: 'e.g. _id name lines { query { edges { node { item { id } quantity } } } }',
			displayOptions: { show: { ...VERSION_2, returnFields: ['custom'] } },
			description: `The fields to return, written as a GraphQL selection; references need sub-fields in braces. Empty = every scalar field of the record.${end}`,
		},
	];
}

/** The selection text of one item's fields to return, whichever way they were given ('' = the default). */
export function readReturnFields(context: IExecuteFunctions, itemIndex: number): string {
	if (context.getNode().typeVersion < 2) return readString(context, 'fields', itemIndex);
	const from = context.getNodeParameter('returnFields', itemIndex, 'list') as string;
	const list = from === 'custom' ? [] : readFieldList(context, 'fieldList', 'Fields', itemIndex);
	// The editor drops a hidden parameter when it saves, so `fields` beside an empty list comes
	// from a node written by hand with version 1's Fields: that selection is meant.
	return list.length ? selectionOfPaths(list) : readString(context, 'fields', itemIndex);
}

/**
 * Field paths picked from a list (`currency.id`): the list's values, or from an expression an
 * array of them or one text with commas. Anything else is refused, naming the parameter.
 */
export function readFieldList(
	context: IExecuteFunctions,
	name: string,
	label: string,
	itemIndex: number,
): string[] {
	const value = context.getNodeParameter(name, itemIndex, []) as unknown;
	const parts =
		typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : undefined;
	if (!parts || parts.some((part) => typeof part !== 'string')) {
		throw inputError(
			context.getNode(),
			`${label} must be a list of field names, such as ["name", "currency.id"]`,
			itemIndex,
			'Pick the fields from the list, or give their names separated by commas.',
		);
	}
	return (parts as string[]).map((part) => part.trim()).filter(Boolean);
}
