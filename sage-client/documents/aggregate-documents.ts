import {
	Kind,
	getNamedType,
	isObjectType,
	isScalarType,
	parse,
	print,
	validate,
	type GraphQLNamedType,
	type GraphQLObjectType,
	type OperationDefinitionNode,
	type SelectionSetNode,
} from 'graphql';

import { SageDocumentError } from '../transport/errors';
import type { RecordTypeInfo, SageSchema } from '../schema/schema';
import { nodeOperationField } from './node-fields';
import { parseSelection, type BuiltDocument } from './record-documents';

/**
 * Aggregates: `readAggregate(filter) { field { sum avg ... } }` for one total, and
 * `queryAggregate(filter, first, after) { edges { node { group { ... } values { ... } } } }`
 * for one per group, paged. Every field and aggregation is checked against the schema
 * before sending, naming what the schema offers instead.
 */

export interface AggregateValue {
	field: string;
	aggregations: string[];
}

export interface AggregateDocument extends BuiltDocument {
	grouped: boolean;
	/** The arguments the aggregate query takes, each declared as a variable of the same name. */
	arguments: Set<string>;
	/** `creditLimit.sum`: aggregations whose strings are numbers (sums, averages, decimal min/max). */
	numericValues: Set<string>;
	/** Group fields whose strings are numbers (a decimal property grouped by). */
	numericGroups: Set<string>;
}

const NUMERIC_AGGREGATIONS = new Set(['sum', 'avg', 'min', 'max']);

/** Int, Float and decimal scalars: what Sage sums, and writes as strings to keep their precision. */
export function isNumericType(type: GraphQLNamedType): boolean {
	return (
		isScalarType(type) &&
		(type.name === 'Int' ||
			type.name === 'Float' ||
			/decimal|numeric|double|float/i.test(type.name))
	);
}

export function buildAggregateDocument(
	schema: SageSchema,
	info: RecordTypeInfo,
	groupBy: string,
	values: AggregateValue[],
): AggregateDocument {
	const grouped = groupBy.trim() !== '';
	const field = nodeOperationField(
		schema,
		info,
		'query',
		grouped ? 'queryAggregate' : 'readAggregate',
	);
	if (!field) {
		throw new SageDocumentError(
			`The record type ${info.recordType} has no ${grouped ? 'queryAggregate (aggregates per group)' : 'readAggregate'} in the API of this Sage tenant.`,
			grouped
				? 'Leave Group By empty for one total.'
				: 'Use Get Many and total the records yourself.',
			'Record Type',
		);
	}
	if (!grouped && !values.length)
		throw new SageDocumentError(
			'Values is empty.',
			'Add a value: a field and what to compute on it (e.g. creditLimit, Sum).',
			'Values',
		);
	const aggregateType = grouped
		? nodeValuesType(getNamedType(field.type))
		: getNamedType(field.type);
	const numericValues = new Set<string>();
	const valueSelection = values
		.map((value) => selectValue(info, aggregateType, value, numericValues))
		.join(' ');
	const present = ['filter', ...(grouped ? ['first', 'after'] : [])]
		.map((name) => field.args.find((arg) => arg.name === name))
		.filter((arg) => arg !== undefined);
	const declarations = present.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
	const call = present.length
		? `(${present.map((arg) => `${arg.name}: $${arg.name}`).join(', ')})`
		: '';
	const numericGroups = new Set<string>();
	const body = grouped
		? groupedBody(info, groupBy, valueSelection, numericGroups)
		: `{ ${valueSelection} }`;
	const operationName = 'SageErpAggregate';
	const text = `query ${operationName}${declarations ? `(${declarations})` : ''} { ${info.packageName} { ${info.nodeName} { ${field.name}${call} ${body} } } }`;
	const errors = validate(schema.schema, parse(text));
	if (errors.length) {
		throw new SageDocumentError(
			`Group By: ${errors.map((error) => error.message).join(' ')}`,
			`Write the fields to group by as the schema names them, separated by spaces; references need sub-fields, e.g. country { id }.`,
			'Group By',
		);
	}
	return {
		text,
		operationName,
		path: [info.packageName, info.nodeName, field.name],
		grouped,
		arguments: new Set(present.map((arg) => arg.name)),
		numericValues,
		numericGroups,
	};
}

