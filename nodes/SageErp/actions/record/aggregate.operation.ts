import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import {
	aggregateSelection,
	buildAggregateDocument,
	requireRecordType,
	type AggregateDocument,
	type AggregateValue,
} from '../../../../sage-client/documents';
import { SageAnswerError, SageResponseError } from '../../../../sage-client/transport/errors';
import {
	connectionPage,
	followCursor,
	pageVariables,
	type Page,
	type PageRequest,
} from '../../../../sage-client/client/paginate';
import {
	pageSizeOption,
	recordTypeLocator,
	timeoutOption,
	optionsCollection,
} from '../../../shared/descriptions';
import { inputError } from '../../../shared/errors';
import type { SageSession } from '../../../shared/session';
import type { DiagnosisReport } from '../common/diagnoses';
import { forEachItem, isObject, recordItem, showFor, valueAt } from '../common/items';
import { readPageSize, readRecordType, readTimeout } from '../common/parameters';
import type { OperationContext } from '../common/types';
import { groupByProperties, readGroupBy, valuesProperties } from './aggregate-fields';
import { readFilterAndOrder, SentSyntax } from '../common/filter';
import { filterProperties, showSageSyntaxOption } from '../../../shared/filter-builder';

export const description: INodeProperties[] = showFor(
	'record',
	['aggregate'],
	[
		recordTypeLocator,
		...filterProperties('Which records to total. Empty = every record.'),
		...groupByProperties,
		...valuesProperties,
		optionsCollection([
			{
				displayName: 'Decimals as Text',
				name: 'decimalsAsText',
				type: 'boolean',
				default: false,
				description:
					'Whether to keep the exact text Sage sends for decimals (sums, averages, decimal minimums and maximums) instead of numbers',
			},
			{
				...pageSizeOption,
				description: 'Groups per request, with Group By (at most 1000); every page is followed',
			},
			timeoutOption,
			showSageSyntaxOption,
		]),
	],
);

interface AggregateItem {
	recordType: string;
	filter?: string;
	groupBy: string;
	values: AggregateValue[];
	asText: boolean;
	pageSize: number;
	timeoutMs?: number;
}

/**
 * Totals computed by Sage: without Group By, `readAggregate` gives one item; with it,
 * `queryAggregate` gives one item per group (`{ group, values }`), following every page. Sage
 * writes sums and averages as strings; they come out as numbers unless Decimals as Text.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ session, diagnoses }: OperationContext,
): Promise<INodeExecutionData[]> {
	const documents = new Map<string, AggregateDocument>();
	const sent = new SentSyntax(this);
	const totals = await forEachItem(this, items, async (itemIndex, output) => {
		const request = readAggregateItem(this, itemIndex);
		const { filter } = await readFilterAndOrder(
			this,
			itemIndex,
			{ session, recordType: request.recordType, timeoutMs: request.timeoutMs },
			{ order: false },
		);
		request.filter = filter;
		sent.note(itemIndex, { filter });
		const key = JSON.stringify([request.recordType, request.groupBy, request.values]);
		let document = documents.get(key);
		if (!document) {
			const schema = await session.recordSchema(
				{
					recordType: request.recordType,
					aggregate: aggregateSelection(request.groupBy, request.values),
				},
				request.timeoutMs,
			);
			document = buildAggregateDocument(
				schema,
				requireRecordType(schema, request.recordType),
				request.groupBy,
				request.values,
			);
			documents.set(key, document);
		}
		if (!document.grouped) {
			const result = await aggregateRequest(session, diagnoses, document, request, itemIndex, {});
			const totals = valueAt(result.data, document.path);
			output.push(
				recordItem(
					numbers(totals, document.numericValues, request.asText),
					itemIndex,
					result.diagnoses,
				),
			);
			return;
		}
		const fetchPage = async (wanted: PageRequest): Promise<Page<IDataObject>> => {
			const paging = pageVariables(wanted, document.arguments);
			const result = await aggregateRequest(
				session,
				diagnoses,
				document,
				request,
				itemIndex,
				paging,
			);
			const connection = valueAt(result.data, document.path);
			if (!isObject(connection))
				throw new SageResponseError(
					`Sage's answer holds no groups of ${request.recordType} records.`,
				);
			return connectionPage<IDataObject>(connection);
		};
		for await (const page of followCursor<IDataObject>(fetchPage, {
			pageSize: request.pageSize,
			pageSizeLimit: session.client.pageSizeLimit(),
		})) {
			for (const node of page.nodes) {
				const group = numbers(node.group, document.numericGroups, request.asText, true);
				output.push({
					json: {
						group,
						values: numbers(node.values ?? {}, document.numericValues, request.asText),
					},
					pairedItem: { item: itemIndex },
				});
			}
		}
	});
	sent.flush();
	return totals;
}

function readAggregateItem(context: IExecuteFunctions, itemIndex: number): AggregateItem {
	const recordType = readRecordType(context, itemIndex);
	const entries = context.getNodeParameter('values.value', itemIndex, []) as Array<{
		field?: unknown;
		aggregations?: unknown;
	}>;
	const values = entries.map((entry, position): AggregateValue => {
		const field = typeof entry.field === 'string' ? entry.field.trim() : '';
		if (!field)
			throw inputError(
				context.getNode(),
				`Values: the field of value ${position + 1} is empty`,
				itemIndex,
				'Give the field to aggregate, e.g. creditLimit.',
			);
		const aggregations = Array.isArray(entry.aggregations) ? entry.aggregations.map(String) : [];
		return { field, aggregations };
	});
	const options = context.getNodeParameter('options', itemIndex, {}) as {
		decimalsAsText?: boolean;
	};
	return {
		recordType,
		groupBy: readGroupBy(context, itemIndex),
		values,
		asText: options.decimalsAsText === true,
		pageSize: readPageSize(context, itemIndex),
		timeoutMs: readTimeout(context, itemIndex),
	};
}

async function aggregateRequest(
	session: SageSession,
	diagnoses: DiagnosisReport,
	document: AggregateDocument,
	request: AggregateItem,
	itemIndex: number,
	paging: IDataObject,
) {
	const variables: IDataObject = { ...paging };
	if (request.filter !== undefined && document.arguments.has('filter'))
		variables.filter = request.filter;
	const result = await session.execute({
		query: document.text,
		operationName: document.operationName,
		variables,
		isMutation: false,
		timeoutMs: request.timeoutMs,
	});
	diagnoses.note(result.diagnoses, itemIndex);
	if (result.errors.length) throw new SageAnswerError(result.errors, result.data, result.diagnoses);
	return result;
}

/**
 * The strings at `numeric` paths (`creditLimit.sum`, or a group field) as numbers; every
 * other value as Sage sent it. `flat`: the paths are the object's own keys (a group).
 */
function numbers(value: unknown, numeric: Set<string>, asText: boolean, flat = false): IDataObject {
	if (!isObject(value)) return {};
	if (asText || !numeric.size) return value;
	const toNumber = (text: unknown) => {
		const number = typeof text === 'string' && text.trim() !== '' ? Number(text) : Number.NaN;
		return Number.isFinite(number) ? number : text;
	};
	const out: IDataObject = {};
	for (const [field, entry] of Object.entries(value)) {
		if (flat) out[field] = numeric.has(field) ? (toNumber(entry) as IDataObject[string]) : entry;
		else if (isObject(entry)) {
			out[field] = Object.fromEntries(
				Object.entries(entry).map(([aggregation, result]) => [
					aggregation,
					numeric.has(`${field}.${aggregation}`) ? toNumber(result) : result,
				]),
			) as IDataObject;
		} else out[field] = entry;
	}
	return out;
}
