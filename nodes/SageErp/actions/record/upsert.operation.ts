import { getNamedType, isLeafType } from 'graphql';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import {
	buildUpsertDocument,
	requireRecordType,
	type UpsertDocument,
} from '../../../../sage-client/documents';
import {
	SageAnswerError,
	SageOutcomeUnknownError,
	SageResponseError,
} from '../../../../sage-client/errors';
import type { RecordTypeInfo } from '../../../../sage-client/schema';
import {
	batchSizeOption,
	fieldsProperty,
	optionsCollection,
	recordTypeLocator,
	timeoutOption,
} from '../../../shared/descriptions';
import { inputError } from '../../../shared/errors';
import type { SageSession } from '../../../shared/session';
import {
	requestFailure,
	resendWithoutNamed,
	runBatches,
	type BatchMember,
	type Outcome,
} from '../common/batches';
import { customDataOption } from '../../../shared/custom-data';
import { ignoreUnknownKeysOption, withJsonData, writeDataProperties } from './mapper/properties';
import { missingError, writeDataReader, type WriteData } from './mapper/read';
import type { DiagnosisReport } from '../common/diagnoses';
import { recordItem, showFor } from '../common/items';
import { readRecordType, readString } from '../common/parameters';
import type { OperationContext } from '../common/types';
import { withLinesNamed } from './lines';
import { namedInRefusal, refusedAsAWhole, reword, splitAnswer } from './mutation-answers';
import { findByKey, type MatchKey } from './upsert-lookup';
import { NATURAL_KEY_PROPERTIES, RECOVERED_MARK, verifyLostAnswer } from './verify-lost';

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
		optionsCollection([batchSizeOption, customDataOption, ignoreUnknownKeysOption, timeoutOption]),
	],
);

interface UpsertMember extends BatchMember {
	recordType: string;
	fields: string;
	/** The field the record is found by, and this item's value of it. */
	matchOn: string;
	key: MatchKey;
	data: IDataObject;
	/** Why this item cannot be created (required fields it leaves empty), should no record match. */
	createRefusal?: Error;
}

/** A member on its way out: created, or updated as the record with `id`. */
interface Write {
	member: UpsertMember;
	kind: 'create' | 'update';
	id?: string;
}

/** Lookups and writes per batch: one of each, and one more of each for the records that appeared meanwhile. */
const MAX_ROUNDS = 3;

/**
 * One record per input item, created or updated (`_operation: "created" | "updated"`),
 * Batch Size records per request through the batch engine. A batch finds its records by
 * Match On in one query, then creates the missing ones and updates the others in one
 * mutation. A create that Sage refuses because the record already exists (another execution
 * created it since the lookup) is looked up again and becomes an update, so two executions
 * racing on one key never both create it.
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
			const fields = readString(this, 'fields', itemIndex);
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

function readUpsertMember(
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
	const fields = readString(context, 'fields', itemIndex);
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
	const property = NATURAL_KEY_PROPERTIES.find(
		(name) => isKeyField(name) && typeof data[name] === 'string' && usable(data[name]),
	);
	if (!property) {
		throw inputError(
			node,
			`Data holds no natural key to match on (${NATURAL_KEY_PROPERTIES.join(', ')})`,
			itemIndex,
			'Add the record’s natural key to Data, or set Match On to the field that identifies the record.',
		);
	}
	return { ...base, matchOn: property, key: data[property] as string };
}

/** Rounds of lookup and write until every member is written or has failed for good. */
async function upsertBatch(
	session: SageSession,
	diagnoses: DiagnosisReport,
	batch: UpsertMember[],
): Promise<Outcome[]> {
	const { recordType, matchOn, timeoutMs, fields } = batch[0];
	const schema = await session.recordSchema({ recordType, fields, mutation: true }, timeoutMs);
	const info = requireRecordType(schema, recordType);
	const outcomes = new Map<UpsertMember, Outcome>();
	let pending = batch;
	for (let round = 0; round < MAX_ROUNDS && pending.length; round++) {
		let found: Map<string, string[]>;
		try {
			found = await findByKey(session, diagnoses, info, matchOn, pending, timeoutMs);
		} catch (error) {
			for (const member of pending)
				outcomes.set(member, { ok: false, error: requestFailure(error, pending) });
			break;
		}
		const { writes, later } = planWrites(pending, found, outcomes);
		const written = writes.length ? await writeBatch(session, diagnoses, info, writes) : [];
		pending = later;
		written.forEach((outcome, index) => {
			const { member, kind } = writes[index];
			outcomes.set(member, outcome);
			if (
				!outcome.ok &&
				kind === 'create' &&
				alreadyExists(outcome.error) &&
				round + 1 < MAX_ROUNDS
			)
				pending.push(member);
		});
	}
	return batch.map(
		(member) =>
			outcomes.get(member) ?? {
				ok: false,
				error: new SageResponseError(
					'This record kept changing in Sage while it was being written; it was not written.',
				),
			},
	);
}

/**
 * Found: an update (more than one record holding the key fails: the key does not say which).
 * Not found: a create, once per key; another member with the same key waits for the next
 * round, to update the record the first one creates.
 */
