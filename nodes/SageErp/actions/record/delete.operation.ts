import type { INodeProperties } from 'n8n-workflow';

import {
	batchSizeOption,
	idProperty,
	recordTypeLocator,
	timeoutOption,
	optionsCollection,
} from '../../../shared/descriptions';
import { showFor } from '../common/items';
import { mutationOperation } from './write/mutate';

export const description: INodeProperties[] = showFor(
	'record',
	['delete'],
	[recordTypeLocator, idProperty, optionsCollection([batchSizeOption, timeoutOption])],
);

/** Deletes one record per input item; the output item is `{ "_id": "...", "deleted": true }`. */
export const execute = mutationOperation('delete');
