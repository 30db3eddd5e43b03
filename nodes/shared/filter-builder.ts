import type { INodeProperties } from 'n8n-workflow';

import {
	compileFilter,
	compileSort,
	type FilterCondition,
	type FilterMatch,
	type FieldLoader,
	type SortRule,
} from '../../sage-client/filters';
import type { RecordFields } from '../../sage-client/fields/record-fields';
import { recordTypeByTypeName } from '../../sage-client/fields/type-names';
import type { SageSession } from './session';

/**
 * The filter builder and the sort list of version 2 (Get Many, Update Many, Aggregate and
 * the trigger): the parameters, and one reader that turns them into Sage's filter and order
 * for the node and the trigger alike. Version 1 keeps its text parameters as they were.
 */

const V2 = { '@version': [2] };
const V1 = { '@version': [1] };
/** Operators without a Value. */
const NO_VALUE = ['isEmpty', 'isNotEmpty', 'isTrue', 'isFalse'];

export const SAGE_OPERATORS_TOLD =
	'_eq, _ne, _gt, _gte, _lt, _lte, _in, _nin, _regex (with _options), _and, _or, _not; on a collection _atLeast, _atMost, _none';

/**
 * Build Manually or Sage Syntax: which of the two Filter forms the node reads. As an AI
 * tool (`@tool`) the filter stays one string the model writes, so there Sage Syntax is the
 * default; `hide` (not `show`) keeps the builder on n8n versions that know no `@tool`.
 */
const filterTypeBase: INodeProperties = {
	displayName: 'Filter',
	name: 'filterType',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Build Manually',
			value: 'manual',
			description: 'Conditions on the record type’s fields, picked from lists',
		},
		{
			name: 'Sage Syntax',
			value: 'sage',
			description: 'A filter written in Sage’s own language, for what the builder does not offer',
		},
	],
	default: 'manual',
};

export const filterTypeProperties: INodeProperties[] = [
	{ ...filterTypeBase, displayOptions: { show: V2, hide: { '@tool': [true] } } },
	{ ...filterTypeBase, default: 'sage', displayOptions: { show: { ...V2, '@tool': [true] } } },
];

/** The condition list; each condition's operators follow its field's kind. */
export const conditionsProperty: INodeProperties = {
	displayName: 'Conditions',
	name: 'conditions',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true, sortable: true },
	placeholder: 'Add Condition',
	default: {},
	description: 'Only records that match these conditions. None = every record.',
	displayOptions: { show: { ...V2, filterType: ['manual'] } },
	options: [
		{
			displayName: 'Condition',
			name: 'condition',
			values: [
				{
					displayName: 'Field Name or ID',
					name: 'field',
					type: 'options',
					typeOptions: {
						loadOptionsMethod: 'getFilterFields',
						loadOptionsDependsOn: ['recordType.value'],
					},
					default: '',
					description:
						'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
					hint: 'A field of the record, a reference’s key or a field of the referenced record; an expression gives a path such as soldToCustomer.id',
				},
				{
					displayName: 'Operator Name or ID',
					name: 'operator',
					type: 'options',
					typeOptions: {
						loadOptionsMethod: 'getFilterOperators',
						loadOptionsDependsOn: ['&field', 'recordType.value'],
					},
					default: 'equals',
					description:
						'How to compare; the list holds the operators that fit the field. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
				},
				{
					displayName: 'Value',
					name: 'value',
					type: 'string',
					default: '',
					displayOptions: { hide: { operator: NO_VALUE } },
					description:
						'Converted to the field’s type: numbers (1250.5), true or false, dates as YYYY-MM-DD. For Is One Of, values separated by commas, or a list from an expression. Special characters are sent as they are.',
				},
			],
		},
	],
};

export const matchProperty: INodeProperties = {
	displayName: 'Must Match',
	name: 'match',
	type: 'options',
	options: [
		{ name: 'All Conditions', value: 'all' },
		{ name: 'Any Condition', value: 'any' },
	],
	default: 'all',
	displayOptions: { show: { ...V2, filterType: ['manual'] } },
};

/**
 * The text Filter in Sage's syntax: version 1's only Filter, version 2's Sage Syntax. The
 * placeholder uses fields that most record types have, never one record type's fields.
 */
export function sageFilterProperties(description: string, required = false): INodeProperties[] {
	const property: INodeProperties = {
		displayName: 'Filter',
		name: 'filter',
		type: 'string',
		default: '',
		required,
		placeholder: "e.g. {_updateStamp:{_gte:'2026-01-01'}, _id:{_nin:['1', '2']}}",
		description: `${description} Sage’s syntax: unquoted keys, single-quoted strings, operators ${SAGE_OPERATORS_TOLD}. A JSON object works too.`,
	};
	return [
		{ ...property, displayOptions: { show: V1 } },
		{
			...property,
			displayName: 'Sage Filter',
			displayOptions: { show: { ...V2, filterType: ['sage'] } },
		},
	];
}

/** The filter builder's parameters, in the order they show: form, conditions, match, Sage text. */
export function filterProperties(description: string, required = false): INodeProperties[] {
	return [
		...filterTypeProperties,
		conditionsProperty,
		matchProperty,
		...sageFilterProperties(description, required),
	];
}

