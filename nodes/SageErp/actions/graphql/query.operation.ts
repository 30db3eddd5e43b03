import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import type { Diagnosis } from '../../../../sage-client/transport/graphql';
import {
	findCursorConnection,
	type CheckedOperation,
	type CursorConnection,
} from '../../../../sage-client/documents';
import { SageAnswerError, SageResponseError } from '../../../../sage-client/transport/errors';
import { connectionPage, followCursor, type Page } from '../../../../sage-client/client/paginate';
import { RequestBudget } from '../../../../sage-client/transport/time-limit';
import { diagnosesForItem } from '../common/diagnoses';
import {
	limitProperty,
	pageSizeOption,
	returnAllProperty,
	timeoutOption,
	optionsCollection,
} from '../../../shared/descriptions';
import { inputError } from '../../../shared/errors';
import { forEachItem, showFor, valueAt } from '../common/items';
import { readLimit, readPageSize, readTimeout } from '../common/parameters';
import type { OperationContext } from '../common/types';
import { splitRecords } from './split';
import {
	checkAgainstTenant,
	documentProperties,
	outputProperties,
	readDocumentItem,
} from './shared';

export const description: INodeProperties[] = showFor(
	'graphql',
	['query'],
	[
		...documentProperties('query'),
		...outputProperties('items'),
		{
			...returnAllProperty,
			description:
				'Whether to follow every page. The node pages by itself when the query declares $after and selects pageInfo { endCursor hasNextPage } on one connection; otherwise the query runs once.',
		},
		{ ...limitProperty, displayOptions: { show: { returnAll: [false] } } },
		optionsCollection([
			{
				...pageSizeOption,
				description: `${pageSizeOption.description}. Used when the query declares $first and Variables do not set it.`,
			},
			timeoutOption,
		]),
	],
);

type AnswerPage = Page<IDataObject> & { data: IDataObject; warnings: Diagnosis[] };

/**
 * Runs a user's query document once per input item. Output "Items" gives one item per
 * record of the list found in the answer; "Response" one item holding `data` (one per page
 * when the node follows pages).
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ session, diagnoses }: OperationContext,
): Promise<INodeExecutionData[]> {
	const checkedDocuments = new Map<string, CheckedOperation>();
	const unpagedReasons = new Set<string>();
	const checkedAgainstSchema = new Set<CheckedOperation>();
	const output = await forEachItem(this, items, async (itemIndex, output) => {
		const { text, checked, variables, outputMode, splitPath } = readDocumentItem(
			this,
			itemIndex,
			'query',
			checkedDocuments,
		);
		const limit = readLimit(this, itemIndex);
		const timeoutMs = readTimeout(this, itemIndex);
		await checkAgainstTenant(session, checked, {
			label: 'Query',
			timeoutMs,
			done: checkedAgainstSchema,
		});
		const { connection, reason } = findCursorConnection(checked);
		const pageSize = connection?.declaresFirst
			? firstOf(this, variables, itemIndex)
			: readPageSize(this, itemIndex);

		const run = async (pageVariables: IDataObject) => {
			const result = await session.execute({
				query: text,
				operationName: checked.operationName,
				variables: pageVariables,
				isMutation: false,
				timeoutMs,
			});
			diagnoses.note(result.diagnoses, itemIndex);
			if (result.errors.length)
				throw new SageAnswerError(result.errors, result.data, result.diagnoses);
			return { data: (result.data ?? {}) as IDataObject, warnings: result.diagnoses };
		};
		const emit = emitter(output, itemIndex, diagnoses.hintsSupported);

		if (!connection) {
			if (limit === undefined && reason) unpagedReasons.add(reason);
			const { data, warnings } = await run(variables);
			if (outputMode === 'response') emit([data], warnings);
			else {
				const records = splitRecords(data, splitPath);
				emit(limit === undefined ? records : records.slice(0, limit), warnings);
			}
			return;
		}

		const fetchPage = pageFetcher(
			connection,
			variables,
			outputMode === 'items' ? splitPath : '',
			run,
		);
		const start =
			typeof variables.after === 'string' && variables.after ? variables.after : undefined;
		const budget = connection.declaresFirst ? new RequestBudget() : undefined; // without $first the page size is the document's
		for await (const page of followCursor<IDataObject, AnswerPage>(fetchPage, {
			pageSize,
			limit,
			after: start,
			budget,
			// Only a page size the node sets can be lowered when Sage refuses it.
			pageSizeLimit: connection.declaresFirst ? session.client.pageSizeLimit() : undefined,
		})) {
			emit(
				outputMode === 'response'
					? [withEdgesCut(page.data, connection.path, page.nodes.length)]
					: page.nodes,
				page.warnings,
			);
		}
	});
	for (const reason of unpagedReasons) hintUnpaged(this, reason);
	return output;
}

/**
 * The answer with the connection's edges cut to the records Limit lets through: without
 * `$first` the document sets the page size, and a page may hold more than Limit leaves.
 */
