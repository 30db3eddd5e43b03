import {
	getNamedType,
	isEnumType,
	isInputObjectType,
	isListType,
	isNonNullType,
	isObjectType,
	type GraphQLField,
	type GraphQLInputField,
	type GraphQLInputObjectType,
	type GraphQLNamedType,
	type GraphQLObjectType,
	type GraphQLType,
} from 'graphql';

import { requireRecordType } from '../documents/record-documents';
import { naturalKeyOf } from '../natural-key';
import { argumentOf, connectionNodeType, type SageSchema } from '../schema/schema';
import { labelOf } from './labels';

/**
 * What a record type's fields are, in the words the panels, the filter builder, Describe and
 * the AI tool need: kind, label, required on create, what a reference points to and its
 * natural key, enum values, collections. Built from the targeted schema (plan-fields.ts
 * loads what it reads), so every consumer asks the same questions of one description.
 */

export type FieldKind =
	| 'id'
	| 'string'
	| 'integer'
	| 'number'
	| 'boolean'
	| 'date'
	| 'dateTime'
	| 'enum'
	| 'reference'
	| 'collection'
	| 'json';

export interface RecordField {
	/** Sage's name: the field's id in mappers, filter paths and selections. */
	name: string;
	label: string;
	kind: FieldKind;
	/** The GraphQL named type (`String`, `Decimal`, `SalesOrderStatus`, `Customer`, ...). */
	typeName: string;
	/** A system field (`_id`, `_createStamp`, `_customData`, ...). */
	system: boolean;
	/** In the record's output type: it can be selected and filtered on. */
	readable: boolean;
	enumValues?: string[];
	/** A reference's record type, or a collection's child record type, one level down. */
	target?: FieldTarget;
	/** How the create and update input type takes it; absent when it cannot be written. */
	input?: { required: boolean; list: boolean; typeName: string };
}

export interface FieldTarget {
	typeName: string;
	/** `package.node` when it is one of the tenant's record types. */
	recordType?: string;
	naturalKey?: string[];
	/** Its own fields; theirs have no fields below them (one level is loaded). */
	fields: RecordField[];
}

export interface RecordFields {
	recordType: string;
	typeName: string;
	label: string;
	naturalKey?: string[];
	fields: RecordField[];
	field(name: string): RecordField | undefined;
}

type OutputField = GraphQLField<unknown, unknown>;

/** Scalars by name; other custom scalars read as text. */
const SCALAR_KINDS: Record<string, FieldKind> = {
	ID: 'id',
	Int: 'integer',
	Float: 'number',
	Decimal: 'number',
	Boolean: 'boolean',
	Date: 'date',
	Datetime: 'dateTime',
	DateTime: 'dateTime',
	JSON: 'json',
};
/** System fields whose meaning Sage documents whatever their scalar (ISO timestamps, JSON text). */
const NAMED_KINDS: Record<string, FieldKind> = {
	_id: 'id',
	_createStamp: 'dateTime',
	_updateStamp: 'dateTime',
	_customData: 'json',
};
/** How the simulator, and any schema that says so, marks an input field required on create. */
const REQUIRED_ON_CREATE = /required on create/i;

export function describeRecordFields(schema: SageSchema, recordType: string): RecordFields {
	const info = requireRecordType(schema, recordType);
	const input = createInputType(info.mutations.create);
	const fields = fieldsOf(schema, info.recordObject, input, true);
	const byName = new Map(fields.map((field) => [field.name, field]));
	return {
		recordType: info.recordType,
		typeName: info.recordObject.name,
		label: labelOf(info.nodeName),
		naturalKey: naturalKeyOf(info.recordObject),
		fields,
		field: (name) => byName.get(name),
	};
}

