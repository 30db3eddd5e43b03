import type { INodeProperties } from 'n8n-workflow';

import {
	batchSizeOption,
	fieldsProperty,
	optionsCollection,
	recordTypeLocator,
	timeoutOption,
} from '../../../shared/descriptions';
import { ignoreUnknownKeysOption, writeDataProperties } from './mapper/properties';
import { showFor } from '../common/items';
import { returnFieldsProperties } from '../common/return-fields';
import { mutationOperation } from './write/mutate';
import { customDataOption } from '../../../shared/custom-data';

export const description: INodeProperties[] = showFor(
	'record',
	['create'],
	[
		recordTypeLocator,
		...writeDataProperties(
			'create',
			'The new record’s values as a JSON object. References are written as a natural key ("#FR001") or an _id; collections as lists of objects.',
		),
		{
			...fieldsProperty,
			description: `${fieldsProperty.description} These are the fields returned for the created record.`,
		},
		...returnFieldsProperties('These are the fields returned for the created record.'),
		optionsCollection([batchSizeOption, customDataOption, ignoreUnknownKeysOption, timeoutOption]),
	],
);

/** One new record per input item; the output item is the created record. */
export const execute = mutationOperation('create');
