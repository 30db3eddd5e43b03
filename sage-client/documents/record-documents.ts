import {
	Kind,
	getNamedType,
	isLeafType,
	isObjectType,
	isInterfaceType,
	parse,
	print,
	validate,
	type GraphQLError,
	type SelectionSetNode,
} from 'graphql';

import { SageDocumentError } from '../transport/errors';
import { closestName } from '../schema/schema-change';
import {
	argumentOf,
	scalarFieldNames,
	type RecordMutationKind,
	type RecordTypeInfo,
	type SageSchema,
} from '../schema/schema';
import { stripPrefix, tryParse } from './user-documents';

/**
 * Record documents, built from the schema: user values travel as variables typed with the
 * schema's argument types, never spliced into the text; the user's field selection is
 * parsed, printed back and validated against the schema.
 */

/** The record type's schema entry, or a clear error when the tenant has no such record type. */
export function requireRecordType(schema: SageSchema, recordType: string): RecordTypeInfo {
	const name = recordType.trim();
	if (!name)
		throw new SageDocumentError(
			'The Record Type is empty.',
			'Pick a record type from the list.',
			'Record Type',
		);
	const info = schema.recordType(name);
	if (info) return info;
	const nodeName = name.split('.').pop()?.toLowerCase() ?? '';
	const similar = schema
		.recordTypeNames()
		.filter((candidate) => candidate.split('.').pop()?.toLowerCase() === nodeName);
	throw new SageDocumentError(
		`The record type "${name}" does not exist in this Sage tenant.`,
		similar.length
			? `Did you mean ${similar.join(' or ')}? Record types are written package.node.`
			: 'Pick a record type from the list; record types are written package.node, e.g. xtremMasterData.customer.',
		'Record Type',
	);
}

/**
 * The selection for a record: the user's `fields` parsed and printed back (so nothing
 * else can ride along in the text), or every scalar field when `fields` is empty.
 */
export function recordSelection(info: RecordTypeInfo, fields: string | undefined): string {
	const text = (fields ?? '').trim();
	if (!text) return `{ ${scalarFieldNames(info.recordObject).join(' ')} }`;
	return print(parseSelection(text, 'Fields'));
}

/** Parses `_id name currency { id }` as one selection set; errors give the user's line and column. */
export function parseSelection(text: string, label: string): SelectionSetNode {
	// The selection starts on line 2 of the parsed text, so line numbers shift by one and columns do not.
	const wrapped = `{\n${text}\n}`;
	const { document, syntaxError } = tryParse(wrapped);
	if (syntaxError || !document) {
		const lines = text.split('\n');
		const location = syntaxError?.locations?.[0] ?? { line: 2, column: 1 };
		let line = location.line - 1;
		let column = location.column;
		let message = stripPrefix(syntaxError?.message ?? 'unreadable');
		if (line < 1) [line, column] = [1, 1];
		if (line > lines.length) {
			// The parser stopped at the closing brace this function added: the text ended too soon.
			[line, column] = [lines.length, lines[lines.length - 1].length + 1];
			message = message.replace(/found "\}"\.?$/, 'found the end of the text.');
		}
		throw new SageDocumentError(
			`${label} has a GraphQL syntax error at line ${line}, column ${column}: ${message}`,
			'Write field names separated by spaces, with sub-fields in braces: _id name currency { id }',
			label,
			{ line, column },
		);
	}
	const [definition] = document.definitions;
	if (
		document.definitions.length !== 1 ||
		definition.kind !== Kind.OPERATION_DEFINITION ||
		definition.name
	) {
		throw new SageDocumentError(
			`${label} must be a list of fields, not a GraphQL document.`,
			'Write field names separated by spaces, with sub-fields in braces: _id name currency { id }',
			label,
		);
	}
	return definition.selectionSet;
}

// ---------------------------------------------------------------- record documents

/** A built document, its operation name and where its result sits in `data`. */
export interface BuiltDocument {
	text: string;
	operationName: string;
	/** Response keys from `data` to the field of interest. */
	path: string[];
}

export interface QueryDocument extends BuiltDocument {
	/** The connection arguments the schema has, each declared as a variable of the same name. */
	arguments: Set<string>;
}

const CONNECTION_ARGUMENTS = ['filter', 'orderBy', 'first', 'after'] as const;

/**
 * `query SageErpGetMany($filter: String, ...) { pkg { node { query(filter: $filter, ...)
 * { pageInfo { endCursor hasNextPage } edges { node { ...fields } } } } } }`
 */
export function buildQueryDocument(
	schema: SageSchema,
	info: RecordTypeInfo,
	fields: string | undefined,
	operationName = 'SageErpGetMany',
): QueryDocument {
	const selection = recordSelection(info, fields);
	const present = CONNECTION_ARGUMENTS.map((name) =>
		info.queryField.args.find((arg) => arg.name === name),
	).filter((arg) => arg !== undefined);
	const declarations = present.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
	const callArguments = present.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
	const text =
		`query ${operationName}${declarations ? `(${declarations})` : ''} { ${info.packageName} { ${info.nodeName} { ` +
		`query${callArguments ? `(${callArguments})` : ''} { pageInfo { endCursor hasNextPage } edges { node ${selection} } } } } }`;
	checkAgainstSchema(schema, text, 'Fields', info);
	return {
		text,
		operationName,
		path: [info.packageName, info.nodeName, 'query'],
		arguments: new Set(present.map((arg) => arg.name)),
	};
}

