import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import {
	buildReadDocument,
	requireRecordType,
	type BuiltDocument,
} from '../../../../sage-client/documents';
import { SageAnswerError, SageResponseError } from '../../../../sage-client/transport/errors';
import {
	fieldsProperty,
	idProperty,
	recordTypeLocator,
	timeoutOption,
	optionsCollection,
} from '../../../shared/descriptions';
import { forEachItem, recordItem, showFor, valueAt } from '../common/items';
import { readRecordType, readRequiredString, readTimeout } from '../common/parameters';
import { readReturnFields, returnFieldsProperties } from '../common/return-fields';
import type { OperationContext } from '../common/types';
import { customDataOption } from '../../../shared/custom-data';

export const description: INodeProperties[] = showFor(
	'record',
	['get'],
	[
		recordTypeLocator,
		idProperty,
		fieldsProperty,
		...returnFieldsProperties(),
		optionsCollection([customDataOption, timeoutOption]),
	],
);

/** One record per input item, read by `_id` or natural key. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ session, diagnoses }: OperationContext,
): Promise<INodeExecutionData[]> {
	const documents = new Map<string, BuiltDocument>();
	return await forEachItem(this, items, async (itemIndex, output) => {
		const recordType = readRecordType(this, itemIndex);
		const id = readRequiredString(
			this,
			'id',
			'ID',
			itemIndex,
			'Give the record’s _id (e.g. 599) or its natural key after a # (e.g. #FR001).',
		);
		const fields = readReturnFields(this, itemIndex);
		const timeoutMs = readTimeout(this, itemIndex);

		const key = `${recordType}\n${fields}`;
		const build = async (): Promise<BuiltDocument> => {
			const schema = await session.recordSchema({ recordType, fields }, timeoutMs);
			const built = buildReadDocument(schema, requireRecordType(schema, recordType), fields);
			documents.set(key, built);
			return built;
		};
		let document = documents.get(key) ?? (await build());
		const read = (sent: BuiltDocument) =>
			session.execute({
				query: sent.text,
				operationName: sent.operationName,
				variables: { id },
				isMutation: false,
				timeoutMs,
			});
		let result = await read(document);
		if (result.errors.length && (await session.schemaChanged(result.errors))) {
			documents.clear();
			document = await build();
			result = await read(document);
		}
		diagnoses.note(result.diagnoses, itemIndex);
		if (result.errors.length)
			throw new SageAnswerError(result.errors, result.data, result.diagnoses);
		const record = valueAt(result.data, document.path);
		if (record === null || record === undefined) {
			throw new SageResponseError(`No ${recordType} record has the ID "${id}".`, {
				hint: 'Check the _id, or the natural key after a # (e.g. #FR001); natural keys are case-sensitive.',
			});
		}
		output.push(recordItem(record, itemIndex, result.diagnoses));
	});
}