function withEdgesCut(data: IDataObject, path: string[], count: number): IDataObject {
	const [key, ...rest] = path;
	const value = data[key];
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return data;
	if (rest.length) return { ...data, [key]: withEdgesCut(value as IDataObject, rest, count) };
	const edges = (value as IDataObject).edges;
	if (!Array.isArray(edges) || edges.length <= count) return data;
	return { ...data, [key]: { ...(value as IDataObject), edges: edges.slice(0, count) } };
}

/** Older n8n versions show no execution hints: the answer's first item carries its warnings. */
function emitter(output: INodeExecutionData[], itemIndex: number, hintsSupported: boolean) {
	return (records: IDataObject[], warnings: Diagnosis[]): void => {
		records.forEach((record, index) => {
			const json =
				index === 0 && warnings.length && !hintsSupported
					? { ...record, _diagnoses: diagnosesForItem(warnings) }
					: record;
			output.push({ json, pairedItem: { item: itemIndex } });
		});
	};
}

/** Return All on a query that cannot page: it ran once, and the user is told how to page. */
function hintUnpaged(context: IExecuteFunctions, reason: string): void {
	context.addExecutionHints?.({
		type: 'info',
		location: 'outputPane',
		message: `Return All: the query ran once, because ${reason}. To page, declare $after and select pageInfo { endCursor hasNextPage } on the connection called with after: $after.`,
	});
}

/** One page of a user's query: its variables with `first` and `after`, and the page read at the connection. */
function pageFetcher(
	connection: CursorConnection,
	variables: IDataObject,
	splitPath: string,
	run: (pageVariables: IDataObject) => Promise<{ data: IDataObject; warnings: Diagnosis[] }>,
): (request: { first: number; after: string | undefined }) => Promise<AnswerPage> {
	return async ({ first, after }) => {
		const pageVariables: IDataObject = { ...variables };
		if (connection.declaresFirst) pageVariables.first = first;
		if (after !== undefined) pageVariables.after = after;
		const { data, warnings } = await run(pageVariables);
		const connectionValue = valueAt(data, connection.path);
		if (typeof connectionValue !== 'object' || connectionValue === null) {
			throw new SageResponseError(
				`Sage's answer holds nothing at ${connection.path.join('.')}, the connection the query pages through.`,
			);
		}
		const page = connectionPage<IDataObject>(connectionValue, {
			pageInfo: connection.pageInfoKey,
			endCursor: connection.endCursorKey,
			hasNextPage: connection.hasNextPageKey,
		});
		const nodes = splitPath ? splitRecords(data, splitPath) : page.nodes;
		return { ...page, nodes, data, warnings };
	};
}

/** The page size of a query that declares `$first`: the item's own `first`, else Options > Page Size. */
function firstOf(context: IExecuteFunctions, variables: IDataObject, itemIndex: number): number {
	const first = variables.first;
	if (first === undefined || first === null) return readPageSize(context, itemIndex);
	if (typeof first !== 'number' || !Number.isInteger(first) || first < 1) {
		throw inputError(
			context.getNode(),
			'Variables: first must be a whole number of 1 or more',
			itemIndex,
		);
	}
	return first;
}
