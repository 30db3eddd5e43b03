import type { INodeProperties } from 'n8n-workflow';

import * as aggregate from './aggregate.operation';
import * as create from './create.operation';
import * as deleteRecord from './delete.operation';
import * as describe from './describe.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as update from './update.operation';
import * as updateMany from './updateMany.operation';
import * as upsert from './upsert.operation';

export {
	aggregate,
	create,
	deleteRecord as delete,
	describe,
	get,
	getMany,
	update,
	updateMany,
	upsert,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['record'] } },
		options: [
			{
				name: 'Aggregate',
				value: 'aggregate',
				description: 'Compute sums, averages, counts, minimums and maximums, optionally per group',
				action: 'Aggregate records',
			},
			{
				name: 'Create',
				value: 'create',
				description: 'Create a record',
				action: 'Create a record',
			},
			{
				name: 'Create or Update',
				value: 'upsert',
				description: 'Create a new record, or update the current one if it already exists (upsert)',
				action: 'Create or update a record',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a record',
				action: 'Delete a record',
			},
			{
				name: 'Describe',
				value: 'describe',
				description:
					'List the record type’s fields: names, types, required ones, references and their keys, enum values',
				action: 'Describe a record type',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a record by ID or natural key',
				action: 'Get a record',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'Get records matching a filter',
				action: 'Get many records',
			},
			{
				name: 'Update',
				value: 'update',
				description: 'Update a record',
				action: 'Update a record',
			},
			{
				name: 'Update Many',
				value: 'updateMany',
				description: 'Update every record matching a filter, in one transaction',
				action: 'Update many records',
			},
		],
		default: 'getMany',
	},
	...get.description,
	...getMany.description,
	...create.description,
	...update.description,
	...deleteRecord.description,
	...upsert.description,
	...updateMany.description,
	...aggregate.description,
	...describe.description,
];
