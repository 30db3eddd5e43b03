import type { IDataObject, INodeProperties } from 'n8n-workflow';

/**
 * `_customData`, the custom fields of a record, which Sage keeps as a JSON-encoded string.
 * The node's record operations and the trigger give it out as an object unless this
 * option asks for Sage's text.
 */
export const customDataOption: INodeProperties = {
	displayName: 'Custom Data as Text',
	name: 'customDataAsText',
	type: 'boolean',
	default: false,
	description: 'Whether to return _customData as the JSON text Sage sends, instead of as an object',
};

/** The JSON text as an object, or undefined when it is not the text of one. */
export function parsedCustomData(text: string): IDataObject | undefined {
	try {
		const value: unknown = JSON.parse(text);
		return typeof value === 'object' && value !== null && !Array.isArray(value)
			? (value as IDataObject)
			: undefined;
	} catch {
		return undefined;
	}
}

/** The record with its top-level `_customData` text as an object (as it was when that text is not an object's). */
export function withCustomDataObject(record: IDataObject): IDataObject {
	const text = record._customData;
	if (typeof text !== 'string') return record;
	const parsed = parsedCustomData(text);
	return parsed === undefined ? record : { ...record, _customData: parsed };
}
