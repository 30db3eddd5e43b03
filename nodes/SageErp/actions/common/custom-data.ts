import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { parsedCustomData, withCustomDataObject } from '../../../shared/custom-data';
import { inputError } from '../../../shared/errors';
import { byInputItem, RECORD_OUTPUT_OPERATIONS } from './items';

// `_customData` in and out of the record operations: an object in their output (Options >
// Custom Data as Text keeps Sage's string), an object or a string in Data.

/** The record operations whose output items are records. */
/** Every output item's top-level `_customData` string parsed into an object, unless the item's option says otherwise. */
export function customDataOutput(
	context: IExecuteFunctions,
	operation: string,
	items: INodeExecutionData[],
): INodeExecutionData[] {
	if (!RECORD_OUTPUT_OPERATIONS.has(operation)) return items;
	const keepText = byInputItem(
		(itemIndex) =>
			(context.getNodeParameter('options', itemIndex, {}) as { customDataAsText?: boolean })
				.customDataAsText === true,
	);
	for (const item of items) {
		if (typeof item.json._customData === 'string' && !keepText(item))
			item.json = withCustomDataObject(item.json);
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
		if (parsedCustomData(value) === undefined) {
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
