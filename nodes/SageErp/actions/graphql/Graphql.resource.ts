import type { INodeProperties } from 'n8n-workflow';

import * as mutation from './mutation.operation';
import * as query from './query.operation';

export { mutation, query };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['graphql'] } },
		options: [
			{
				name: 'Query',
				value: 'query',
				description: 'Run a GraphQL query document',
				action: 'Run a query',
			},
			{
				name: 'Mutation',
				value: 'mutation',
				description: 'Run a GraphQL mutation document',
				action: 'Run a mutation',
			},
		],
		default: 'query',
	},
	...query.description,
	...mutation.description,
];
