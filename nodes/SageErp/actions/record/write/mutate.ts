import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { GraphQLResult } from '../../../../../sage-client/transport/graphql';
import {
	buildMutationDocument,
	requireRecordType,
	type MutationDocument,
} from '../../../../../sage-client/documents';
import {
	SageAnswerError,
	SageOutcomeUnknownError,
} from '../../../../../sage-client/transport/errors';
import type { RecordMutationKind } from '../../../../../sage-client/schema/schema';
import type { SageSession } from '../../../../shared/session';
import { inputError } from '../../../../shared/errors';
import {
	requestFailure,
	resendWithoutNamed,
	runBatches,
	type BatchMember,
	type BatchPlan,
	type Outcome,
} from '../../common/batches';
import type { RequestBudget } from '../../../../../sage-client/transport/time-limit';
import { readRecordType, readRequiredString } from '../../common/parameters';
import { readReturnFields } from '../../common/return-fields';
import type { OperationContext, OperationExecute } from '../../common/types';
import { namedInRefusal, refusedAsAWhole, reword, splitAnswer } from './mutation-answers';
import { verdictOutcome, verifyLostAnswer } from './verify-lost';
import { withLinesNamed } from './lines';
import { writeDataReader } from '../mapper/read';

/**
 * Create, update and delete, one record per input item, Batch Size records per request,
 * through the batch engine (common/batches.ts): one aliased mutation per item in one
 * request, a lost answer looked up (verify-lost.ts), a refused request sent again without
 * the items it names; when Sage stopped a create or delete batch at its 28-second limit,
 * the records the lookup shows it had not applied go again in smaller requests. What that
 * promises the user: ../../README.md ("Batches").
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
			const schema = await session.recordSchema(
				{ recordType: member.recordType, fields: member.fields, mutation: true },
				member.timeoutMs,
			);
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
	const reader = kind === 'delete' ? undefined : writeDataReader(context, session, kind);
	const sending: Sending = {
		session,
		kind,
		diagnoses,
		documentFor,
		forget: () => documents.clear(),
		credited: new Set(),
	};
	return {
		past: PAST[kind],
		prepare: async (itemIndex, options) => {
			const written =
				reader &&
				(await reader.forMutation(
					itemIndex,
					readRecordType(context, itemIndex),
					options.timeoutMs,
				));
			const member = readMember(context, kind, itemIndex, options, written);
			await documentFor(member, 1); // checks the record type and the fields against the schema
			return member;
		},
		sameRequest: (first, member) =>
			first.recordType === member.recordType && first.fields === member.fields,
		send: async (batch, budget) => {
			const outcomes = await sendBatch(sending, batch, budget, false);
			for (const outcome of outcomes)
				if (outcome.ok && outcome.id) sending.credited.add(outcome.id);
			return outcomes;
		},
	};
}

/** Each member's Data (or ID), for naming the lines errors are about. */
const inputsOf = (batch: RecordMember[]): unknown[] => batch.map((member) => member.input);

interface Sending {
	session: SageSession;
	kind: RecordMutationKind;
	diagnoses: OperationContext['diagnoses'];
	documentFor(member: RecordMember, count: number): Promise<MutationDocument>;
	/** Drops the documents built so far (Sage's schema changed). */
	forget(): void;
	/** The `_id`s this execution reported as written: a lost answer's lookup credits none twice. */
	credited: Set<string>;
}

/** One request for the batch, and what its answer, its loss or its refusal means for each member. */
async function sendBatch(
	sending: Sending,
	batch: RecordMember[],
	budget: RequestBudget,
	rebuilt: boolean,
): Promise<Outcome[]> {
	const { session, kind } = sending;
	let document: MutationDocument;
	try {
		document = await sending.documentFor(batch[0], batch.length);
	} catch (error) {
		return batch.map(() => ({ ok: false, error })); // after a release, Fields may name a field that is gone
	}
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
		if (!(error instanceof SageOutcomeUnknownError) || kind === 'update')
			return batch.map(() => ({ ok: false, error: requestFailure(error, batch) }));
		const outcomes = await lostAnswer(sending, kind, batch, error, sentAt);
		return error.timeLimit ? await sendAgainSmaller(sending, batch, outcomes, budget) : outcomes;
	}
	// Refused before running (a release changed the schema): nothing was applied, so it is built again and sent once more.
	if (!rebuilt && result.errors.length && (await session.schemaChanged(result.errors))) {
		sending.forget();
		return await sendBatch(sending, batch, budget, true);
	}
	if (!refusedAsAWhole(result))
		return withLinesNamed(
			splitAnswer(result, document, kind, batch, sending.diagnoses),
			inputsOf(batch),
		);
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
		(rest) => sendBatch(sending, rest, budget, rebuilt),
	);
}

/**
 * Sage stopped the batch at its time limit and the lookup found which records it had not
 * created (or deleted) yet: those, and only those, go again in smaller requests. A single
 * record that hit the limit is not sent again: a smaller request cannot help it.
 */
async function sendAgainSmaller(
	sending: Sending,
	batch: RecordMember[],
	outcomes: Outcome[],
	budget: RequestBudget,
): Promise<Outcome[]> {
	budget.hitLimit(batch.length);
	const again = batch.filter(
		(_, index) => !outcomes[index].ok && (outcomes[index] as { notApplied?: boolean }).notApplied,
	);
	if (batch.length === 1 || !again.length) return outcomes;
	const resent = new Map<RecordMember, Outcome>();
	for (let start = 0; start < again.length;) {
		const chunk = again.slice(start, start + budget.size(again.length - start));
		start += chunk.length;
		const chunkOutcomes = await sendBatch(sending, chunk, budget, false);
		chunk.forEach((member, index) => resent.set(member, chunkOutcomes[index]));
	}
	return batch.map((member, index) => resent.get(member) ?? outcomes[index]);
}

/** The answer was lost: each record is looked up in Sage, never sent again (see verify-lost.ts). */
async function lostAnswer(
	{ session, credited }: Sending,
	kind: 'create' | 'delete',
	batch: RecordMember[],
	lost: SageOutcomeUnknownError,
	sentAt: number,
): Promise<Outcome[]> {
	const { timeoutMs, recordType, fields } = batch[0];
	const schema = await session.recordSchema({ recordType, fields, mutation: true }, timeoutMs);
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
		credited: kind === 'create' ? credited : undefined,
	});
	return verdicts.map((verdict, index) => verdictOutcome(verdict, batch[index].itemIndex));
}

/** Reads and checks one item's parameters; throws the input error naming the field. */
function readMember(
	context: IExecuteFunctions,
	kind: RecordMutationKind,
	itemIndex: number,
	sending: { batchSize: number; timeoutMs?: number },
	written?: { data: IDataObject; id?: string },
): RecordMember {
	const base = { itemIndex, ...sending, recordType: readRecordType(context, itemIndex) };
	if (kind === 'delete') {
		const id = readRequiredString(context, 'id', 'ID', itemIndex, ID_HINT);
		return { ...base, fields: '', input: id, id };
	}
	const fields = readReturnFields(context, itemIndex);
	const data = written?.data ?? {};
	if (kind === 'create') return { ...base, fields, input: data };
	const id = written?.id ?? readRequiredString(context, 'id', 'ID', itemIndex, ID_HINT);
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
