import { validate } from 'graphql';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { checkOperationDocument, type CheckedOperation } from '../../../../sage-client/documents';
import { SageDocumentError } from '../../../../sage-client/transport/errors';
import type { SageSession } from '../../../shared/session';
import { readJsonObject, readString } from '../common/parameters';

/** The document parameters of both GraphQL operations; the contract fixes their names. */
export function documentProperties(kind: 'query' | 'mutation'): INodeProperties[] {
	const example =
		kind === 'query'
			? 'query Customers($after: String) {\n  xtremMasterData {\n    customer {\n      query(first: 100, after: $after) {\n        pageInfo { endCursor hasNextPage }\n        edges { node { _id id name } }\n      }\n    }\n  }\n}'
			: 'mutation Rename($data: Customer_Input!) {\n  xtremMasterData {\n    customer {\n      update(data: $data) { _id name }\n    }\n  }\n}';
	return [
		{
			displayName: kind === 'query' ? 'Query' : 'Mutation',
			name: 'query',
			type: 'string',
			typeOptions: { rows: 10 },
			default: '',
			required: true,
			placeholder: example,
			description:
				kind === 'query'
					? 'The GraphQL query document. It is checked before sending: a syntax error names its line and column.'
					: 'The GraphQL mutation document. It is checked before sending: a syntax error names its line and column.',
		},
		{
			displayName: 'Variables',
			name: 'variables',
			type: 'json',
			default: '',
			placeholder: '{ "after": null }',
			description: 'The values of the document’s variables, as a JSON object',
		},
		{
			displayName: 'Operation Name',
			name: 'operationName',
			type: 'string',
			default: '',
			description: 'Which operation of the document to run, when it holds several',
		},
	];
}

/** How the answer becomes items. */
export function outputProperties(defaultOutput: 'items' | 'response'): INodeProperties[] {
	return [
		{
			displayName: 'Output',
			name: 'output',
			type: 'options',
			options: [
				{
					name: 'Items',
					value: 'items',
					description: 'One item per record of the list in the answer',
				},
				{
					name: 'Response',
					value: 'response',
					description: 'One item holding the answer’s data',
				},
			],
			default: defaultOutput,
		},
		{
			displayName: 'Split Path',
			name: 'splitPath',
			type: 'string',
			default: '',
			placeholder: 'e.g. xtremMasterData.customer.query.edges',
			description:
				'Dotted path inside data to the list to split into items (a list, or a connection with edges). Empty = the first edges[].node connection, else the first list.',
			displayOptions: { show: { output: ['items'] } },
		},
	];
}

/** One item's document, checked once per distinct text, with its variables and output choice. */
export interface DocumentItem {
	text: string;
	checked: CheckedOperation;
	variables: IDataObject;
	outputMode: string;
	splitPath: string;
}

export function readDocumentItem(
	context: IExecuteFunctions,
	itemIndex: number,
	kind: 'query' | 'mutation',
	checkedDocuments: Map<string, CheckedOperation>,
): DocumentItem {
	const text = String(context.getNodeParameter('query', itemIndex, '') ?? '');
	const operationName = readString(context, 'operationName', itemIndex);
	const key = `${operationName}\n${text}`;
	const checked =
		checkedDocuments.get(key) ??
		checkOperationDocument(text, kind, operationName, kind === 'query' ? 'Query' : 'Mutation');
	checkedDocuments.set(key, checked);
	const variables = readJsonObject(context, 'variables', 'Variables', itemIndex, {
		emptyAllowed: true,
	});
	const outputMode = context.getNodeParameter(
		'output',
		itemIndex,
		kind === 'query' ? 'items' : 'response',
	) as string;
	const splitPath = outputMode === 'items' ? readString(context, 'splitPath', itemIndex) : '';
	return { text, checked, variables, outputMode, splitPath };
}

/**
 * Checks a user's document against the tenant's schema before sending it, as Sage would:
 * only the types it selects into are loaded (targeted introspection), so a real tenant's
 * megabytes of schema are never fetched. A tenant that refuses introspection is not an
 * error here: Sage checks the document itself when it comes.
 */
export async function checkAgainstTenant(
	session: SageSession,
	checked: CheckedOperation,
	{ label, timeoutMs, done }: { label: string; timeoutMs?: number; done: Set<CheckedOperation> },
): Promise<void> {
	if (done.has(checked)) return; // once per distinct document and execution
	const schema = await session
		.documentSchema(checked.document, timeoutMs)
		.catch((error: unknown) =>
			(error as { code?: string }).code === 'SAGE_ABORTED' ? Promise.reject(error) : undefined,
		);
	const [first, ...others] = schema ? validate(schema.schema, checked.document) : [];
	if (!first) {
		done.add(checked);
		return;
	}
	const location = first.locations?.[0];
	const where = location ? ` at line ${location.line}, column ${location.column}` : '';
	throw new SageDocumentError(
		`${label}: ${first.message}${where}${others.length ? ` (and ${others.length} more problem${others.length > 1 ? 's' : ''})` : ''}; nothing was sent.`,
		'Check the names against the tenant’s schema (GraphiQL at the tenant’s /explorer shows it).',
		label,
		location ? { line: location.line, column: location.column } : undefined,
	);
}
