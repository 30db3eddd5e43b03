import {
	GraphQLError,
	Kind,
	getNamedType,
	isLeafType,
	parse,
	print,
	validate,
	visit,
	type ASTVisitor,
	type DocumentNode,
	type FragmentSpreadNode,
	type VariableNode,
	type FieldNode,
	type FragmentDefinitionNode,
	type OperationDefinitionNode,
	type SelectionSetNode,
} from 'graphql';

import { SageDocumentError } from './errors';
import { argumentOf, scalarFieldNames, type RecordMutationKind, type RecordTypeInfo, type SageSchema } from './schema';

/**
 * Building and checking GraphQL documents, before anything is sent.
 * - Record documents are built from the schema: user values travel as variables typed
 *   with the schema's argument types, never spliced into the text; the user's field
 *   selection is parsed, printed back and validated against the schema.
 * - User documents (the GraphQL operations) are parsed and their operation checked.
 */

// ---------------------------------------------------------------- record types and fields

/** The record type's schema entry, or a clear error when the tenant has no such record type. */
export function requireRecordType(schema: SageSchema, recordType: string): RecordTypeInfo {
	const name = recordType.trim();
	if (!name) throw new SageDocumentError('The Record Type is empty.', 'Pick a record type from the list.', 'Record Type');
	const info = schema.recordType(name);
	if (info) return info;
	const nodeName = name.split('.').pop()?.toLowerCase() ?? '';
	const similar = schema
		.recordTypes()
		.filter((candidate) => candidate.nodeName.toLowerCase() === nodeName)
		.map((candidate) => candidate.recordType);
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
	if (document.definitions.length !== 1 || definition.kind !== Kind.OPERATION_DEFINITION || definition.name) {
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
export function buildQueryDocument(schema: SageSchema, info: RecordTypeInfo, fields: string | undefined): QueryDocument {
	const selection = recordSelection(info, fields);
	const present = CONNECTION_ARGUMENTS.map((name) => info.queryField.args.find((arg) => arg.name === name)).filter(
		(arg) => arg !== undefined,
	);
	const declarations = present.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
	const callArguments = present.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
	const operationName = 'SageErpGetMany';
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
export function buildReadDocument(schema: SageSchema, info: RecordTypeInfo, fields: string | undefined): BuiltDocument {
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
	const declarations = aliases.map((_, index) => `$${variableName(index)}: ${String(argument.type)}`).join(', ');
	const calls = aliases
		.map((alias, index) => `${alias}: ${field.name}(${argument.name}: $${variableName(index)})${selection}`)
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

function checkAgainstSchema(schema: SageSchema, text: string, label: string, info: RecordTypeInfo): void {
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
		`${label}: ${errors.map((error) => error.message).join(' ')}`,
		`Leave ${label} empty to get every scalar field, or use fields of ${info.recordType} as the schema names them; references need sub-fields, e.g. currency { id }.`,
		label,
	);
}

// ---------------------------------------------------------------- user documents

export type OperationKind = 'query' | 'mutation';

export interface CheckedOperation {
	document: DocumentNode;
	operation: OperationDefinitionNode;
	operationName?: string;
	fragments: Map<string, FragmentDefinitionNode>;
}

/**
 * Parses a user's document and picks its operation: a syntax error names its line and
 * column; with several operations, `operationName` selects one; an operation of the
 * other kind (a mutation under Query, or the reverse) is refused.
 */
export function checkOperationDocument(
	text: string,
	expected: OperationKind,
	operationName: string | undefined,
	label: string,
): CheckedOperation {
	if (!text.trim()) throw new SageDocumentError(`${label} is empty.`, `Write a GraphQL ${expected} document.`, label);
	const { document, syntaxError } = tryParse(text);
	if (syntaxError || !document) {
		const location = syntaxError?.locations?.[0] ?? { line: 1, column: 1 };
		throw new SageDocumentError(
			`${label} has a GraphQL syntax error at line ${location.line}, column ${location.column}: ${stripPrefix(syntaxError?.message ?? 'unreadable')}`,
			'Check the document near that position: braces, parentheses and quotes must match.',
			label,
			{ line: location.line, column: location.column },
		);
	}
	const operations = document.definitions.filter(
		(definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
	);
	const fragments = new Map(
		document.definitions
			.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
			.map((fragment) => [fragment.name.value, fragment]),
	);
	if (!operations.length) {
		throw new SageDocumentError(`${label} holds no operation, only fragments.`, `Add a ${expected} { ... } operation.`, label);
	}
	const wanted = operationName?.trim() || undefined;
	const names = operations.map((operation) => operation.name?.value ?? '(anonymous)');
	let operation: OperationDefinitionNode | undefined;
	if (wanted) {
		operation = operations.find((candidate) => candidate.name?.value === wanted);
		if (!operation) {
			throw new SageDocumentError(
				`Operation Name "${wanted}" is not an operation of ${label}; it has: ${names.join(', ')}.`,
				'Set Operation Name to one of the operations of the document, or leave it empty when there is only one.',
				'Operation Name',
			);
		}
	} else if (operations.length === 1) {
		operation = operations[0];
	} else {
		throw new SageDocumentError(
			`${label} holds ${operations.length} operations (${names.join(', ')}); set Operation Name to choose one.`,
			'Operation Name selects which operation of the document runs.',
			'Operation Name',
		);
	}
	if (operation.operation !== expected) {
		const found = operation.operation;
		const what = operation.name ? `"${operation.name.value}" is a ${found}` : `The document is a ${found}`;
		throw new SageDocumentError(
			`${what}, but this is the ${expected === 'query' ? 'Query' : 'Mutation'} operation; nothing was sent.`,
			found === 'mutation'
				? 'Use the Mutation operation to change data.'
				: found === 'query'
					? 'Use the Query operation to read data.'
					: 'Subscriptions are not supported; use a query.',
			label,
		);
	}
	return { document, operation, operationName: operation.name?.value, fragments };
}

/** The parsed document, or the syntax error that stopped the parser. */
function tryParse(text: string): { document?: DocumentNode; syntaxError?: GraphQLError } {
	let failure: unknown;
	try {
		return { document: parse(text) };
	} catch (error) {
		failure = error;
	}
	if (failure instanceof GraphQLError) return { syntaxError: failure };
	throw failure;
}

/** "Syntax Error: Expected Name, found <EOF>." -> "Expected Name, found <EOF>." */
function stripPrefix(message: string): string {
	return message.replace(/^Syntax Error:\s*/, '');
}

// ---------------------------------------------------------------- cursor pagination of user queries

/** Where a user's query selects a connection that the node can page through with `$after`. */
export interface CursorConnection {
	/** Response keys from `data` to the connection. */
	path: string[];
	pageInfoKey: string;
	endCursorKey: string;
	hasNextPageKey: string;
	/** Whether the document declares `$first`, so the node can set the page size. */
	declaresFirst: boolean;
}

/**
 * The one connection of the operation called with `after: $after` that selects
 * `pageInfo { endCursor hasNextPage }`; undefined when there is none, several, or the
 * document does not declare `$after`. The reason says which, for a hint.
 */
export function findCursorConnection(checked: CheckedOperation): { connection?: CursorConnection; reason?: string } {
	const declared = new Set(checked.operation.variableDefinitions?.map((definition) => definition.variable.name.value));
	if (!declared.has('after')) return { reason: 'the document declares no $after variable' };
	const found: CursorConnection[] = [];
	const walk = (selectionSet: SelectionSetNode, path: string[], seen: Set<string>) => {
		for (const selection of selectionSet.selections) {
			if (selection.kind === Kind.INLINE_FRAGMENT) {
				walk(selection.selectionSet, path, seen);
			} else if (selection.kind === Kind.FRAGMENT_SPREAD) {
				const fragment = checked.fragments.get(selection.name.value);
				if (fragment && !seen.has(fragment.name.value)) walk(fragment.selectionSet, path, new Set([...seen, fragment.name.value]));
			} else if (selection.selectionSet) {
				const key = responseKey(selection);
				const usesAfter = selection.arguments?.some(
					(argument) => argument.name.value === 'after' && argument.value.kind === Kind.VARIABLE && argument.value.name.value === 'after',
				);
				const pageInfo = usesAfter ? pageInfoKeys(selection.selectionSet, checked) : undefined;
				if (pageInfo) found.push({ path: [...path, key], ...pageInfo, declaresFirst: declared.has('first') });
				else walk(selection.selectionSet, [...path, key], seen);
			}
		}
	};
	walk(checked.operation.selectionSet, [], new Set());
	if (found.length === 1) return { connection: found[0] };
	if (found.length > 1) return { reason: 'several connections use $after' };
	return { reason: 'no field called with after: $after selects pageInfo { endCursor hasNextPage }' };
}

function responseKey(field: FieldNode): string {
	return field.alias?.value ?? field.name.value;
}

function directFields(selectionSet: SelectionSetNode, checked: CheckedOperation): FieldNode[] {
	const fields: FieldNode[] = [];
	for (const selection of selectionSet.selections) {
		if (selection.kind === Kind.FIELD) fields.push(selection);
		else if (selection.kind === Kind.INLINE_FRAGMENT) fields.push(...directFields(selection.selectionSet, checked));
		else {
			const fragment = checked.fragments.get(selection.name.value);
			if (fragment) fields.push(...directFields(fragment.selectionSet, checked));
		}
	}
	return fields;
}

function pageInfoKeys(
	selectionSet: SelectionSetNode,
	checked: CheckedOperation,
): Pick<CursorConnection, 'pageInfoKey' | 'endCursorKey' | 'hasNextPageKey'> | undefined {
	const pageInfo = directFields(selectionSet, checked).find((field) => field.name.value === 'pageInfo' && field.selectionSet);
	if (!pageInfo?.selectionSet) return undefined;
	const inner = directFields(pageInfo.selectionSet, checked);
	const endCursor = inner.find((field) => field.name.value === 'endCursor');
	const hasNextPage = inner.find((field) => field.name.value === 'hasNextPage');
	if (!endCursor || !hasNextPage) return undefined;
	return { pageInfoKey: responseKey(pageInfo), endCursorKey: responseKey(endCursor), hasNextPageKey: responseKey(hasNextPage) };
}

// ---------------------------------------------------------------- batching user mutations

export interface MergedMutation {
	text: string;
	operationName: string;
	variables: Record<string, unknown>;
	/** The prefix of every top-level response key (and error path) of each member. */
	prefixes: string[];
}

/**
 * Several user mutation operations as one request: every member's variables and fragments
 * are renamed (`v3_name`, `f3_Name`) and its top-level fields aliased (`b3_<key>`), so the
 * members cannot collide; top-level fields run in order, as GraphQL runs mutation fields
 * serially. Undefined when a member cannot be merged safely (fragments or directives at
 * its top level): the caller then sends the members one by one.
 */
export function mergeMutations(members: Array<{ checked: CheckedOperation; variables: Record<string, unknown> }>): MergedMutation | undefined {
	const declarations: string[] = [];
	const selections: string[] = [];
	const fragmentTexts: string[] = [];
	const variables: Record<string, unknown> = {};
	const prefixes: string[] = [];
	for (const [index, { checked, variables: memberVariables }] of members.entries()) {
		const { operation } = checked;
		if (operation.directives?.length) return undefined;
		if (operation.selectionSet.selections.some((selection) => selection.kind !== Kind.FIELD)) return undefined;
		const prefix = `b${index}_`;
		prefixes.push(prefix);
		const renameVariable = (name: string) => `v${index}_${name}`;
		const renameFragment = (name: string) => `f${index}_${name}`;
		const renamer: ASTVisitor = {
			Variable: (node: VariableNode) => ({ ...node, name: { ...node.name, value: renameVariable(node.name.value) } }),
			FragmentSpread: (node: FragmentSpreadNode) => ({ ...node, name: { ...node.name, value: renameFragment(node.name.value) } }),
			FragmentDefinition: (node: FragmentDefinitionNode) => ({ ...node, name: { ...node.name, value: renameFragment(node.name.value) } }),
		};
		const renamed = visit(operation, renamer) as OperationDefinitionNode;
		for (const definition of renamed.variableDefinitions ?? []) {
			declarations.push(print(definition));
			const original = definition.variable.name.value.slice(`v${index}_`.length);
			if (Object.prototype.hasOwnProperty.call(memberVariables, original)) {
				variables[definition.variable.name.value] = memberVariables[original];
			}
		}
		for (const selection of renamed.selectionSet.selections as FieldNode[]) {
			const aliased: FieldNode = { ...selection, alias: { kind: Kind.NAME, value: `${prefix}${responseKey(selection)}` } };
			selections.push(print(aliased));
		}
		for (const name of reachableFragments(checked)) {
			const fragment = checked.fragments.get(name);
			if (fragment) fragmentTexts.push(print(visit(fragment, renamer) as FragmentDefinitionNode));
		}
	}
	const operationName = 'SageErpMutationBatch';
	const text = [
		`mutation ${operationName}${declarations.length ? `(${declarations.join(', ')})` : ''} {\n  ${selections.join('\n  ')}\n}`,
		...fragmentTexts,
	].join('\n\n');
	return { text, operationName, variables, prefixes };
}

/** Fragments the operation uses, directly or through other fragments. */
function reachableFragments(checked: CheckedOperation): string[] {
	const reached = new Set<string>();
	const walk = (selectionSet: SelectionSetNode) => {
		for (const selection of selectionSet.selections) {
			if (selection.kind === Kind.FRAGMENT_SPREAD) {
				const name = selection.name.value;
				const fragment = checked.fragments.get(name);
				if (!reached.has(name) && fragment) {
					reached.add(name);
					walk(fragment.selectionSet);
				}
			} else if (selection.selectionSet) {
				walk(selection.selectionSet);
			}
		}
	};
	walk(checked.operation.selectionSet);
	return [...reached];
}