/** `query SageErpGet($id: String!) { pkg { node { read(_id: $id) { ...fields } } } }` */
export function buildReadDocument(
	schema: SageSchema,
	info: RecordTypeInfo,
	fields: string | undefined,
): BuiltDocument {
	const readField = info.readField;
	const idArgument = readField ? argumentOf(readField, '_id') : undefined;
	if (!readField || !idArgument) {
		throw new SageDocumentError(
			`The record type ${info.recordType} cannot be read by ID in this Sage tenant.`,
			'Use Get Many with a filter instead.',
			'Record Type',
		);
	}
	const selection = recordSelection(info, fields);
	const operationName = 'SageErpGet';
	const text =
		`query ${operationName}($id: ${String(idArgument.type)}) { ${info.packageName} { ${info.nodeName} { ` +
		`read(${idArgument.name}: $id) ${selection} } } }`;
	checkAgainstSchema(schema, text, 'Fields', info);
	return { text, operationName, path: [info.packageName, info.nodeName, 'read'] };
}

export interface MutationDocument extends BuiltDocument {
	/** One alias per record: `m0`, `m1`, ...; each alias's input is the variable `d0`, `d1`, ... */
	aliases: string[];
	variableName(index: number): string;
	/** The argument each variable feeds: `data` for create and update, `_id` for delete. */
	argumentName: string;
	/** Whether the mutation answers with a record (create, update) or a plain value (delete). */
	returnsRecord: boolean;
}

/**
 * `count` mutations of one kind in one request, each under its own alias:
 * `mutation SageErpCreate($d0: Customer_Input!, $d1: ...) { pkg { node { m0: create(data: $d0) { ... } m1: ... } } }`
 */
export function buildMutationDocument(
	schema: SageSchema,
	info: RecordTypeInfo,
	kind: RecordMutationKind,
	count: number,
	fields: string | undefined,
): MutationDocument {
	const field = info.mutations[kind];
	const argument = field ? argumentOf(field, kind === 'delete' ? '_id' : 'data') : undefined;
	if (!field || !argument) {
		throw new SageDocumentError(
			`The record type ${info.recordType} cannot be ${kind === 'delete' ? 'deleted' : kind === 'create' ? 'created' : 'updated'} through the API of this Sage tenant.`,
			'Sage exposes this record type read-only; check the record type.',
			'Record Type',
		);
	}
	const returnsRecord = !isLeafType(getNamedType(field.type));
	const selection = returnsRecord ? ` ${recordSelection(info, fields)}` : '';
	const variableName = (index: number) => `d${index}`;
	const aliases = Array.from({ length: count }, (_, index) => `m${index}`);
	const operationName = `SageErp${kind[0].toUpperCase()}${kind.slice(1)}`;
	const declarations = aliases
		.map((_, index) => `$${variableName(index)}: ${String(argument.type)}`)
		.join(', ');
	const calls = aliases
		.map(
			(alias, index) =>
				`${alias}: ${field.name}(${argument.name}: $${variableName(index)})${selection}`,
		)
		.join(' ');
	const text = `mutation ${operationName}(${declarations}) { ${info.packageName} { ${info.nodeName} { ${calls} } } }`;
	checkAgainstSchema(schema, text, 'Fields', info);
	return {
		text,
		operationName,
		path: [info.packageName, info.nodeName],
		aliases,
		variableName,
		argumentName: argument.name,
		returnsRecord,
	};
}

// Documents already validated against a schema: validation walks the whole document with
// every rule, and the same few documents come back on every execution of a workflow.
const validDocuments = new WeakMap<SageSchema, Set<string>>();
const MAX_REMEMBERED_DOCUMENTS = 500;

function checkAgainstSchema(
	schema: SageSchema,
	text: string,
	label: string,
	info: RecordTypeInfo,
): void {
	let valid = validDocuments.get(schema);
	if (valid?.has(text)) return;
	const errors = validate(schema.schema, parse(text));
	if (!errors.length) {
		if (!valid) validDocuments.set(schema, (valid = new Set()));
		if (valid.size >= MAX_REMEMBERED_DOCUMENTS) valid.clear();
		valid.add(text);
		return;
	}
	throw new SageDocumentError(
		`${label}: ${errors.map((error) => withClosestField(schema, error)).join(' ')}`,
		`Leave ${label} empty to get every scalar field, or use fields of ${info.recordType} as the schema names them; references need sub-fields, e.g. currency { id }.`,
		label,
	);
}

/** GraphQL's message, and the closest field that exists when GraphQL suggested none (a field renamed by a release). */
function withClosestField(schema: SageSchema, error: GraphQLError): string {
	const match = /^Cannot query field "([^"]+)" on type "([^"]+)"\.$/.exec(error.message);
	const type = match ? schema.schema.getType(match[2]) : undefined;
	if (!match || !type || !(isObjectType(type) || isInterfaceType(type))) return error.message;
	const closest = closestName(match[1], Object.keys(type.getFields()));
	return closest
		? `${error.message} The closest field of ${match[2]} is "${closest}".`
		: error.message;
}
