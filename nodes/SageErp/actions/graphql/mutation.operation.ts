import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import type { Diagnosis, GraphQLResult } from '../../../../sage-client/transport/graphql';
import { mergeMutations, type CheckedOperation } from '../../../../sage-client/documents';
import type { GraphQLErrorEntry } from '../../../../sage-client/transport/graphql';
import {
	requestFailure,
	resendWithoutNamed,
	runBatches,
	type BatchMember,
	type BatchPlan,
	type Outcome,
} from '../common/batches';
import { batchSizeOption, timeoutOption, optionsCollection } from '../../../shared/descriptions';
import { diagnosesForItem, type DiagnosisReport } from '../common/diagnoses';
import { isObject, showFor } from '../common/items';
import type { OperationContext } from '../common/types';
import { refusedAsAWhole } from '../record/write/mutation-answers';
import { documentProperties, outputProperties, readDocumentItem } from './shared';
import { splitRecords } from './split';
import { SageAnswerError } from '../../../../sage-client/transport/errors';

export const description: INodeProperties[] = showFor(
	'graphql',
	['mutation'],
	[
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
	],
);

interface MutationMember extends BatchMember {
	checked: CheckedOperation;
	text: string;
	variables: IDataObject;
	outputMode: string;
	splitPath: string;
}

/** One member's share of an answer: its data, errors and warnings. */
interface MemberAnswer {
	data: IDataObject | null;
	errors: GraphQLErrorEntry[];
	diagnoses: Diagnosis[];
}

/** What a member got: its share of the answer, the failure of the whole request, or (re-sent) its outcome. */
type Share = MemberAnswer | { error: unknown } | { outcome: Outcome };

/**
 * Runs a user's mutation document once per input item, with that item's variables, through
 * the batch engine (common/batches.ts). With Batch Size above 1, consecutive items go in one
 * request: their operations are merged (see `mergeMutations`), and each item gets back its
 * own part of the answer and its own errors. A lost answer is never sent again; a merged
 * request refused as a whole is sent again without the members it names.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	context: OperationContext,
): Promise<INodeExecutionData[]> {
	return await runBatches(this, items, mutationPlan(this, context));
}

function mutationPlan(
	context: IExecuteFunctions,
	{ session, diagnoses }: OperationContext,
): BatchPlan<MutationMember> {
	const checkedDocuments = new Map<string, CheckedOperation>();
	const request = sendMutation(session);
	const answers = async (batch: MutationMember[]): Promise<Share[]> => {
		const merged =
			batch.length > 1
				? mergeMutations(batch.map(({ checked, variables }) => ({ checked, variables })))
				: undefined;
		if (!merged) return await sendEach(request, batch);
		const sent = await request(
			{ query: merged.text, operationName: merged.operationName, variables: merged.variables },
			batch,
		);
		if (!sent.result) return batch.map(() => ({ error: sent.error }));
		const { result } = sent;
		if (refusedAsAWhole(result)) {
			const failure = (index: number, own: unknown): Outcome => ({
				ok: false,
				error: new SageAnswerError(
					(own as GraphQLErrorEntry[] | undefined) ??
						result.errors.map((entry) => unprefix(entry, index)),
				),
			});
			const outcomes = await resendWithoutNamed(
				batch,
				namedMembers(result, batch.length),
				failure,
				async (rest) => await send(rest),
			);
			return outcomes.map((outcome) => ({ outcome }));
		}
		return batch.map((_, index) => memberShare(result, merged.prefixes[index], index));
	};
	const send = async (batch: MutationMember[]): Promise<Outcome[]> => {
		const shares = await answers(batch);
		return batch.map((member, index) => {
			const share = shares[index];
			return 'outcome' in share ? share.outcome : toOutcome(member, share, diagnoses);
		});
	};
	return {
		past: 'applied',
		prepare: async (itemIndex, sending) => {
			const { text, checked, variables, outputMode, splitPath } = readDocumentItem(
				context,
				itemIndex,
				'mutation',
				checkedDocuments,
			);
			return { itemIndex, ...sending, checked, text, variables, outputMode, splitPath };
		},
		sameRequest: () => true,
		send,
	};
}

type SendMutation = (
	query: { query: string; operationName?: string; variables: Record<string, unknown> },
	batch: MutationMember[],
) => Promise<{ result: GraphQLResult; error?: undefined } | { result?: undefined; error: unknown }>;

/** One mutation request for a batch: its result, or the failure told to each of its members. */
function sendMutation(session: OperationContext['session']): SendMutation {
	return async (query, batch) => {
		try {
			const result = await session.execute({
				...query,
				isMutation: true,
				timeoutMs: batch[0].timeoutMs,
			});
			return { result };
		} catch (error) {
			return { error: requestFailure(error, batch) };
		}
	};
}

