import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { Diagnosis, GraphQLResult } from '../../../../sage-client/client';
import { mergeMutations, type CheckedOperation } from '../../../../sage-client/documents';
import { SageOutcomeUnknownError, type GraphQLErrorEntry } from '../../../../sage-client/errors';
import { batchSizeOption, timeoutOption, optionsCollection } from '../common/descriptions';
import { describeItems, diagnosesForItem } from '../common/diagnoses';
import { toNodeError } from '../../../shared/errors';
import { SageAnswerError, errorItem, isObject, showFor } from '../common/items';
import { readBatchSize, readTimeout } from '../common/parameters';
import { stoppedError, type AppliedItem } from '../common/stopped';
import type { OperationContext } from '../common/types';
import { documentProperties, outputProperties, readDocumentItem } from './shared';
import { splitRecords } from './split';

export const description: INodeProperties[] = showFor('graphql', ['mutation'], [
	...documentProperties('mutation'),
	...outputProperties('response'),
	optionsCollection([
			{
				...batchSizeOption,
				description:
					'How many input items to send in one request. Above 1, the items’ mutations are merged into one document (variables and top-level fields renamed per item); each item still gets its own output.',
			},
			timeoutOption,
		]),
]);

interface PreparedItem {
	itemIndex: number;
	checked: CheckedOperation;
	text: string;
	variables: IDataObject;
	outputMode: string;
	splitPath: string;
	timeoutMs?: number;
}

/** One member's share of an answer: its data, errors and warnings. */
interface MemberAnswer {
	data: IDataObject | null;
	errors: GraphQLErrorEntry[];
	diagnoses: Diagnosis[];
}

/** A failure may still have been applied: Sage ran the mutation, but its answer could not be split. */
type Outcome = { ok: true; items: INodeExecutionData[] } | { ok: false; error: unknown; applied?: boolean };

