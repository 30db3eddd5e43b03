import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import {
	buildBulkUpdateDocument,
	requireRecordType,
	type BuiltDocument,
} from '../../../../sage-client/documents';
import { SageAnswerError } from '../../../../sage-client/transport/errors';
import { optionsCollection, recordTypeLocator, timeoutOption } from '../../../shared/descriptions';
import { inputError } from '../../../shared/errors';
import type { SageSession } from '../../../shared/session';
import { runBatches, type BatchMember, type Outcome } from '../common/batches';
import { writeDataReader } from './mapper/read';
import { recordItem, showFor, valueAt } from '../common/items';
import { readRecordType } from '../common/parameters';
import { readFilterAndOrder, SentSyntax } from '../common/filter';
import { filterProperties, showSageSyntaxOption } from '../../../shared/filter-builder';
import { ignoreUnknownKeysOption, writeDataProperties } from './mapper/properties';
import type { OperationContext } from '../common/types';

export const description: INodeProperties[] = showFor(
	'record',
	['updateMany'],
	[
		recordTypeLocator,
		{
			displayName:
				'Sage applies Update Many as one transaction: when it fails, no record changes. Records that a business rule keeps from changing (a closed order, say) stay unchanged without any warning, and Sage does not say how many changed: check with Get Many.',
			name: 'updateManyNotice',
			type: 'notice',
			default: '',
		},
		...filterProperties(
			'Which records to update. Required: Update Many never changes every record by accident.',
			true,
		),
		...writeDataProperties(
			'updateMany',
			'The values every matching record gets, as a JSON object; fields left out keep their value. No _id: the filter says which records.',
		),
		optionsCollection([ignoreUnknownKeysOption, timeoutOption, showSageSyntaxOption]),
	],
);

interface UpdateManyMember extends BatchMember {
	recordType: string;
	filter: string;
	data: IDataObject;
}

/**
 * Sage's `bulkUpdate(filter, data)`, once per input item; the output item holds the filter
 * and Sage's answer (`{ filter, result: true }`). One request per item, through the batch
 * engine: without Continue On Fail the node stops at the first failure, saying which items
 * were already applied (each is its own transaction, not undone).
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ session, diagnoses }: OperationContext,
): Promise<INodeExecutionData[]> {
	const sent = new SentSyntax(this);
	const reader = writeDataReader(this, session, 'updateMany');
	const output = await runBatches<UpdateManyMember>(this, items, {
		past: 'applied',
		prepare: async (itemIndex, sending) => {
			const recordType = readRecordType(this, itemIndex);
			const { filter } = await readFilterAndOrder(
				this,
				itemIndex,
				{ session, recordType, timeoutMs: sending.timeoutMs },
				{ order: false },
			);
			if (filter === undefined) {
				throw inputError(
					this.getNode(),
					'Filter is empty',
					itemIndex,
					'Give at least one condition for the records to update: Update Many never changes every record.',
				);
			}
			sent.note(itemIndex, { filter });
			const { data } = await reader.read(itemIndex, recordType, sending.timeoutMs);
			if (data._id !== undefined)
				throw inputError(
					this.getNode(),
					'Data has _id, but Update Many changes the records its Filter matches',
					itemIndex,
					'Remove _id from Data.',
				);
			await bulkUpdateDocument(session, recordType, sending.timeoutMs); // the record type must offer bulkUpdate
			return { itemIndex, ...sending, recordType, filter, data };
		},
		sameRequest: () => false,
		send: async ([member]): Promise<Outcome[]> => {
			const document = await bulkUpdateDocument(session, member.recordType, member.timeoutMs);
			try {
				const variables = { filter: member.filter, data: member.data };
				const result = await session.execute({
					query: document.text,
					operationName: document.operationName,
					variables,
					isMutation: true,
					timeoutMs: member.timeoutMs,
				});
				diagnoses.note(result.diagnoses, member.itemIndex);
				if (result.errors.length) {
					const errors = result.errors.map((entry) => ({
						...entry,
						message: String(entry.message)
							.replace(/Variable "\$data"/g, 'Data')
							.replace(/"data\./g, '"'),
					}));
					return [{ ok: false, error: new SageAnswerError(errors, null, result.diagnoses) }];
				}
				const answer = valueAt(result.data, document.path) as IDataObject[keyof IDataObject];
				return [
					{
						ok: true,
						items: [
							recordItem(
								{ filter: member.filter, result: answer ?? null },
								member.itemIndex,
								result.diagnoses,
							),
						],
					},
				];
			} catch (error) {
				return [{ ok: false, error }];
			}
		},
	});
	sent.flush();
	return output;
}

/** The record type's bulkUpdate document, from the types its mutation needs. */
async function bulkUpdateDocument(
	session: SageSession,
	recordType: string,
	timeoutMs: number | undefined,
): Promise<BuiltDocument> {
	const schema = await session.recordSchema({ recordType, mutation: true }, timeoutMs);
	return buildBulkUpdateDocument(schema, requireRecordType(schema, recordType));
}