/** One request per item: the item's own document, exactly as written. */
async function sendEach(request: SendMutation, batch: MutationMember[]): Promise<Share[]> {
	const own: Share[] = [];
	for (const member of batch) {
		const { text, checked, variables } = member;
		const sent = await request({ query: text, operationName: checked.operationName, variables }, [
			member,
		]);
		own.push(sent.result ? wholeAnswer(sent.result) : { error: sent.error });
	}
	return own;
}

function wholeAnswer(result: GraphQLResult): MemberAnswer {
	return {
		data: result.data as IDataObject | null,
		errors: result.errors,
		diagnoses: result.diagnoses,
	};
}

/** The members a refused merged request names (`$v3_data`, `b3_xtrem...`), with their errors unprefixed. */
function namedMembers(result: GraphQLResult, size: number): Map<number, GraphQLErrorEntry[]> {
	const named = new Map<number, GraphQLErrorEntry[]>();
	for (const entry of result.errors) {
		for (const match of String(entry.message).matchAll(/\bv(\d+)_/g)) {
			const index = Number(match[1]);
			if (index < size) named.set(index, [...(named.get(index) ?? []), unprefix(entry, index)]);
		}
	}
	return named;
}

/** A member's answer as its output items: the whole response, or the records split from it. */
function toOutcome(
	member: MutationMember,
	answer: MemberAnswer | { error: unknown },
	diagnoses: DiagnosisReport,
): Outcome {
	if ('error' in answer) return { ok: false, error: answer.error };
	diagnoses.note(answer.diagnoses, member.itemIndex);
	if (answer.errors.length)
		return { ok: false, error: new SageAnswerError(answer.errors, answer.data, answer.diagnoses) };
	const data = answer.data ?? {};
	const pairedItem = { item: member.itemIndex };
	if (member.outputMode === 'response') {
		const json = answer.diagnoses.length
			? { ...data, _diagnoses: diagnosesForItem(answer.diagnoses) }
			: data;
		return { ok: true, items: [{ json, pairedItem }] };
	}
	let records: IDataObject[];
	try {
		records = splitRecords(data, member.splitPath);
	} catch (error) {
		return { ok: false, error, applied: true };
	}
	const marked = answer.diagnoses.length && !diagnoses.hintsSupported;
	return {
		ok: true,
		items: records.map((record, index) => ({
			json:
				index === 0 && marked
					? { ...record, _diagnoses: diagnosesForItem(answer.diagnoses) }
					: record,
			pairedItem,
		})),
	};
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
	const belongs = (path: Array<string | number> | undefined) =>
		typeof path?.[0] === 'string' && path[0].startsWith(prefix);
	const errors = result.errors
		.filter((entry) => belongs(entry.path))
		.map((entry) => unprefix(entry, index));
	// An error without a path concerns the request; it is this member's when the member got nothing back.
	const gotNothing = !data || Object.values(data).every((value) => value === null);
	if (gotNothing)
		errors.push(
			...result.errors
				.filter((entry) => !entry.path?.length)
				.map((entry) => unprefix(entry, index)),
		);
	const diagnoses = result.diagnoses
		.filter((entry) => belongs(entry.path) || !entry.path?.length)
		.map((entry) => unprefix(entry, index));
	return { data, errors, diagnoses };
}

/** Undoes the merge's renaming in a path and a message: `b3_xtremSales` -> `xtremSales`, `$v3_data` -> `$data`. */
function unprefix<T extends { path?: Array<string | number>; message?: unknown }>(
	entry: T,
	index: number,
): T {
	const prefix = `b${index}_`;
	const path = entry.path?.map((step, position) =>
		position === 0 && typeof step === 'string' && step.startsWith(prefix)
			? step.slice(prefix.length)
			: step,
	);
	const message =
		typeof entry.message === 'string'
			? entry.message.replace(new RegExp(`\\b[vbf]${index}_`, 'g'), '')
			: entry.message;
	return { ...entry, path, message };
}
