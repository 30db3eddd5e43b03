import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as deleteRecord from './delete.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as update from './update.operation';

export { create, deleteRecord as delete, get, getMany, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['record'] } },
		options: [
			{ name: 'Create', value: 'create', description: 'Create a record', action: 'Create a record' },
			{ name: 'Delete', value: 'delete', description: 'Delete a record', action: 'Delete a record' },
			{ name: 'Get', value: 'get', description: 'Get a record by ID or natural key', action: 'Get a record' },
			{ name: 'Get Many', value: 'getMany', description: 'Get records matching a filter', action: 'Get many records' },
			{ name: 'Update', value: 'update', description: 'Update a record', action: 'Update a record' },
		],
		default: 'getMany',
	},
	...get.description,
	...getMany.description,
	...create.description,
	...update.description,
	...deleteRecord.description,
];
