import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Diagnosis, GraphQLResult } from '../../../../sage-client/client';
import { buildMutationDocument, requireRecordType, type MutationDocument } from '../../../../sage-client/documents';
import { SageOutcomeUnknownError, SageResponseError, type GraphQLErrorEntry } from '../../../../sage-client/errors';
import type { RecordMutationKind } from '../../../../sage-client/schema';
import { describeItems } from '../common/diagnoses';
import { inputError, toNodeError } from '../../../shared/errors';
import { SageAnswerError, errorItem, isObject, recordItem, valueAt } from '../common/items';
import { stoppedError, type AppliedItem } from '../common/stopped';
import { readBatchSize, readJsonObject, readRecordType, readRequiredString, readString, readTimeout } from '../common/parameters';
import type { OperationContext, OperationExecute } from '../common/types';
import { RECOVERED_MARK, verifyLostAnswer } from './verify-lost';

/**
 * Create, update and delete, one record per input item, `batchSize` records per request.
 *
 * A batch is ONE GraphQL request holding one aliased mutation per item
 * (`m0: create(data: $d0) {...} m1: create(data: $d1) {...}`), so Sage applies each on its
 * own: one failing record does not stop the others of its batch. Each alias's result, or
 * the error whose path names it, goes to its own input item.
 *
 * Failure semantics:
 * - Every item's parameters are checked before the first request: bad input stops the
 *   node before anything is written (or, with Continue On Fail, becomes that item's error).
 * - With Continue On Fail, every item gets its own output: the record, or `{ error }`.
 * - Without it, the node stops after the first batch holding a failure, and its error
 *   names the first failed item and lists what this execution already wrote (items and
 *   `_id`s, also in the error's `context.applied`): the records already written in that
 *   batch and in earlier batches are not undone, and later batches are not sent.
 * - A request whose answer was lost after sending is never sent again (the transport
 *   refuses to). For create and delete, each of its records is looked up in Sage
 *   (verify-lost.ts): found created -> its output item, marked `_recoveredAfterLostAnswer`;
 *   verified not applied -> an error saying so (safe to run again); otherwise, and always
 *   for update, an error saying that Sage may or may not have applied it.
 * - A request that Sage refused as a whole before running it (e.g. a value of the wrong
 *   type in one item's data) applied nothing; the items it names fail, and the rest of the
 *   batch is sent again without them.
 */

interface PreparedItem {
	itemIndex: number;
	recordType: string;
	fields: string;
	/** The variable of this item's mutation: the data object, or the `_id` to delete. */
	input: unknown;
	id?: string;
	timeoutMs?: number;
}

type Outcome = { ok: true; item: INodeExecutionData; id?: string } | { ok: false; error: unknown };

const PAST: Record<RecordMutationKind, string> = { create: 'created', update: 'updated', delete: 'deleted' };

const ID_HINT = 'Give the record’s _id (e.g. 599) or its natural key after a # (e.g. #FR001).';

