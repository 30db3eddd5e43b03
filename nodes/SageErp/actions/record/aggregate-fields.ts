import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { selectionOfPaths } from '../../../../sage-client/documents';
import { readString } from '../common/parameters';
import { readFieldList } from '../common/return-fields';

/**
 * Aggregate's Group By and Values. Version 1 takes Group By as a GraphQL selection and each
 * value's Field as a name typed in; version 2 picks both from the record type's fields
 * (`getGroupByFields`: a reference by its key, `getAggregateFields`: only numeric fields
 * while Sum or Average is chosen), the saved values being the same names, and keeps the
 * selection text (Group By Selection, the same `groupBy`) for what the list does not offer.
 */

export const AGGREGATIONS = [
	{ name: 'Average', value: 'avg' },
	{ name: 'Count', value: 'count', description: 'Records with a value in this field' },
	{ name: 'Distinct Count', value: 'distinctCount', description: 'Different values in this field' },
	{ name: 'Maximum', value: 'max' },
	{ name: 'Minimum', value: 'min' },
	{ name: 'Sum', value: 'sum' },
];

const version = (number: number) => ({ show: { '@version': [number] } });

const groupByText: INodeProperties = {
	displayName: 'Group By',
	name: 'groupBy',
	type: 'string',
	default: '',
	placeholder: 'e.g. status, or country { name } isActive',
	displayOptions: version(1),
	description:
		'Fields to group by, written as a GraphQL selection; references need sub-fields in braces. Empty = one total; otherwise one item per group.',
};

export const groupByProperties: INodeProperties[] = [
	groupByText,
	{
		displayName: 'Group By Field Names or IDs',
		name: 'groupByFields',
		type: 'multiOptions',
		typeOptions: {
			loadOptionsMethod: 'getGroupByFields',
			loadOptionsDependsOn: ['recordType.value'],
		},
		default: [],
		displayOptions: version(2),
		description:
			'Fields to group by; a reference by its natural key, e.g. document.number. Empty (and no Group By Selection) = one total; otherwise one item per group. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		...groupByText,
		displayName: 'Group By Selection',
		placeholder: 'e.g. country { name }',
		displayOptions: version(2),
		description:
			'More fields to group by, written as a GraphQL selection, for what the list does not offer (e.g. a reference’s name); grouped with the fields picked above',
	},
];

const valueField: Record<1 | 2, INodeProperties> = {
	1: {
		displayName: 'Field',
		name: 'field',
		type: 'string',
		default: '',
		placeholder: 'e.g. creditLimit',
		description: 'The field to aggregate',
	},
	2: {
		displayName: 'Field Name or ID',
		name: 'field',
		type: 'options',
		typeOptions: {
			loadOptionsMethod: 'getAggregateFields',
			loadOptionsDependsOn: ['recordType.value', '&aggregations'],
		},
		default: '',
		description:
			'The field to aggregate; only numeric fields are listed while Sum or Average is chosen. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
};

export const valuesProperties: INodeProperties[] = ([1, 2] as const).map((number) => ({
	displayName: 'Values',
	name: 'values',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder: 'Add Value',
	default: {},
	displayOptions: version(number),
	description: 'What to compute, per field',
	options: [
		{
			displayName: 'Value',
			name: 'value',
			values: [
				valueField[number],
				{
					displayName: 'Aggregations',
					name: 'aggregations',
					type: 'multiOptions',
					options: AGGREGATIONS,
					default: ['sum'],
					description: 'What to compute on the field',
				},
			],
		},
	],
}));

/** Group By as the selection the aggregate document takes: the fields picked and the selection typed. */
export function readGroupBy(context: IExecuteFunctions, itemIndex: number): string {
	const typed = readString(context, 'groupBy', itemIndex);
	if (context.getNode().typeVersion < 2) return typed;
	const picked = selectionOfPaths(readFieldList(context, 'groupByFields', 'Group By', itemIndex));
	return [picked, typed].filter(Boolean).join(' ');
}
