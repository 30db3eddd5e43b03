import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { optionsCollection, timeoutOption } from '../../../shared/descriptions';
import { forEachItem, showFor } from '../common/items';
import { readTimeout } from '../common/parameters';
import type { OperationContext } from '../common/types';
import { argumentsProperties, readStartArguments } from './arguments';
import {
	argumentsProperty,
	asyncOperationLocator,
	PreparedOperations,
	readOperationName,
	startOperation,
} from './shared';

export const description: INodeProperties[] = showFor(
	'asyncOperation',
	['start'],
	[
		{
			...asyncOperationLocator,
			description:
				'The operation to start, as package.node.operation (e.g. xtremReporting.report.generateReportPdf), from the tenant’s schema',
		},
		...argumentsProperties(argumentsProperty),
		optionsCollection([timeoutOption]),
	],
);

/**
 * Starts one asynchronous operation per input item and outputs its tracking ID at once, for
 * work that outlasts one execution (or an n8n execution timeout): a later Get Status, after a
 * Wait node or on a schedule, reads how it went. One start mutation per item, never repeated:
 * an answer lost on the way is an error, not a second start.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ session, diagnoses }: OperationContext,
): Promise<INodeExecutionData[]> {
	const operations = new PreparedOperations(session);
	return await forEachItem(this, items, async (itemIndex, output) => {
		const name = readOperationName(this, itemIndex);
		const args: IDataObject = readStartArguments(this, itemIndex);
		const timeoutMs = readTimeout(this, itemIndex);
		const operation = await operations.get(name, '', timeoutMs);
		const trackingId = await startOperation(session, diagnoses, itemIndex, operation, {
			args,
			timeoutMs,
		});
		output.push({
			json: { asyncOperation: operation.info.name, trackingId },
			pairedItem: { item: itemIndex },
		});
	});
}