/** Get Many's order: a sort list (version 2's own collection) or Sage's text. */
export const sortProperties: INodeProperties[] = [
	{
		displayName: 'Sort',
		name: 'sortType',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Build Manually',
				value: 'manual',
				description: 'Fields picked from a list, each ascending or descending',
			},
			{
				name: 'Sage Syntax',
				value: 'sage',
				description: 'An order written in Sage’s own language',
			},
		],
		default: 'manual',
		displayOptions: { show: V2 },
	},
	{
		displayName: 'Sort Fields',
		name: 'sort',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Sort Field',
		default: {},
		description: 'The order of the records, first field first. None = Sage’s order (by _id).',
		displayOptions: { show: { ...V2, sortType: ['manual'] } },
		options: [
			{
				displayName: 'Sort Field',
				name: 'rule',
				values: [
					{
						displayName: 'Field Name or ID',
						name: 'field',
						type: 'options',
						typeOptions: {
							loadOptionsMethod: 'getSortFields',
							loadOptionsDependsOn: ['recordType.value'],
						},
						default: '',
						description:
							'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
					},
					{
						displayName: 'Direction',
						name: 'direction',
						type: 'options',
						options: [
							{ name: 'Ascending', value: 'ascending' },
							{ name: 'Descending', value: 'descending' },
						],
						default: 'ascending',
					},
				],
			},
		],
	},
];

/** The text Order By: version 1's, and version 2's Sage Syntax. */
export function orderByProperties(): INodeProperties[] {
	const property: INodeProperties = {
		displayName: 'Order By',
		name: 'orderBy',
		type: 'string',
		default: '',
		placeholder: 'e.g. {_updateStamp:-1, _id:+1}',
		description:
			'Sort order in Sage’s syntax: field names with +1 (ascending) or -1 (descending); references nest ({currency:{name:+1}})',
	};
	return [
		{ ...property, displayOptions: { show: V1 } },
		{
			...property,
			displayName: 'Sage Order By',
			displayOptions: { show: { ...V2, sortType: ['sage'] } },
		},
	];
}

export const showSageSyntaxOption: INodeProperties = {
	displayName: 'Show Sage Syntax',
	name: 'showSageSyntax',
	type: 'boolean',
	default: false,
	description:
		'Whether to show the filter (and order) sent to Sage, in Sage’s syntax, in a note over the output: a way to learn the syntax from the builder',
	displayOptions: { show: V2 },
};

/** How a node or trigger reads one parameter (for its item, if it has items). */
export type ReadParameter = (name: string, fallback: unknown) => unknown;

/** What the reader needs of the record type: its fields, and how to load a referenced type's. */
export interface FieldSource extends FieldLoader {
	recordFields: () => Promise<RecordFields>;
}

function entries(value: unknown): Array<Record<string, unknown>> {
	return Array.isArray(value)
		? value.filter(
				(entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null,
			)
		: [];
}

/** The record type's fields and its references' through the session (kept for the process). */
export function fieldSource(
	session: SageSession,
	recordType: string,
	timeoutMs: number | undefined,
): FieldSource {
	return {
		recordFields: async () => await session.recordFields(recordType, timeoutMs),
		load: async (other) => await session.recordFields(other, timeoutMs),
		recordTypeOf: async (typeName) =>
			recordTypeByTypeName(typeName, await session.recordTypeNames()),
	};
}

/** Whether version 2 builds the filter (rather than reading Sage's text). */
export function buildsFilter(version: number, read: ReadParameter): boolean {
	return version >= 2 && read('filterType', 'manual') !== 'sage';
}

/** The built filter in Sage's syntax, or undefined when there is no condition. */
export async function readBuiltFilter(
	read: ReadParameter,
	source: FieldSource,
): Promise<string | undefined> {
	const conditions: FilterCondition[] = entries(read('conditions.condition', [])).map((entry) => ({
		field: typeof entry.field === 'string' ? entry.field : '',
		operator: typeof entry.operator === 'string' ? entry.operator : 'equals',
		value: entry.value,
	}));
	if (!conditions.length) return undefined;
	const match: FilterMatch = read('match', 'all') === 'any' ? 'any' : 'all';
	return await compileFilter(await source.recordFields(), conditions, match, source);
}

/** Whether version 2 reads the sort list (rather than Sage's text). */
export function buildsSort(version: number, read: ReadParameter): boolean {
	return version >= 2 && read('sortType', 'manual') !== 'sage';
}

/** The sort list in Sage's syntax, or undefined when it is empty. */
export async function readBuiltSort(
	read: ReadParameter,
	source: FieldSource,
): Promise<string | undefined> {
	const rules: SortRule[] = entries(read('sort.rule', [])).map((entry) => ({
		field: typeof entry.field === 'string' ? entry.field : '',
		direction: entry.direction === 'descending' ? 'descending' : 'ascending',
	}));
	if (!rules.length) return undefined;
	return await compileSort(await source.recordFields(), rules, source);
}
