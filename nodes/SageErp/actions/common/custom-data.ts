import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { inputError } from '../../../shared/errors';

/**
 * `_customData`, the custom fields of a record, which Sage keeps as a JSON-encoded string:
 * it comes out of the record operations as an object (Options > Custom Data as Text keeps
 * Sage's string), and goes into Data as an object or a string.
 */
export const customDataOption: INodeProperties = {
	displayName: 'Custom Data as Text',
	name: 'customDataAsText',
	type: 'boolean',
	default: false,
	description: 'Whether to return _customData as the JSON text Sage sends, instead of as an object',
};

/** The record operations whose output items are records. */
const RECORD_OUTPUTS = new Set(['get', 'getMany', 'create', 'update', 'upsert']);

/** Every output item's top-level `_customData` string parsed into an object, unless the item's option says otherwise. */
export function customDataOutput(
	context: IExecuteFunctions,
	operation: string,
	items: INodeExecutionData[],
): INodeExecutionData[] {
	if (!RECORD_OUTPUTS.has(operation)) return items;
	const asText = new Map<number, boolean>();
	const keepText = (itemIndex: number) => {
		if (!asText.has(itemIndex)) {
			const options = context.getNodeParameter('options', itemIndex, {}) as {
				customDataAsText?: boolean;
			};
			asText.set(itemIndex, options.customDataAsText === true);
		}
		return asText.get(itemIndex)!;
	};
	for (const item of items) {
		const text = item.json._customData;
		if (typeof text !== 'string') continue;
		const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
		const itemIndex = typeof paired === 'number' ? paired : (paired?.item ?? 0);
		if (keepText(itemIndex)) continue;
		const parsed = parsedObject(text);
		if (parsed !== undefined) item.json = { ...item.json, _customData: parsed };
	}
	return items;
}

/** Data with its `_customData` as the JSON text Sage takes; a string must already be JSON. */
export function customDataInput(
	context: IExecuteFunctions,
	data: IDataObject,
	itemIndex: number,
): IDataObject {
	const value = data._customData;
	if (value === undefined || value === null) return data;
	if (typeof value === 'string') {
		if (parsedObject(value) === undefined) {
			throw inputError(
				context.getNode(),
				'Data’s _customData is not a JSON object',
				itemIndex,
				'Give _customData as an object, e.g. { "_customData": { "rating": 5 } }, or as the JSON text of one.',
			);
		}
		return data;
	}
	if (typeof value !== 'object' || Array.isArray(value)) {
		throw inputError(
			context.getNode(),
			`Data’s _customData must be an object, not ${Array.isArray(value) ? 'an array' : typeof value}`,
			itemIndex,
		);
	}
	return { ...data, _customData: JSON.stringify(value) };
}

function parsedObject(text: string): IDataObject | undefined {
	try {
		const value: unknown = JSON.parse(text);
		return typeof value === 'object' && value !== null && !Array.isArray(value)
			? (value as IDataObject)
			: undefined;
	} catch {
		return undefined;
	}
}
