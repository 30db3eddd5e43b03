import type { INodeProperties } from 'n8n-workflow';

import {
	batchSizeOption,
	fieldsProperty,
	idProperty,
	optionsCollection,
	recordTypeLocator,
	timeoutOption,
} from '../../../shared/descriptions';
import { ignoreUnknownKeysOption, withJsonData, writeDataProperties } from './mapper/properties';
import { showFor } from '../common/items';
import { returnFieldsProperties } from '../common/return-fields';
import { mutationOperation } from './write/mutate';
import { customDataOption } from '../../../shared/custom-data';

export const description: INodeProperties[] = showFor(
	'record',
	['update'],
	[
		recordTypeLocator,
		...withJsonData(idProperty),
		...writeDataProperties(
			'update',
			'The values to change, as a JSON object; fields left out keep their value. ID says which record; no _id is needed here.',
		),
		{
			...fieldsProperty,
			description: `${fieldsProperty.description} These are the fields returned for the updated record.`,
		},
		...returnFieldsProperties('These are the fields returned for the updated record.'),
		optionsCollection([batchSizeOption, customDataOption, ignoreUnknownKeysOption, timeoutOption]),
	],
);

/** Changes one record per input item; the output item is the updated record. */
export const execute = mutationOperation('update');
