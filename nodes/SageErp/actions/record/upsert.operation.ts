import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { buildUpsertDocument, requireRecordType } from '../../../../sage-client/documents';
import {
	batchSizeOption,
	fieldsProperty,
	optionsCollection,
	recordTypeLocator,
	timeoutOption,
} from '../../../shared/descriptions';
import { runBatches } from '../common/batches';
import { customDataOption } from '../../../shared/custom-data';
import { showFor } from '../common/items';
import { ignoreUnknownKeysOption, withJsonData, writeDataProperties } from './mapper/properties';
import { writeDataReader } from './mapper/read';
import { readRecordType } from '../common/parameters';
import { readReturnFields, returnFieldsProperties } from '../common/return-fields';
import type { OperationContext } from '../common/types';
import { readUpsertMember } from './write/upsert-member';
import { upsertBatch } from './write/upsert-rounds';

export const description: INodeProperties[] = showFor(
	'record',
	['upsert'],
	[
		recordTypeLocator,
		...writeDataProperties(
			'upsert',
			'The record’s values as a JSON object, with the value that finds it: its natural key (the ID, number or code field) or the Match On field. References are written as a natural key ("#EUR") or an _id.',
		),
		...withJsonData({
			displayName: 'Match On',
			name: 'matchOn',
			type: 'string',
			default: '',
			placeholder: 'e.g. email',
			description:
				'The field of Data that finds the existing record. Empty = the first of the ID, number and code fields that Data holds. Only a field Sage keeps unique (the natural key) is safe from two executions creating the same record at once.',
		}),
		{
			...fieldsProperty,
			description: `${fieldsProperty.description} These are the fields returned for the created or updated record.`,
		},
		...returnFieldsProperties('These are the fields returned for the created or updated record.'),
		optionsCollection([batchSizeOption, customDataOption, ignoreUnknownKeysOption, timeoutOption]),
	],
);

/**
 * One record per input item, created or updated (`_operation: "created" | "updated"`),
 * Batch Size records per request through the batch engine: each batch looked up by Match On
 * and written in one merged mutation (write/upsert-rounds.ts).
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ session, diagnoses }: OperationContext,
): Promise<INodeExecutionData[]> {
	const checked = new Set<string>();
	const reader = writeDataReader(this, session, 'upsert');
	return await runBatches(this, items, {
		past: 'created or updated',
		prepare: async (itemIndex, sending) => {
			const recordType = readRecordType(this, itemIndex);
			const fields = readReturnFields(this, itemIndex);
			const schema = await session.recordSchema(
				{ recordType, fields, mutation: true },
				sending.timeoutMs,
			);
			const info = requireRecordType(schema, recordType);
			const written = await reader.read(itemIndex, recordType, sending.timeoutMs);
			const member = readUpsertMember(this, itemIndex, sending, info, written);
			const key = `${recordType}\n${member.fields}`;
			if (!checked.has(key)) {
				buildUpsertDocument(schema, info, ['create', 'update'], member.fields); // checks Fields and both mutations
				checked.add(key);
			}
			return member;
		},
		sameRequest: (first, member) =>
			first.recordType === member.recordType &&
			first.fields === member.fields &&
			first.matchOn === member.matchOn,
		send: async (batch) => await upsertBatch(session, diagnoses, batch),
	});
}