export async function runRecordMutations(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ session, diagnoses }: OperationContext,
	kind: RecordMutationKind,
): Promise<INodeExecutionData[]> {
	const node = this.getNode();
	const continueOnFail = this.continueOnFail();
	const outcomes = new Map<number, Outcome>();
	const documents = new Map<string, MutationDocument>();

	const documentFor = async (member: PreparedItem, count: number): Promise<MutationDocument> => {
		const key = `${member.recordType}\n${member.fields}\n${count}`;
		let document = documents.get(key);
		if (!document) {
			const schema = await session.schema(member.timeoutMs);
			document = buildMutationDocument(schema, requireRecordType(schema, member.recordType), kind, count, member.fields);
			documents.set(key, document);
		}
		return document;
	};

	// 1. Check every item before anything is written.
	let batchSize = 1;
	const prepared: PreparedItem[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			if (itemIndex === 0) batchSize = readBatchSize(this, 0);
			const member = prepareItem(this, kind, itemIndex);
			await documentFor(member, 1); // checks the record type and the fields against the schema
			prepared.push(member);
		} catch (error) {
			if (!continueOnFail) throw toNodeError(node, error, itemIndex);
			outcomes.set(itemIndex, { ok: false, error });
		}
	}

	// 2. Send batches of items that share a record type and fields.
	const applied: AppliedItem[] = [];
	for (const [batchNumber, batch] of batchesOf(prepared, batchSize).entries()) {
		const results = await sendBatch(batch);
		for (const [index, outcome] of results.entries()) {
			const { itemIndex } = batch[index];
			outcomes.set(itemIndex, outcome);
			if (outcome.ok) applied.push({ itemIndex, id: outcome.id });
		}
		const failed = batch.findIndex((_, index) => !results[index].ok);
		if (failed >= 0 && !continueOnFail) {
			const notSent = batchesOf(prepared, batchSize)
				.slice(batchNumber + 1)
				.flat()
				.map((member) => member.itemIndex);
			const otherFailures = batch.filter((_, index) => index > failed && !results[index].ok).map((member) => member.itemIndex);
			diagnoses.flush();
			throw stoppedError(
				node,
				{ itemIndex: batch[failed].itemIndex, error: (results[failed] as { error: unknown }).error },
				{ past: PAST[kind], applied, otherFailures, notSent },
			);
		}
	}

	diagnoses.flush();
	return items.map((_, itemIndex) => {
		const outcome = outcomes.get(itemIndex);
		if (outcome?.ok) return outcome.item;
		return errorItem(outcome?.error ?? new SageResponseError('This item was not processed.'), itemIndex);
	});

	async function sendBatch(batch: PreparedItem[]): Promise<Outcome[]> {
		const document = await documentFor(batch[0], batch.length);
		const variables: IDataObject = {};
		batch.forEach((member, index) => {
			variables[document.variableName(index)] = member.input as IDataObject;
		});
		let result: GraphQLResult;
		const sentAt = Date.now();
		try {
			result = await session.execute({
				query: document.text,
				operationName: document.operationName,
				variables,
				isMutation: true,
				timeoutMs: batch[0].timeoutMs,
			});
		} catch (error) {
			if (error instanceof SageOutcomeUnknownError && kind !== 'update') return await lostAnswer(batch, error, sentAt);
			return batch.map(() => ({ ok: false, error: batchFailure(error, batch) }));
		}

		if (!result.data && result.errors.length && result.errors.every((entry) => !entry.path?.length)) {
			return await refusedBatch(batch, result);
		}

		const container = valueAt(result.data, document.path);
		const ownErrors = new Map<string, GraphQLErrorEntry[]>();
		const generalErrors: GraphQLErrorEntry[] = [];
		for (const entry of result.errors) {
			const alias = aliasOf(entry.path, document);
			if (alias) ownErrors.set(alias, [...(ownErrors.get(alias) ?? []), rewritePath(entry, document, kind)]);
			else generalErrors.push(entry);
		}
		const ownDiagnoses = new Map<string, Diagnosis[]>();
		for (const diagnosis of result.diagnoses) {
			const alias = aliasOf(diagnosis.path, document);
			const rewritten = rewritePath(diagnosis, document, kind);
			if (alias) {
				ownDiagnoses.set(alias, [...(ownDiagnoses.get(alias) ?? []), rewritten]);
				diagnoses.note([rewritten], batch[document.aliases.indexOf(alias)].itemIndex);
			} else {
				for (const member of batch) diagnoses.note([rewritten], member.itemIndex);
			}
		}

		return batch.map((member, index): Outcome => {
			const alias = document.aliases[index];
			const value = isObject(container) ? container[alias] : undefined;
			const own = ownErrors.get(alias);
			const itemDiagnoses = ownDiagnoses.get(alias) ?? [];
			if (own) return { ok: false, error: new SageAnswerError(own, value ?? null, itemDiagnoses) };
			if (value !== null && value !== undefined) {
				if (kind === 'delete') {
					if (value === 0 || value === false) {
						return { ok: false, error: new SageResponseError(`Sage deleted no record for the ID "${member.id}".`) };
					}
					return { ok: true, item: recordItem({ _id: member.id, deleted: true }, member.itemIndex, itemDiagnoses), id: member.id };
				}
				const id = isObject(value) && typeof value._id === 'string' ? value._id : undefined;
				return { ok: true, item: recordItem(value, member.itemIndex, itemDiagnoses), id };
			}
			if (generalErrors.length) return { ok: false, error: new SageAnswerError(generalErrors, null, itemDiagnoses) };
			return { ok: false, error: new SageResponseError(`Sage answered without a result or an error for this record.`) };
		});
	}

	/** The answer was lost: each record is looked up in Sage, never sent again (see verify-lost.ts). */
	async function lostAnswer(batch: PreparedItem[], lost: SageOutcomeUnknownError, sentAt: number): Promise<Outcome[]> {
		const schema = await session.schema(batch[0].timeoutMs);
		const verdicts = await verifyLostAnswer({
			kind: kind as 'create' | 'delete',
			members: batch,
			lost,
			info: requireRecordType(schema, batch[0].recordType),
			fields: batch[0].fields,
			sentAt,
			session,
			timeoutMs: batch[0].timeoutMs,
		});
		return verdicts.map((verdict, index): Outcome =>
			verdict.applied
				? { ok: true, item: recordItem({ ...verdict.record, [RECOVERED_MARK]: true }, batch[index].itemIndex), id: verdict.id }
				: { ok: false, error: verdict.error },
		);
	}

	/**
	 * Sage refused the whole request before running it (no data, errors without a path):
	 * nothing was applied. Items named in the errors (`$d3`) fail; the others go again.
	 */
	async function refusedBatch(batch: PreparedItem[], result: GraphQLResult): Promise<Outcome[]> {
		const byIndex = new Map<number, GraphQLErrorEntry[]>();
		for (const entry of result.errors) {
			for (const match of String(entry.message).matchAll(/\$d(\d+)\b/g)) {
				const index = Number(match[1]);
				if (index < batch.length) byIndex.set(index, [...(byIndex.get(index) ?? []), entry]);
			}
		}
		const field = kind === 'delete' ? 'ID' : 'Data';
		// `Variable "$d3" got invalid value "x" at "d3.paymentTermDays"` -> `Data got invalid value "x" at "paymentTermDays"`
		const message = (entry: GraphQLErrorEntry) => ({
			...entry,
			message: String(entry.message)
				.replace(/Variable "\$d\d+"/g, field)
				.replace(/\$d\d+\b/g, field)
				.replace(/"d\d+\./g, '"'),
		});
		if (!byIndex.size || byIndex.size === batch.length) {
			return batch.map((member, index) => ({
				ok: false,
				error: new SageAnswerError((byIndex.get(index) ?? result.errors).map(message)),
			}));
		}
		const rest = batch.filter((_, index) => !byIndex.has(index));
		const restOutcomes = await sendBatch(rest);
		return batch.map((member, index) => {
			const own = byIndex.get(index);
			return own ? { ok: false, error: new SageAnswerError(own.map(message)) } : restOutcomes[rest.indexOf(member)];
		});
	}
}