/** `queryAggregate`'s connection -> edges -> node -> values: the type holding one entry per field. */
function nodeValuesType(connection: GraphQLNamedType): GraphQLNamedType | undefined {
	const step = (type: GraphQLNamedType | undefined, name: string) =>
		type && isObjectType(type) ? getNamedType(type.getFields()[name]?.type) : undefined;
	return step(step(step(connection, 'edges'), 'node'), 'values');
}

function selectValue(
	info: RecordTypeInfo,
	aggregateType: GraphQLNamedType | undefined,
	value: AggregateValue,
	numeric: Set<string>,
): string {
	const fields = aggregateType && isObjectType(aggregateType) ? aggregateType.getFields() : {};
	const entry = fields[value.field];
	const entryType = entry && getNamedType(entry.type);
	if (!entryType || !isObjectType(entryType)) {
		throw new SageDocumentError(
			`Values: ${info.recordType} cannot aggregate "${value.field}".`,
			`Fields that can be aggregated: ${Object.keys(fields).join(', ') || 'none'}.`,
			'Values',
		);
	}
	if (!value.aggregations.length)
		throw new SageDocumentError(
			`Values: pick what to compute on "${value.field}".`,
			'Pick at least one aggregation, e.g. Sum.',
			'Values',
		);
	const offered = (entryType as GraphQLObjectType).getFields();
	const missing = value.aggregations.filter((aggregation) => !offered[aggregation]);
	if (missing.length) {
		throw new SageDocumentError(
			`Values: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not available for "${value.field}".`,
			`Sage offers ${Object.keys(offered).join(', ')} for ${value.field}.`,
			'Values',
		);
	}
	const source = info.recordObject.getFields()[value.field];
	const numericSource = source !== undefined && isNumericType(getNamedType(source.type));
	for (const aggregation of value.aggregations) {
		const leaf = getNamedType(offered[aggregation].type);
		if (
			NUMERIC_AGGREGATIONS.has(aggregation) &&
			(numericSource || isNumericType(leaf)) &&
			leaf.name !== 'Boolean'
		)
			numeric.add(`${value.field}.${aggregation}`);
	}
	return `${value.field} { ${[...new Set(value.aggregations)].join(' ')} }`;
}

/** The selection of `queryAggregate`: every page's groups and their values; numeric group keys noted. */
function groupedBody(
	info: RecordTypeInfo,
	groupBy: string,
	valueSelection: string,
	numericGroups: Set<string>,
): string {
	const group = parseSelection(groupBy, 'Group By');
	for (const selection of group.selections) {
		if (selection.kind !== Kind.FIELD || selection.selectionSet) continue;
		const named = info.recordObject.getFields()[selection.name.value];
		if (named && isNumericType(getNamedType(named.type))) {
			numericGroups.add(selection.alias?.value ?? selection.name.value);
		}
	}
	const values = valueSelection ? ` values { ${valueSelection} }` : '';
	return `{ pageInfo { endCursor hasNextPage } edges { node { group ${print(group)}${values} } } }`;
}

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/**
 * What the aggregate document will select under the node's query type, as a selection the
 * schema planner walks (schema-plans.ts) to load the aggregate's types before the document
 * is built; each value's entry type is reached through `{ __typename }`. Names that are not
 * GraphQL names are left out here: building the document names them.
 */
export function aggregateSelection(groupBy: string, values: AggregateValue[]): SelectionSetNode {
	const entries =
		values
			.filter((value) => NAME.test(value.field))
			.map((value) => `${value.field} { __typename }`)
			.join(' ') || '__typename';
	const body = groupBy.trim()
		? `queryAggregate { pageInfo { endCursor } edges { node { group ${print(parseSelection(groupBy, 'Group By'))} values { ${entries} } } } }`
		: `readAggregate { ${entries} }`;
	const [definition] = parse(`{ ${body} }`).definitions;
	return (definition as OperationDefinitionNode).selectionSet;
}
