import type { INodeProperties } from 'n8n-workflow';

import * as getStatus from './getStatus.operation';
import * as start from './start.operation';
import * as startAndWait from './startAndWait.operation';

export { getStatus, start, startAndWait };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['asyncOperation'] } },
		options: [
			{
				name: 'Get Status',
				value: 'getStatus',
				description:
					'Read how a started operation is doing by its tracking ID; once it succeeded, output its result and file',
				action: 'Get the status of an operation',
			},
			{
				name: 'Start',
				value: 'start',
				description:
					'Start a long-running operation and output its tracking ID at once, for a later Get Status',
				action: 'Start an operation',
			},
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
	...start.description,
	...getStatus.description,
];
