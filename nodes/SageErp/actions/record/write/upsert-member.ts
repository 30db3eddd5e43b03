import { getNamedType, isLeafType } from 'graphql';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { RecordTypeInfo } from '../../../../../sage-client/schema/schema';
import { inputError } from '../../../../shared/errors';
import type { BatchMember } from '../../common/batches';
import { readString } from '../../common/parameters';
import { readReturnFields } from '../../common/return-fields';
import { missingError, type WriteData } from '../mapper/read';
import type { MatchKey } from './upsert-lookup';

/** Data properties Match On uses when it is empty, the first one Data holds (see the operations README). */
const MATCH_ON_DEFAULTS = ['id', 'number', 'code'] as const;

/**
 * One item of Create or Update, read and checked before anything is sent: its values (Data,
 * or the field mapper's: ../mapper/read.ts), its Fields, and the field that finds its record
 * (Match On or the mapper's Find the Record By, or the natural key the values hold).
 */

export interface UpsertMember extends BatchMember {
	recordType: string;
	fields: string;
	/** The field the record is found by, and this item's value of it. */
	matchOn: string;
	key: MatchKey;
	data: IDataObject;
	/** Why this item cannot be created (required fields it leaves empty), should no record match. */
	createRefusal?: Error;
}

export function readUpsertMember(
	context: IExecuteFunctions,
	itemIndex: number,
	sending: { batchSize: number; timeoutMs?: number },
	info: RecordTypeInfo,
	written: WriteData,
): UpsertMember {
	const node = context.getNode();
	const { data, fields: recordFields, missingOnCreate } = written;
	const mapped = written.matchingColumns !== undefined;
	if (data._id !== undefined && data._id !== null) {
		throw inputError(
			node,
			`Data has _id "${String(data._id)}", but Create or Update finds the record by Match On`,
			itemIndex,
			'Remove _id from Data, or use Update to change a record by its _id.',
		);
	}
	const fields = readReturnFields(context, itemIndex);
	const chosen = mapped
		? (written.matchingColumns?.[0] ?? '')
		: readString(context, 'matchOn', itemIndex);
	const matchName = mapped ? 'Find the Record By' : 'Match On';
	if (mapped && !chosen)
		throw inputError(
			node,
			`Find the Record By is empty, and ${info.recordType} has no one-part natural key to find records by`,
			itemIndex,
			'Choose the field that identifies the record under Find the Record By in Fields to Send.',
		);
	const fieldsOfType = info.recordObject.getFields();
	const isKeyField = (name: string) =>
		name !== '_id' &&
		fieldsOfType[name] !== undefined &&
		isLeafType(getNamedType(fieldsOfType[name].type));
	const usable = (value: unknown): value is MatchKey =>
		(typeof value === 'string' && value.trim() !== '') ||
		(typeof value === 'number' && Number.isFinite(value));
	const base = {
		itemIndex,
		...sending,
		recordType: info.recordType,
		fields,
		data,
		...(recordFields && missingOnCreate?.length
			? { createRefusal: missingError(context, itemIndex, recordFields, missingOnCreate) }
			: {}),
	};
	if (chosen) {
		if (!isKeyField(chosen)) {
			throw inputError(
				node,
				`${matchName}: ${info.recordType} has no field "${chosen}" to match on`,
				itemIndex,
				'Set Match On to a scalar field of the record type (not _id), e.g. email; leave it empty to use id, number or code.',
			);
		}
		if (!usable(data[chosen]))
			throw inputError(
				node,
				`${mapped ? 'Fields to Send has' : 'Data has'} no value for "${chosen}", the ${matchName} field`,
				itemIndex,
				`Add "${chosen}" to ${mapped ? 'Fields to Send' : 'Data'}: it finds the record to update.`,
			);
		return { ...base, matchOn: chosen, key: data[chosen] as MatchKey };
	}
	const property = MATCH_ON_DEFAULTS.find(
		(name) => isKeyField(name) && typeof data[name] === 'string' && usable(data[name]),
	);
	if (!property) {
		throw inputError(
			node,
			`Data holds no natural key to match on (${MATCH_ON_DEFAULTS.join(', ')})`,
			itemIndex,
			'Add the record’s natural key to Data, or set Match On to the field that identifies the record.',
		);
	}
	return { ...base, matchOn: property, key: data[property] as string };
}
