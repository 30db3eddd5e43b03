import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_PAGE_SIZE, MAX_BATCH_SIZE, SAGE_MAX_PAGE_SIZE } from './limits';

/** Parameters several operations share; each operation places them with its own displayOptions. */

export const recordTypeLocator: INodeProperties = {
	displayName: 'Record Type',
	name: 'recordType',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description:
		'The kind of record, as package.node (e.g. xtremMasterData.customer), from the tenant’s schema',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a record type...',
			typeOptions: { searchListMethod: 'searchRecordTypes', searchable: true },
		},
		{
			displayName: 'By Name',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. xtremMasterData.customer',
			// No regex validation: n8n runs it in a sandbox before every execution (about 2 ms of
			// CPU each), and the record type is checked against the tenant's schema anyway.
		},
	],
};

/** Data, a record's values as JSON: the description says what they do in this operation. */
export function dataProperty(description: string): INodeProperties {
	return {
		displayName: 'Data',
		name: 'data',
		type: 'json',
		default: '{}',
		required: true,
		description,
	};
}

/** Fields as a GraphQL selection: the trigger's, whatever its version. */
export const selectionFieldsProperty: INodeProperties = {
	displayName: 'Fields',
	name: 'fields',
	type: 'string',
	default: '',
	placeholder: 'e.g. _id name email currency { name }',
	description:
		'The fields to return, written as a GraphQL selection; references need sub-fields in braces. Empty = every scalar field of the record, system fields (_id, _createStamp, ...) included.',
};

/** The Sage ERP node's Fields in version 1; version 2 offers a list as well (actions/common/return-fields.ts). */
export const fieldsProperty: INodeProperties = {
	...selectionFieldsProperty,
	displayOptions: { show: { '@version': [1] } },
};

export const idProperty: INodeProperties = {
	displayName: 'ID',
	name: 'id',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 599 or #FR001',
	description:
		'The record’s _id, or its natural key after a # (parts of a multi-part key joined with |)',
};

export const timeoutOption: INodeProperties = {
	displayName: 'Timeout',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 60000,
	description: 'How long to wait for each answer from Sage, in milliseconds',
};

export const pageSizeOption: INodeProperties = {
	displayName: 'Page Size',
	name: 'pageSize',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: SAGE_MAX_PAGE_SIZE },
	default: DEFAULT_PAGE_SIZE,
	description: `Records per request (at most ${SAGE_MAX_PAGE_SIZE}, Sage’s maximum); with a Limit below it, only the limit is asked for`,
};

export const batchSizeOption: INodeProperties = {
	displayName: 'Batch Size',
	name: 'batchSize',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_BATCH_SIZE },
	default: 1,
	description: `How many input items to send in one request (at most ${MAX_BATCH_SIZE}); each still gets its own output item`,
};

export const returnAllProperty: INodeProperties = {
	displayName: 'Return All',
	name: 'returnAll',
	type: 'boolean',
	default: false,
	description: 'Whether to return all results or only up to a given limit',
};

export const limitProperty: INodeProperties = {
	displayName: 'Limit',
	name: 'limit',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 50,
	description: 'Max number of results to return',
};

/** The "Options" collection every operation ends with; only its entries differ. */
export function optionsCollection(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options,
	};
}
