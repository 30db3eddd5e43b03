import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import type { Diagnosis } from '../../../../sage-client/transport/graphql';
import {
	buildQueryDocument,
	requireRecordType,
	type QueryDocument,
} from '../../../../sage-client/documents';
import {
	SageDocumentError,
	SageAnswerError,
	SageResponseError,
} from '../../../../sage-client/transport/errors';
import { checkFilter, checkOrderBy } from '../../../../sage-client/documents/filter-check';
import {
	connectionPage,
	followCursor,
	pageVariables,
	type Page,
	type PageRequest,
} from '../../../../sage-client/client/paginate';
import { RequestBudget } from '../../../../sage-client/transport/time-limit';
import { diagnosesForItem } from '../common/diagnoses';
import {
	fieldsProperty,
	limitProperty,
	pageSizeOption,
	recordTypeLocator,
	returnAllProperty,
	optionsCollection,
	timeoutOption,
} from '../../../shared/descriptions';
import { forEachItem, showFor, valueAt } from '../common/items';
import { readLimit, readPageSize, readRecordType, readTimeout } from '../common/parameters';
import type { SageSession } from '../../../shared/session';
import { readReturnFields, returnFieldsProperties } from '../common/return-fields';
import type { OperationContext } from '../common/types';
import { customDataOption } from '../../../shared/custom-data';
import {
	filterProperties,
	orderByProperties,
	showSageSyntaxOption,
	sortProperties,
} from '../../../shared/filter-builder';
import { readFilterAndOrder, SentSyntax } from '../common/filter';

export const description: INodeProperties[] = showFor(
	'record',
	['getMany'],
	[
		recordTypeLocator,
		returnAllProperty,
		{ ...limitProperty, displayOptions: { show: { returnAll: [false] } } },
		...filterProperties('Only records matching this filter. Empty = every record.'),
		...sortProperties,
		...orderByProperties(),
		fieldsProperty,
		...returnFieldsProperties(),
		optionsCollection([customDataOption, pageSizeOption, timeoutOption, showSageSyntaxOption]),
	],
);

type RecordPage = Page<IDataObject> & { diagnoses: Diagnosis[] };

/** Records matching a filter, one output item per record, in Sage's order, following cursors. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ session, diagnoses }: OperationContext,
): Promise<INodeExecutionData[]> {
	const documents = new Map<string, QueryDocument>();
	// Checked once per distinct text: a filter shared by a thousand items is parsed once.
	const checked = new Set<string>();
	const sent = new SentSyntax(this);
	const records = await forEachItem(this, items, async (itemIndex, output) => {
		const recordType = readRecordType(this, itemIndex);
		const fields = readReturnFields(this, itemIndex);
		const limit = readLimit(this, itemIndex);
		const pageSize = readPageSize(this, itemIndex);
		const timeoutMs = readTimeout(this, itemIndex);
		const { filter, orderBy } = await readFilterAndOrder(
			this,
			itemIndex,
			{ session, recordType, timeoutMs },
			{ order: true },
		);
		sent.note(itemIndex, { filter, orderBy });

		const key = `${recordType}\n${fields}`;
		const build = async (): Promise<QueryDocument> => {
			const schema = await session.recordSchema({ recordType, fields }, timeoutMs);
			const built = buildQueryDocument(schema, requireRecordType(schema, recordType), fields);
			documents.set(key, built);
			return built;
		};
		let queryDocument = documents.get(key) ?? (await build());
		checkArguments(queryDocument, recordType, { filter, orderBy });
		await checkAgainstSchema(session, { recordType, fields, filter, orderBy }, timeoutMs, checked);

		const fetchPage = async (request: PageRequest): Promise<RecordPage> => {
			// Every user value travels as a variable: the document text never changes between pages.
			const variables: IDataObject = {};
			if (filter !== undefined) variables.filter = filter;
			if (orderBy !== undefined) variables.orderBy = orderBy;
			Object.assign(variables, pageVariables(request, queryDocument.arguments));
			const query = () =>
				session.execute({
					query: queryDocument.text,
					operationName: queryDocument.operationName,
					variables,
					isMutation: false,
					timeoutMs,
				});
			let result = await query();
			if (result.errors.length && (await session.schemaChanged(result.errors))) {
				documents.clear();
				queryDocument = await build();
				checkArguments(queryDocument, recordType, { filter, orderBy });
				result = await query();
			}
			diagnoses.note(result.diagnoses, itemIndex);
			if (result.errors.length)
				throw new SageAnswerError(result.errors, result.data, result.diagnoses);
			const connection = valueAt(result.data, queryDocument.path);
			if (typeof connection !== 'object' || connection === null) {
				throw new SageResponseError(`Sage's answer holds no list of ${recordType} records.`);
			}
			return { ...connectionPage<IDataObject>(connection), diagnoses: result.diagnoses };
		};

		for await (const page of followCursor<IDataObject, RecordPage>(fetchPage, {
			pageSize,
			limit,
			budget: new RequestBudget(),
			pageSizeLimit: session.client.pageSizeLimit(),
		}))
			pushPage(output, page, itemIndex, diagnoses.hintsSupported);
	});
	sent.flush();
	return records;
}

/** One item per record; older n8n versions show no execution hints, so the page's first item carries its warnings. */
function pushPage(
	output: INodeExecutionData[],
	page: RecordPage,
	itemIndex: number,
	hintsSupported: boolean,
): void {
	const first = output.length;
	for (const record of page.nodes) output.push({ json: record, pairedItem: { item: itemIndex } });
	if (!hintsSupported && page.diagnoses.length && output.length > first) {
		output[first].json = { ...output[first].json, _diagnoses: diagnosesForItem(page.diagnoses) };
	}
}

/** Filter and Order By are refused before sending when the record type's query takes none. */
function checkArguments(
	document: QueryDocument,
	recordType: string,
	given: { filter?: string; orderBy?: string },
): void {
	for (const [name, label, value] of [
		['filter', 'Filter', given.filter],
		['orderBy', 'Order By', given.orderBy],
	] as const) {
		if (value !== undefined && !document.arguments.has(name)) {
			throw new SageDocumentError(
				`The record type ${recordType} takes no ${label}.`,
				`Leave ${label} empty for this record type.`,
				label,
			);
		}
	}
}

/**
 * Filter and Order By against the schema (after expressions were evaluated), before any
 * request. The schema is loaded along their property paths first: a filter on
 * `currency.id` needs the Currency type even when Fields do not select it.
 */
async function checkAgainstSchema(
	session: SageSession,
	need: { recordType: string; fields: string; filter?: string; orderBy?: string },
	timeoutMs: number | undefined,
	checked: Set<string>,
): Promise<void> {
	const { recordType, filter, orderBy } = need;
	const filterKey = `${recordType}\nfilter\n${filter}`;
	const orderKey = `${recordType}\norderBy\n${orderBy}`;
	const checkFilterNow = filter !== undefined && !checked.has(filterKey);
	const checkOrderNow = orderBy !== undefined && !checked.has(orderKey);
	if (!checkFilterNow && !checkOrderNow) return;
	const schema = await session.recordSchema(need, timeoutMs);
	const info = requireRecordType(schema, recordType);
	if (checkFilterNow) {
		checkFilter(info, filter);
		checked.add(filterKey);
	}
	if (checkOrderNow) {
		checkOrderBy(info, orderBy);
		checked.add(orderKey);
	}
}
