import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { GraphQLResult } from '../../../../sage-client/client';
import {
	buildMutationDocument,
	requireRecordType,
	type MutationDocument,
} from '../../../../sage-client/documents';
import { SageAnswerError, SageOutcomeUnknownError } from '../../../../sage-client/errors';
import type { RecordMutationKind } from '../../../../sage-client/schema';
import type { SageSession } from '../../../shared/session';
import { inputError } from '../../../shared/errors';
import {
	requestFailure,
	resendWithoutNamed,
	runBatches,
	type BatchMember,
	type BatchPlan,
	type Outcome,
} from '../common/batches';
import { recordItem } from '../common/items';
import {
	readJsonObject,
	readRecordType,
	readRequiredString,
	readString,
} from '../common/parameters';
import type { OperationContext, OperationExecute } from '../common/types';
import { namedInRefusal, refusedAsAWhole, reword, splitAnswer } from './mutation-answers';
import { RECOVERED_MARK, verifyLostAnswer } from './verify-lost';
import { withLinesNamed } from './lines';
import { customDataInput } from '../common/custom-data';

/**
 * Create, update and delete, one record per input item, Batch Size records per request,
 * through the batch engine (common/batches.ts): one aliased mutation per item in one
 * request, a lost answer looked up (verify-lost.ts), a refused request sent again without
 * the items it names. What that promises the user: ../README.md ("Batches").
 */
interface RecordMember extends BatchMember {
	recordType: string;
	fields: string;
	/** The variable of this item's mutation: the data object, or the `_id` to delete. */
	input: unknown;
	id?: string;
}

const PAST: Record<RecordMutationKind, string> = {
	create: 'created',
	update: 'updated',
	delete: 'deleted',
};

const ID_HINT = 'Give the record’s _id (e.g. 599) or its natural key after a # (e.g. #FR001).';

/** The `execute` of Create, Update and Delete: they differ only in the mutation they send. */
export function mutationOperation(kind: RecordMutationKind): OperationExecute {
	return async function execute(
		this: IExecuteFunctions,
		items: INodeExecutionData[],
		context: OperationContext,
	) {
		return await runBatches(this, items, recordMutationPlan(this, kind, context));
	};
}

function recordMutationPlan(
	context: IExecuteFunctions,
	kind: RecordMutationKind,
	{ session, diagnoses }: OperationContext,
): BatchPlan<RecordMember> {
	const documents = new Map<string, MutationDocument>();
	const documentFor = async (member: RecordMember, count: number): Promise<MutationDocument> => {
		const key = `${member.recordType}\n${member.fields}\n${count}`;
		let document = documents.get(key);
		if (!document) {
			const schema = await session.schema(member.timeoutMs);
			document = buildMutationDocument(
				schema,
				requireRecordType(schema, member.recordType),
				kind,
				count,
				member.fields,
			);
			documents.set(key, document);
		}
		return document;
	};
	const send = async (batch: RecordMember[]): Promise<Outcome[]> => {
		const document = await documentFor(batch[0], batch.length);
		const variables: IDataObject = {};
		batch.forEach((member, index) => {
			variables[document.variableName(index)] = member.input as IDataObject;
		});
		const sentAt = Date.now();
		let result: GraphQLResult;
		try {
			const request = {
				query: document.text,
				operationName: document.operationName,
				variables,
				isMutation: true,
			};
			result = await session.execute({ ...request, timeoutMs: batch[0].timeoutMs });
		} catch (error) {
			if (error instanceof SageOutcomeUnknownError && kind !== 'update')
				return await lostAnswer(session, kind, batch, error, sentAt);
			return batch.map(() => ({ ok: false, error: requestFailure(error, batch) }));
		}
		if (!refusedAsAWhole(result))
			return withLinesNamed(splitAnswer(result, document, kind, batch, diagnoses), inputsOf(batch));
		const failure = (index: number, own: unknown): Outcome => {
			const error = new SageAnswerError(
				(own as typeof result.errors | undefined) ??
					result.errors.map((entry) => reword(entry, kind)),
			);
			return withLinesNamed([{ ok: false, error }], [batch[index].input])[0];
		};
		return await resendWithoutNamed(
			batch,
			namedInRefusal(result, kind, batch.length),
			failure,
			send,
		);
	};
	return {
		past: PAST[kind],
		prepare: async (itemIndex, sending) => {
			const member = readMember(context, kind, itemIndex, sending);
			await documentFor(member, 1); // checks the record type and the fields against the schema
			return member;
		},
		sameRequest: (first, member) =>
			first.recordType === member.recordType && first.fields === member.fields,
		send,
	};
}

/** Each member's Data (or ID), for naming the lines errors are about. */
const inputsOf = (batch: RecordMember[]): unknown[] => batch.map((member) => member.input);

/** The answer was lost: each record is looked up in Sage, never sent again (see verify-lost.ts). */
async function lostAnswer(
	session: SageSession,
	kind: 'create' | 'delete',
	batch: RecordMember[],
	lost: SageOutcomeUnknownError,
	sentAt: number,
): Promise<Outcome[]> {
	const { timeoutMs, recordType, fields } = batch[0];
	const schema = await session.schema(timeoutMs);
	const info = requireRecordType(schema, recordType);
	const verdicts = await verifyLostAnswer({
		kind,
		members: batch,
		lost,
		info,
		fields,
		sentAt,
		session,
		timeoutMs,
	});
	return verdicts.map((verdict, index): Outcome =>
		verdict.applied
			? {
					ok: true,
					items: [
						recordItem({ ...verdict.record, [RECOVERED_MARK]: true }, batch[index].itemIndex),
					],
					id: verdict.id,
				}
			: { ok: false, error: verdict.error },
	);
}

/** Reads and checks one item's parameters; throws the input error naming the field. */
function readMember(
	context: IExecuteFunctions,
	kind: RecordMutationKind,
	itemIndex: number,
	sending: { batchSize: number; timeoutMs?: number },
): RecordMember {
	const base = { itemIndex, ...sending, recordType: readRecordType(context, itemIndex) };
	if (kind === 'delete') {
		const id = readRequiredString(context, 'id', 'ID', itemIndex, ID_HINT);
		return { ...base, fields: '', input: id, id };
	}
	const fields = readString(context, 'fields', itemIndex);
	const data = customDataInput(
		context,
		readJsonObject(context, 'data', 'Data', itemIndex, { emptyAllowed: false }),
		itemIndex,
	);
	if (kind === 'create') return { ...base, fields, input: data };
	const id = readRequiredString(context, 'id', 'ID', itemIndex, ID_HINT);
	if (data._id !== undefined && data._id !== null && String(data._id) !== id) {
		throw inputError(
			context.getNode(),
			`Data has _id "${String(data._id)}" but ID is "${id}"`,
			itemIndex,
			'Remove _id from Data: ID says which record to update.',
		);
	}
	return { ...base, fields, input: { ...data, _id: id }, id };
}
