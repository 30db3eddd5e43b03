import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { selectionOfPaths } from '../../../../sage-client/documents';
import { inputError } from '../../../shared/errors';
import { readString } from './parameters';

/**
 * The fields a record operation returns. Version 1 takes a GraphQL selection typed in
 * (`fields`). Version 2 offers the record type's fields as a list (`fieldList`, loaded from
 * the schema by `getReturnFields`, a reference as its key such as `currency.id`), and keeps
 * the selection text as Custom Selection (the same `fields`) for nested or unusual
 * selections: what both give is returned. Every way ends as the selection text the
 * documents take; empty = the record's scalar fields, as in version 1.
 */

const VERSION_2 = { show: { '@version': [2] } };

/** Version 2's parameters; `note` ends their descriptions (what the fields are returned for). */
export function returnFieldsProperties(note = ''): INodeProperties[] {
	const end = note ? ` ${note}` : '';
	return [
		{
			displayName: 'Field Names or IDs',
			name: 'fieldList',
			type: 'multiOptions',
			typeOptions: {
				loadOptionsMethod: 'getReturnFields',
				loadOptionsDependsOn: ['recordType.value'],
			},
			default: [],
			displayOptions: VERSION_2,
			description: `The fields to return; a reference by its natural key, e.g. document.number. Empty (and no Custom Selection) = every scalar field of the record, system fields (_id, _createStamp, ...) included.${end} Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.`,
		},
		{
			displayName: 'Custom Selection',
			name: 'fields',
			type: 'string',
			default: '',
			placeholder: 'e.g. soldToCustomer { name } lines { query { edges { node { quantity } } } }',
			displayOptions: VERSION_2,
			description: `More fields to return, written as a GraphQL selection, for what the list does not offer (nested references, lines); references need sub-fields in braces.${end} Returned with the fields picked above`,
		},
	];
}

/** The selection text of one item's fields to return ('' = the default). */
export function readReturnFields(context: IExecuteFunctions, itemIndex: number): string {
	const custom = readString(context, 'fields', itemIndex);
	if (context.getNode().typeVersion < 2) return custom;
	const picked = selectionOfPaths(readFieldList(context, 'fieldList', 'Fields', itemIndex));
	return [picked, custom].filter(Boolean).join(' ');
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