function planWrites(
	pending: UpsertMember[],
	found: Map<string, string[]>,
	outcomes: Map<UpsertMember, Outcome>,
): { writes: Write[]; later: UpsertMember[] } {
	const writes: Write[] = [];
	const later: UpsertMember[] = [];
	const creating = new Set<string>();
	for (const member of pending) {
		const key = String(member.key);
		const ids = found.get(key) ?? [];
		if (ids.length > 1) {
			const error = new SageResponseError(
				`${ids.length} ${member.recordType} records have ${member.matchOn} "${key}" (_id ${ids.slice(0, 5).join(', ')}); Create or Update cannot tell which to update.`,
				{
					hint: 'Set Match On to a field that identifies one record, such as its natural key (id, number or code).',
				},
			);
			outcomes.set(member, { ok: false, error });
		} else if (ids.length === 1) writes.push({ member, kind: 'update', id: ids[0] });
		else if (creating.has(key)) later.push(member);
		else if (member.createRefusal) outcomes.set(member, { ok: false, error: member.createRefusal });
		else {
			creating.add(key);
			writes.push({ member, kind: 'create' });
		}
	}
	return { writes, later };
}

function alreadyExists(error: unknown): boolean {
	return (
		error instanceof SageAnswerError &&
		error.errors.some(
			(entry) =>
				/already exists?/i.test(String(entry.message)) ||
				entry.extensions?.code === 'duplicate-key',
		)
	);
}

const upsertDocuments = new WeakMap<RecordTypeInfo, Map<string, UpsertDocument>>();

/** The creates and updates of one round in ONE request; each alias's answer to its own member. */
async function writeBatch(
	session: SageSession,
	diagnoses: DiagnosisReport,
	info: RecordTypeInfo,
	writes: Write[],
): Promise<Outcome[]> {
	const { fields, timeoutMs } = writes[0].member;
	const kinds = writes.map((write) => write.kind);
	const cacheKey = `${fields}\n${kinds.join(',')}`;
	let byKinds = upsertDocuments.get(info);
	if (!byKinds) upsertDocuments.set(info, (byKinds = new Map()));
	const document =
		byKinds.get(cacheKey) ??
		buildUpsertDocument(
			await session.recordSchema(
				{ recordType: info.recordType, fields, mutation: true },
				timeoutMs,
			),
			info,
			kinds,
			fields,
		);
	byKinds.set(cacheKey, document);
	const inputs = writes.map((write) =>
		write.kind === 'create' ? write.member.data : updateInput(write),
	);
	const variables: IDataObject = {};
	inputs.forEach((input, index) => (variables[document.variableName(index)] = input));
	const members = writes.map((write) => write.member);
	const sentAt = Date.now();
	let result;
	try {
		result = await session.execute({
			query: document.text,
			operationName: document.operationName,
			variables,
			isMutation: true,
			timeoutMs,
		});
	} catch (error) {
		if (error instanceof SageOutcomeUnknownError)
			return await lostWrites(session, info, writes, error, sentAt);
		return writes.map(() => ({ ok: false, error: requestFailure(error, members) }));
	}
	if (!refusedAsAWhole(result))
		return marked(
			withLinesNamed(splitAnswer(result, document, kinds, members, diagnoses), inputs),
			kinds,
		);
	const refusal = result;
	const failure = (index: number, own: unknown): Outcome => {
		const error = new SageAnswerError(
			(own as typeof refusal.errors | undefined) ??
				refusal.errors.map((entry) => reword(entry, 'create')),
		);
		return withLinesNamed([{ ok: false, error }], [inputs[index]])[0];
	};
	return await resendWithoutNamed(
		writes,
		namedInRefusal(refusal, 'create', writes.length),
		failure,
		(rest) => writeBatch(session, diagnoses, info, rest),
	);
}

/**
 * An update's Data: the found `_id` in, the Match On value out. The record holds that value
 * already (it was found by it), and Sage may refuse to take a natural key in an update.
 */
function updateInput({ member, id }: Write): IDataObject {
	const { [member.matchOn]: _matched, ...rest } = member.data;
	void _matched;
	return { ...rest, _id: id };
}

/** `_operation` on each written record: what happened to it. */
function marked(outcomes: Outcome[], kinds: Array<'create' | 'update'>): Outcome[] {
	return outcomes.map((outcome, index) =>
		outcome.ok
			? {
					...outcome,
					items: outcome.items.map((item) => ({
						...item,
						json: { ...item.json, _operation: kinds[index] === 'create' ? 'created' : 'updated' },
					})),
				}
			: outcome,
	);
}

/** A lost answer: creates are looked up by their natural key (verify-lost.ts), updates stay unknown; nothing is sent again. */
async function lostWrites(
	session: SageSession,
	info: RecordTypeInfo,
	writes: Write[],
	lost: SageOutcomeUnknownError,
	sentAt: number,
): Promise<Outcome[]> {
	const creates = writes.filter((write) => write.kind === 'create');
	const { fields, timeoutMs } = writes[0].member;
	const members = creates.map((write) => ({
		itemIndex: write.member.itemIndex,
		input: write.member.data,
	}));
	const verdicts = creates.length
		? await verifyLostAnswer({
				kind: 'create',
				members,
				lost,
				info,
				fields,
				sentAt,
				session,
				timeoutMs,
			})
		: [];
	return writes.map((write): Outcome => {
		if (write.kind === 'update')
			return {
				ok: false,
				error: requestFailure(
					lost,
					writes.map((entry) => entry.member),
				),
			};
		const verdict = verdicts[creates.indexOf(write)];
		if (!verdict.applied) return { ok: false, error: verdict.error };
		return {
			ok: true,
			items: [
				recordItem(
					{ ...verdict.record, _operation: 'created', [RECOVERED_MARK]: true },
					write.member.itemIndex,
				),
			],
			id: verdict.id,
		};
	});
}
