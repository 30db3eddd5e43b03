import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import type { Diagnosis } from '../../../../sage-client/transport/graphql';
import { diagnosesForItem } from './diagnoses';
import { errorText, isClientError, toNodeError } from '../../../shared/errors';

/** The record operations whose output items are records, one per record. */
export const RECORD_OUTPUT_OPERATIONS: ReadonlySet<string> = new Set([
	'get',
	'getMany',
	'create',
	'update',
	'upsert',
]);

/** The input item an output item came from (its first pairedItem). */
export function pairedIndex(item: INodeExecutionData): number {
	const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
	if (typeof paired === 'number') return paired;
	return typeof paired === 'object' && paired !== null ? paired.item : 0;
}

/**
 * A setting of the input item each output item came from, read once per input item: an
 * operation's output may hold thousands of records for one input item.
 */
export function byInputItem<T>(read: (itemIndex: number) => T): (item: INodeExecutionData) => T {
	const values = new Map<number, T>();
	return (item) => {
		const itemIndex = pairedIndex(item);
		if (!values.has(itemIndex)) values.set(itemIndex, read(itemIndex));
		return values.get(itemIndex) as T;
	};
}

/** The same properties, shown only for this resource and these operations. */
export function showFor(
	resource: string,
	operations: string[],
	properties: INodeProperties[],
): INodeProperties[] {
	return properties.map((property) => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			show: { ...property.displayOptions?.show, resource: [resource], operation: operations },
		},
	}));
}

/** The value at a path of response keys, or undefined when any step is missing. */
export function valueAt(root: unknown, path: readonly string[]): unknown {
	let current = root;
	for (const key of path) {
		if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
		current = (current as Record<string, unknown>)[key];
	}
	return current;
}

/** A "Continue On Fail" item: the error's message, and the partial data Sage sent with it. */
export function errorItem(error: unknown, itemIndex: number): INodeExecutionData {
	const json: IDataObject = { error: errorText(error) };
	const answer = error as { data?: unknown; diagnoses?: Diagnosis[] };
	if (isClientError(error) && error.code === 'SAGE_GRAPHQL') {
		if (answer.data !== null && answer.data !== undefined) json.data = answer.data as IDataObject;
		if (answer.diagnoses?.length) json._diagnoses = diagnosesForItem(answer.diagnoses);
	}
	const context = error instanceof Error ? (error as { context?: IDataObject }).context : undefined;
	if ((isClientError(error) && error.code === 'SAGE_OUTCOME_UNKNOWN') || context?.outcomeUnknown)
		json.outcomeUnknown = true;
	return { json, pairedItem: { item: itemIndex } };
}

/** A record as an output item, with Sage's warnings about it when there are any. */
export function recordItem(
	record: unknown,
	itemIndex: number,
	diagnoses: Diagnosis[] = [],
): INodeExecutionData {
	const json: IDataObject = isObject(record)
		? { ...record }
		: { value: record as IDataObject[keyof IDataObject] };
	if (diagnoses.length) json._diagnoses = diagnosesForItem(diagnoses);
	return { json, pairedItem: { item: itemIndex } };
}

export function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Runs `work` for every input item, in order, into one output list. A failing item stops
 * the node, or with Continue On Fail adds its error item after whatever it already output.
 */
export async function forEachItem(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	work: (itemIndex: number, output: INodeExecutionData[]) => Promise<void>,
): Promise<INodeExecutionData[]> {
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			await work(itemIndex, output);
		} catch (error) {
			if (!context.continueOnFail()) throw toNodeError(context.getNode(), error, itemIndex);
			output.push(errorItem(error, itemIndex));
		}
	}
	return output;
}
