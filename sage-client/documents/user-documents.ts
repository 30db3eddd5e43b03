import {
	GraphQLError,
	Kind,
	parse,
	type DocumentNode,
	type FragmentDefinitionNode,
	type OperationDefinitionNode,
} from 'graphql';

import { SageDocumentError } from '../transport/errors';

/** User documents (the GraphQL operations): parsed, and their operation checked, before anything is sent. */

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
	if (!text.trim())
		throw new SageDocumentError(
			`${label} is empty.`,
			`Write a GraphQL ${expected} document.`,
			label,
		);
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
		(definition): definition is OperationDefinitionNode =>
			definition.kind === Kind.OPERATION_DEFINITION,
	);
	const fragments = new Map(
		document.definitions
			.filter(
				(definition): definition is FragmentDefinitionNode =>
					definition.kind === Kind.FRAGMENT_DEFINITION,
			)
			.map((fragment) => [fragment.name.value, fragment]),
	);
	if (!operations.length) {
		throw new SageDocumentError(
			`${label} holds no operation, only fragments.`,
			`Add a ${expected} { ... } operation.`,
			label,
		);
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
		const what = operation.name
			? `"${operation.name.value}" is a ${found}`
			: `The document is a ${found}`;
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
export function tryParse(text: string): { document?: DocumentNode; syntaxError?: GraphQLError } {
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
export function stripPrefix(message: string): string {
	return message.replace(/^Syntax Error:\s*/, '');
}
