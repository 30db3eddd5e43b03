import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { inputError } from '../../../shared/errors';
import { readJsonObject } from '../common/parameters';

/**
 * An asynchronous operation's Arguments. Version 1 takes a JSON object; version 2 lists the
 * start mutation's arguments in n8n's field mapper (`getStartArguments`: each with its type
 * and required mark), and the mapped values are what is sent. Either way the start document
 * checks them against the schema before anything is sent.
 */

/** Version 1's JSON Arguments and version 2's mapped ones; `json` is the operation's JSON property. */
export function argumentsProperties(json: INodeProperties): INodeProperties[] {
	return [
		{ ...json, displayOptions: { show: { '@version': [1] } } },
		{
			displayName: 'Arguments',
			name: 'arguments',
			type: 'resourceMapper',
			default: { mappingMode: 'defineBelow', value: null },
			required: true,
			displayOptions: { show: { '@version': [2] } },
			typeOptions: {
				loadOptionsDependsOn: ['asyncOperation.value'],
				resourceMapper: {
					resourceMapperMethod: 'getStartArguments',
					mode: 'add',
					fieldWords: { singular: 'argument', plural: 'arguments' },
					addAllFields: true,
					multiKeyMatch: false,
					supportAutoMap: false,
					noFieldsError: 'This operation’s start mutation takes no arguments.',
				},
			},
			description: 'The arguments of its start mutation, from the tenant’s schema',
		},
	];
}

/** One item's arguments: the JSON object (version 1) or the mapped values, empty ones left out (version 2). */
export function readStartArguments(context: IExecuteFunctions, itemIndex: number): IDataObject {
	// Version 1's JSON text (or a version 2 node written by hand the same way) is read as JSON;
	// the mapper saves an object with its mapping mode.
	const saved = context.getNode().parameters.arguments;
	if (context.getNode().typeVersion < 2 || typeof saved === 'string')
		return readJsonObject(context, 'arguments', 'Arguments', itemIndex, { emptyAllowed: true });
	const mapped = context.getNodeParameter('arguments.value', itemIndex, {}) as unknown;
	if (mapped === null || mapped === undefined) return {};
	if (typeof mapped !== 'object' || Array.isArray(mapped))
		throw inputError(context.getNode(), 'Arguments must be mapped values', itemIndex);
	const args: IDataObject = {};
	for (const [name, value] of Object.entries(mapped as IDataObject)) {
		if (value === undefined || value === null || value === '') continue;
		args[name] = asSent(value);
	}
	return args;
}

/** n8n's mapper hands a date field over as a Luxon DateTime: Sage takes its ISO text. */
function asSent(value: unknown): IDataObject[string] {
	const date = value as { toISO?: () => string | null; isValid?: boolean };
	if (typeof date === 'object' && typeof date.toISO === 'function')
		return date.toISO() ?? String(value);
	return value as IDataObject[string];
}