/** The output type's fields in schema order, then the input-only ones (`_action` on lines). */
function fieldsOf(
	schema: SageSchema,
	type: GraphQLObjectType,
	input: GraphQLInputObjectType | undefined,
	withTargets: boolean,
): RecordField[] {
	const inputs = input?.getFields() ?? {};
	const fields: RecordField[] = [];
	for (const field of Object.values(type.getFields())) {
		if (field.args.some((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined))
			continue; // needs an argument: not a plain field of the record
		fields.push(describeField(schema, field, inputs[field.name], withTargets));
	}
	for (const inputField of Object.values(inputs)) {
		if (type.getFields()[inputField.name]) continue;
		fields.push(inputOnlyField(inputField));
	}
	return fields;
}

function describeField(
	schema: SageSchema,
	field: OutputField,
	inputField: GraphQLInputField | undefined,
	withTargets: boolean,
): RecordField {
	const named = getNamedType(field.type);
	const kind = kindOf(field.name, named);
	const described: RecordField = {
		name: field.name,
		label: labelOf(field.name),
		kind,
		typeName: named.name,
		system: field.name.startsWith('_'),
		readable: true,
	};
	if (isEnumType(named)) described.enumValues = named.getValues().map((value) => value.name);
	if (kind === 'reference' || kind === 'collection') {
		const childInput = inputField ? getNamedType(inputField.type) : undefined;
		described.target = targetOf(
			schema,
			named as GraphQLObjectType,
			childInput && isInputObjectType(childInput) ? childInput : undefined,
			withTargets,
		);
	}
	if (inputField) described.input = inputOf(inputField);
	return described;
}

function inputOnlyField(inputField: GraphQLInputField): RecordField {
	const named = getNamedType(inputField.type);
	return {
		name: inputField.name,
		label: labelOf(inputField.name),
		kind: isInputObjectType(named) ? 'collection' : kindOf(inputField.name, named),
		typeName: named.name,
		system: inputField.name.startsWith('_'),
		readable: false,
		...(isEnumType(named) ? { enumValues: named.getValues().map((value) => value.name) } : {}),
		input: inputOf(inputField),
	};
}

function kindOf(name: string, named: GraphQLNamedType): FieldKind {
	if (NAMED_KINDS[name]) return NAMED_KINDS[name];
	if (isEnumType(named)) return 'enum';
	if (isObjectType(named)) return named.getFields().query ? 'collection' : 'reference';
	return SCALAR_KINDS[named.name] ?? 'string';
}

/** A collection's child input (lines) is described with the child, so its input fields show too. */
function targetOf(
	schema: SageSchema,
	named: GraphQLObjectType,
	childInput: GraphQLInputObjectType | undefined,
	withFields: boolean,
): FieldTarget {
	const query = named.getFields().query;
	const type = (query ? connectionNodeType(query) : undefined) ?? named;
	const recordType = recordTypeNamed(schema, type.name);
	return {
		typeName: type.name,
		...(recordType ? { recordType } : {}),
		naturalKey: naturalKeyOf(type),
		fields: withFields ? fieldsOf(schema, type, childInput, false) : [],
	};
}

/**
 * The record type whose records have this type: from the loaded schema, else from the tenant's
 * list by Sage's naming (`Customer` -> `*.customer`) when exactly one name fits.
 */
function recordTypeNamed(schema: SageSchema, typeName: string): string | undefined {
	const loaded = schema.recordTypes().find((info) => info.recordObject.name === typeName);
	if (loaded) return loaded.recordType;
	const node = typeName[0].toLowerCase() + typeName.slice(1);
	const fitting = schema.recordTypeNames().filter((name) => name.split('.')[1] === node);
	return fitting.length === 1 ? fitting[0] : undefined;
}

function inputOf(inputField: GraphQLInputField): RecordField['input'] {
	return {
		required:
			isNonNullType(inputField.type) || REQUIRED_ON_CREATE.test(inputField.description ?? ''),
		list: isListType(unwrapNonNull(inputField.type)),
		typeName: getNamedType(inputField.type).name,
	};
}

const unwrapNonNull = (type: GraphQLType): GraphQLType =>
	isNonNullType(type) ? type.ofType : type;

/** The input object `create(data: …)` takes, when the record type can be created. */
function createInputType(create: OutputField | undefined): GraphQLInputObjectType | undefined {
	const data = create ? argumentOf(create, 'data') : undefined;
	const named = data ? getNamedType(data.type) : undefined;
	return named && isInputObjectType(named) ? named : undefined;
}