/** Reads and checks one item's parameters; throws the input error naming the field. */
function prepareItem(context: IExecuteFunctions, kind: RecordMutationKind, itemIndex: number): PreparedItem {
	const recordType = readRecordType(context, itemIndex);
	const timeoutMs = readTimeout(context, itemIndex);
	if (kind === 'delete') {
		const id = readRequiredString(context, 'id', 'ID', itemIndex, ID_HINT);
		return { itemIndex, recordType, fields: '', input: id, id, timeoutMs };
	}
	const fields = readString(context, 'fields', itemIndex);
	const data = readJsonObject(context, 'data', 'Data', itemIndex, { emptyAllowed: false });
	if (kind === 'create') return { itemIndex, recordType, fields, input: data, timeoutMs };
	const id = readRequiredString(context, 'id', 'ID', itemIndex, ID_HINT);
	if (data._id !== undefined && data._id !== null && String(data._id) !== id) {
		throw inputError(context.getNode(), `Data has _id "${String(data._id)}" but ID is "${id}"`, itemIndex, 'Remove _id from Data: ID says which record to update.');
	}
	return { itemIndex, recordType, fields, input: { ...data, _id: id }, id, timeoutMs };
}

/** Consecutive items with the same record type and fields, at most `size` per batch. */
function batchesOf(prepared: PreparedItem[], size: number): PreparedItem[][] {
	const batches: PreparedItem[][] = [];
	for (const member of prepared) {
		const current = batches[batches.length - 1];
		if (current && current.length < size && current[0].recordType === member.recordType && current[0].fields === member.fields) {
			current.push(member);
		} else {
			batches.push([member]);
		}
	}
	return batches;
}

/** The alias (`m3`) a path goes through, when it is one of this document's. */
function aliasOf(path: Array<string | number> | undefined, document: MutationDocument): string | undefined {
	if (!path || path.length <= document.path.length) return undefined;
	if (!document.path.every((key, index) => path[index] === key)) return undefined;
	const alias = path[document.path.length];
	return typeof alias === 'string' && document.aliases.includes(alias) ? alias : undefined;
}

/** `pkg.node.m3.lines.0` -> `pkg.node.create.lines.0`: the user never wrote `m3`. */
function rewritePath<T extends { path?: Array<string | number> }>(entry: T, document: MutationDocument, kind: RecordMutationKind): T {
	if (!aliasOf(entry.path, document) || !entry.path) return entry;
	const path = [...entry.path];
	path[document.path.length] = kind;
	return { ...entry, path };
}

/** A transport failure of the whole request, told to each of its items. */
function batchFailure(error: unknown, batch: PreparedItem[]): unknown {
	if (error instanceof SageOutcomeUnknownError && batch.length > 1) {
		return new SageOutcomeUnknownError(
			`${error.message} The same request carried ${describeItems(batch.map((entry) => entry.itemIndex))}.`,
			{ hint: error.hint },
		);
	}
	return error;
}

/** The `execute` of Create, Update and Delete: they differ only in the mutation they send. */
export function mutationOperation(kind: RecordMutationKind): OperationExecute {
	return async function execute(this: IExecuteFunctions, items: INodeExecutionData[], context: OperationContext) {
		return await runRecordMutations.call(this, items, context, kind);
	};
}