/**
 * Runs a user's mutation document once per input item, with that item's variables. With
 * Batch Size above 1, consecutive items go in one request: their operations are merged
 * (see `mergeMutations`), and each item gets back its own part of the answer and its own
 * errors. Failure semantics are those of the record mutations (see record/mutate.ts).
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ session, diagnoses }: OperationContext,
): Promise<INodeExecutionData[]> {
	const node = this.getNode();
	const continueOnFail = this.continueOnFail();
	const outcomes = new Map<number, Outcome>();
	const checkedDocuments = new Map<string, CheckedOperation>();

	let batchSize = 1;
	const prepared: PreparedItem[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			if (itemIndex === 0) batchSize = readBatchSize(this, 0);
			const { text, checked, variables, outputMode, splitPath } = readDocumentItem(this, itemIndex, 'mutation', checkedDocuments);
			prepared.push({ itemIndex, checked, text, variables, outputMode, splitPath, timeoutMs: readTimeout(this, itemIndex) });
		} catch (error) {
			if (!continueOnFail) throw toNodeError(node, error, itemIndex);
			outcomes.set(itemIndex, { ok: false, error });
		}
	}

	const batches: PreparedItem[][] = [];
	for (let start = 0; start < prepared.length; start += batchSize) batches.push(prepared.slice(start, start + batchSize));
	const applied: AppliedItem[] = [];
	for (const [batchNumber, batch] of batches.entries()) {
		const answers = await sendBatch(batch);
		const results = batch.map((member, index) => toOutcome(member, answers[index]));
		results.forEach((outcome, index) => {
			outcomes.set(batch[index].itemIndex, outcome);
			if (outcome.ok || outcome.applied) applied.push({ itemIndex: batch[index].itemIndex });
		});
		const failed = results.findIndex((outcome) => !outcome.ok);
		if (failed >= 0 && !continueOnFail) {
			diagnoses.flush();
			throw stoppedError(
				node,
				{ itemIndex: batch[failed].itemIndex, error: (results[failed] as { error: unknown }).error },
				{
					past: 'applied',
					applied,
					otherFailures: batch.filter((_, index) => index > failed && !results[index].ok).map((member) => member.itemIndex),
					notSent: batches.slice(batchNumber + 1).flat().map((member) => member.itemIndex),
				},
			);
		}
	}

	return items.flatMap((_, itemIndex) => {
		const outcome = outcomes.get(itemIndex);
		return outcome?.ok ? outcome.items : [errorItem(outcome?.error, itemIndex)];
	});

	function toOutcome(member: PreparedItem, answer: MemberAnswer | { error: unknown }): Outcome {
		if ('error' in answer) return { ok: false, error: answer.error };
		diagnoses.note(answer.diagnoses, member.itemIndex);
		if (answer.errors.length) return { ok: false, error: new SageAnswerError(answer.errors, answer.data, answer.diagnoses) };
		const data = answer.data ?? {};
		const pairedItem = { item: member.itemIndex };
		if (member.outputMode === 'response') {
			const json = answer.diagnoses.length ? { ...data, _diagnoses: diagnosesForItem(answer.diagnoses) } : data;
			return { ok: true, items: [{ json, pairedItem }] };
		}
		let records: IDataObject[];
		try {
			records = splitRecords(data, member.splitPath);
		} catch (error) {
			return { ok: false, error, applied: true };
		}
		return {
			ok: true,
			items: records.map((record, index) => ({
				json: index === 0 && answer.diagnoses.length && !diagnoses.hintsSupported ? { ...record, _diagnoses: diagnosesForItem(answer.diagnoses) } : record,
				pairedItem,
			})),
		};
	}

	/** Each member's answer, or the transport error that answered for the whole request. */
	async function sendBatch(batch: PreparedItem[]): Promise<Array<MemberAnswer | { error: unknown }>> {
		const merged = batch.length > 1 ? mergeMutations(batch.map(({ checked, variables }) => ({ checked, variables }))) : undefined;
		if (!merged) {
			// One request per item: the item's own document, exactly as written.
			const answers: Array<MemberAnswer | { error: unknown }> = [];
			for (const member of batch) {
				answers.push(await send({ query: member.text, operationName: member.checked.operationName, variables: member.variables }, member, [member]));
			}
			return answers;
		}
		const outcome = await send({ query: merged.text, operationName: merged.operationName, variables: merged.variables }, batch[0], batch);
		if ('error' in outcome) return batch.map(() => outcome);
		const { result } = outcome as { result: GraphQLResult };
		if (!result.data && result.errors.length && result.errors.every((entry) => !entry.path?.length)) {
			return await refusedBatch(batch, result);
		}
		return batch.map((_, index) => memberShare(result, merged.prefixes[index], index));
	}

	async function send(
		request: { query: string; operationName?: string; variables: Record<string, unknown> },
		first: PreparedItem,
		batch: PreparedItem[],
	): Promise<(MemberAnswer & { result: GraphQLResult }) | { error: unknown }> {
		try {
			const result = await session.execute({ ...request, isMutation: true, timeoutMs: first.timeoutMs });
			return { data: result.data as IDataObject | null, errors: result.errors, diagnoses: result.diagnoses, result };
		} catch (error) {
			if (error instanceof SageOutcomeUnknownError && batch.length > 1) {
				return {
					error: new SageOutcomeUnknownError(`${error.message} The same request carried ${describeItems(batch.map((entry) => entry.itemIndex))}.`, {
						hint: error.hint,
					}),
				};
			}
			return { error };
		}
	}

	/** Sage refused the merged request before running it: members named in the errors fail, the rest go again. */
	async function refusedBatch(batch: PreparedItem[], result: GraphQLResult): Promise<Array<MemberAnswer | { error: unknown }>> {
		const named = new Map<number, GraphQLErrorEntry[]>();
		for (const entry of result.errors) {
			for (const match of String(entry.message).matchAll(/\bv(\d+)_/g)) {
				const index = Number(match[1]);
				if (index < batch.length) named.set(index, [...(named.get(index) ?? []), unprefix(entry, index)]);
			}
		}
		if (!named.size || named.size === batch.length) {
			return batch.map((_, index) => ({ data: null, errors: named.get(index) ?? result.errors.map((entry) => unprefix(entry, index)), diagnoses: [] }));
		}
		const rest = batch.filter((_, index) => !named.has(index));
		const restAnswers = await sendBatch(rest);
		return batch.map((member, index) => named.get(index) ? { data: null, errors: named.get(index) ?? [], diagnoses: [] } : restAnswers[rest.indexOf(member)]);
	}
}

/** Member `index`'s part of a merged answer: keys `b3_x` become `x`, and errors and warnings under them follow. */
function memberShare(result: GraphQLResult, prefix: string, index: number): MemberAnswer {
	let data: IDataObject | null = null;
	if (isObject(result.data)) {
		data = {};
		for (const [key, value] of Object.entries(result.data)) {
			if (key.startsWith(prefix)) data[key.slice(prefix.length)] = value as IDataObject;
		}
	}
	const belongs = (path: Array<string | number> | undefined) => typeof path?.[0] === 'string' && path[0].startsWith(prefix);
	const errors = result.errors.filter((entry) => belongs(entry.path)).map((entry) => unprefix(entry, index));
	// An error without a path concerns the request; it is this member's when the member got nothing back.
	const gotNothing = !data || Object.values(data).every((value) => value === null);
	if (gotNothing) errors.push(...result.errors.filter((entry) => !entry.path?.length).map((entry) => unprefix(entry, index)));
	const diagnoses = result.diagnoses.filter((entry) => belongs(entry.path) || !entry.path?.length).map((entry) => unprefix(entry, index));
	return { data, errors, diagnoses };
}

/** Undoes the merge's renaming in a path and a message: `b3_xtremSales` -> `xtremSales`, `$v3_data` -> `$data`. */
function unprefix<T extends { path?: Array<string | number>; message?: unknown }>(entry: T, index: number): T {
	const prefix = `b${index}_`;
	const path = entry.path?.map((step, position) => (position === 0 && typeof step === 'string' && step.startsWith(prefix) ? step.slice(prefix.length) : step));
	const message = typeof entry.message === 'string' ? entry.message.replace(new RegExp(`\\b[vbf]${index}_`, 'g'), '') : entry.message;
	return { ...entry, path, message };
}
