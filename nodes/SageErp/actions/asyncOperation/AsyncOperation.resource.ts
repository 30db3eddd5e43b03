import type { INodeProperties } from 'n8n-workflow';

import * as startAndWait from './startAndWait.operation';

export { startAndWait };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['asyncOperation'] } },
		options: [
			{
				name: 'Start and Wait',
				value: 'startAndWait',
				description:
					'Start a long-running operation (e.g. a report PDF), wait until it is done, and output its result and file',
				action: 'Start an operation and wait for its result',
			},
		],
		default: 'startAndWait',
	},
	...startAndWait.description,
];
