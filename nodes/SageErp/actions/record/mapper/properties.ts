import type { INodeProperties, ResourceMapperTypeOptions } from 'n8n-workflow';

import { dataProperty } from '../../../../shared/descriptions';
import type { MapperOperation } from './fields';

/**
 * How a writing operation takes its values. Version 1: Data, a JSON object, as ever.
 * Version 2: Data Mode "Map Fields" (n8n's field mapper, fields from the record type's
 * input type) or "JSON" (the same Data, for a record built whole in a Code node).
 * The parameter names and values are saved in workflows: ../../README.md lists them.
 */

const V1 = { '@version': [1] };
const V2 = { '@version': [2] };

const MAPPER: Record<
	MapperOperation,
	Pick<ResourceMapperTypeOptions, 'mode' | 'matchingFieldsLabels'>
> = {
	create: { mode: 'add' },
	update: {
		mode: 'update',
		matchingFieldsLabels: {
			title: 'Record to Update',
			description: 'The field that finds the record: its ID (_id) or its natural key',
			hint: 'The record with this value is updated; the value itself is not changed',
		},
	},
	upsert: {
		mode: 'upsert',
		matchingFieldsLabels: {
			title: 'Find the Record By',
			description:
				'The field that finds the existing record; only its natural key is one Sage keeps unique',
			hint: 'A record with this value is updated, otherwise one is created',
		},
	},
	updateMany: { mode: 'add' },
};

/** A parameter of Data's way only (ID, Match On): shown in version 1, and in version 2 with Data Mode "JSON". */
export function withJsonData(property: INodeProperties): INodeProperties[] {
	return [
		{ ...property, displayOptions: { show: V1 } },
		{ ...property, displayOptions: { show: { ...V2, dataMode: ['json'] } } },
	];
}

export function writeDataProperties(
	operation: MapperOperation,
	dataDescription: string,
): INodeProperties[] {
	const [dataV1, dataV2] = withJsonData(dataProperty(dataDescription));
	return [
		dataV1,
		{
			displayName: 'Data Mode',
			name: 'dataMode',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: V2 },
			options: [
				{
					name: 'Map Fields',
					value: 'map',
					description:
						'Pick the record type’s fields and give each a value, or map the input item’s keys automatically',
				},
				{
					name: 'JSON',
					value: 'json',
					description: 'Send a JSON object you prepared, e.g. in a Code node',
				},
			],
			default: 'map',
		},
		{
			displayName: 'References Are',
			name: 'references',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { ...V2, dataMode: ['map'] } },
			options: [
				{
					name: 'Natural Keys',
					value: 'naturalKey',
					description:
						'A reference is its record’s natural key as it is, e.g. FR for a country (#FR works too)',
				},
				{
					name: 'IDs',
					value: 'id',
					description:
						'A reference is its record’s _id, e.g. 599 (#FR still reads as a natural key)',
				},
			],
			default: 'naturalKey',
			description:
				'How referenced records (a customer’s country, an order’s customer) are written: a value of digits could be either',
		},
		{
			displayName: 'Fields to Send',
			name: 'columns',
			type: 'resourceMapper',
			noDataExpression: true,
			default: { mappingMode: 'defineBelow', value: null },
			required: true,
			displayOptions: { show: { ...V2, dataMode: ['map'] } },
			typeOptions: {
				loadOptionsDependsOn: ['recordType.value', 'operation', 'references'],
				resourceMapper: {
					resourceMapperMethod: 'getMappingFields',
					...MAPPER[operation],
					fieldWords: { singular: 'field', plural: 'fields' },
					addAllFields: true,
					multiKeyMatch: false,
					supportAutoMap: true,
					noFieldsError: 'This record type has no fields that can be written',
				},
			},
		},
		dataV2,
	];
}

export const ignoreUnknownKeysOption: INodeProperties = {
	displayName: 'Ignore Unknown Keys',
	name: 'ignoreUnknownKeys',
	type: 'boolean',
	default: false,
	displayOptions: { show: { '/dataMode': ['map'] } },
	description:
		'Whether input keys that are not fields of the record type are left out when fields are mapped automatically, instead of stopping the node',
};
