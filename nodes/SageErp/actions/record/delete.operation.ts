import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { batchSizeOption, idProperty, recordTypeLocator, timeoutOption, optionsCollection } from '../common/descriptions';
import { showFor } from '../common/items';
import type { OperationContext } from '../common/types';
import { runRecordMutations } from './mutate';

export const description: INodeProperties[] = showFor('record', ['delete'], [
	recordTypeLocator,
	idProperty,
	optionsCollection([batchSizeOption, timeoutOption]),
]);

/** Deletes one record per input item; the output item is `{ "_id": "...", "deleted": true }`. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	context: OperationContext,
): Promise<INodeExecutionData[]> {
	return await runRecordMutations.call(this, items, context, 'delete');
}
