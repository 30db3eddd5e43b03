import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import {
	SageOutcomeUnknownError,
	SageResponseError,
} from '../../../../sage-client/transport/errors';
import { RequestBudget, isTimeLimitError } from '../../../../sage-client/transport/time-limit';
import { toNodeError } from '../../../shared/errors';
import { describeItems } from './diagnoses';
import { errorItem } from './items';
import { readBatchSize, readTimeout } from './parameters';
import { stoppedError, type AppliedItem } from './stopped';

/**
 * The one batch engine of every writing operation, so that they all keep the promises of
 * ../README.md ("Batches", written there once) the same way. An operation says how to read
 * an item, which items may share a request, and how to send a batch and split its answer;
 * the engine reads every item first, groups them, sizes each batch inside Sage's time limit
 * (RequestBudget), and stops or goes on after a failure. What a lost answer or a refused
 * request means for each item is the operation's to say.
 */
export interface BatchMember {
	itemIndex: number;
	batchSize: number;
	timeoutMs?: number;
}

/**
 * `applied`: Sage ran it although the item failed (its answer could not be used);
 * `notApplied`: a lookup showed that Sage did not apply it, so it may be sent again.
 */
export type Outcome =
	| { ok: true; items: INodeExecutionData[]; id?: string }
	| { ok: false; error: unknown; applied?: boolean; notApplied?: boolean };

export interface BatchPlan<M extends BatchMember> {
	/** "created", "applied": what the stop error says was done. */
	past: string;
	/** Reads and checks one item's parameters (Batch Size and Timeout are read by the engine). */
	prepare(itemIndex: number, sending: { batchSize: number; timeoutMs?: number }): Promise<M>;
	/** Whether `member` may join a request that `first` opened, besides Batch Size and Timeout. */
	sameRequest(first: M, member: M): boolean;
	/** One outcome per member, in order; `budget` sizes what the plan sends again itself. */
	send(batch: M[], budget: RequestBudget): Promise<Outcome[]>;
}

export async function runBatches<M extends BatchMember>(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	plan: BatchPlan<M>,
): Promise<INodeExecutionData[]> {
	const node = context.getNode();
	const continueOnFail = context.continueOnFail();
	const outcomes = new Map<number, Outcome>();
	const prepared: M[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const sending = {
				batchSize: readBatchSize(context, itemIndex),
				timeoutMs: readTimeout(context, itemIndex),
			};
			prepared.push(await plan.prepare(itemIndex, sending));
		} catch (error) {
			if (!continueOnFail) throw toNodeError(node, error, itemIndex);
			outcomes.set(itemIndex, { ok: false, error });
		}
	}

	const applied: AppliedItem[] = [];
	const budget = new RequestBudget();
	for (let next = 0; next < prepared.length;) {
		const batch = nextBatch(prepared, next, plan, budget);
		next += batch.length;
		const started = Date.now();
		const results = await plan.send(batch, budget);
		budget.took(batch.length, Date.now() - started);
		if (results.some((outcome) => !outcome.ok && isTimeLimitError(outcome.error)))
			budget.hitLimit(batch.length);
		results.forEach((outcome, index) => {
			const { itemIndex } = batch[index];
			outcomes.set(itemIndex, outcome);
			if (outcome.ok) applied.push({ itemIndex, id: outcome.id });
			else if (outcome.applied) applied.push({ itemIndex });
		});
		const failed = results.findIndex((outcome) => !outcome.ok);
		if (failed >= 0 && !continueOnFail) {
			const otherFailures = batch
				.filter((_, index) => index > failed && !results[index].ok)
				.map((member) => member.itemIndex);
			const notSent = prepared.slice(next).map((member) => member.itemIndex);
			const error = (results[failed] as { error: unknown }).error;
			throw stoppedError(
				node,
				{ itemIndex: batch[failed].itemIndex, error },
				{ past: plan.past, applied, otherFailures, notSent },
			);
		}
	}
	return items.flatMap((_, itemIndex) => {
		const outcome = outcomes.get(itemIndex);
		if (outcome?.ok) return outcome.items;
		return [
			errorItem(outcome?.error ?? new SageResponseError('This item was not processed.'), itemIndex),
		];
	});
}

/** The members from `start` that can share a request with it: at most its Batch Size, or what the budget allows. */
function nextBatch<M extends BatchMember>(
	prepared: M[],
	start: number,
	plan: BatchPlan<M>,
	budget: RequestBudget,
): M[] {
	const first = prepared[start];
	const size = budget.size(first.batchSize);
	const batch = [first];
	for (let index = start + 1; index < prepared.length && batch.length < size; index++) {
		const member = prepared[index];
		if (
			member.batchSize !== first.batchSize ||
			member.timeoutMs !== first.timeoutMs ||
			!plan.sameRequest(first, member)
		)
			break;
		batch.push(member);
	}
	return batch;
}

/**
 * Sage refused a whole request before running it, naming some members in its errors:
 * those fail with their own errors, and the others are sent again without them. When it
 * names none, or all, every member fails.
 */
export async function resendWithoutNamed<M, E>(
	batch: M[],
	named: Map<number, E>,
	failure: (index: number, own: E | undefined) => Outcome,
	resend: (rest: M[]) => Promise<Outcome[]>,
): Promise<Outcome[]> {
	if (!named.size || named.size === batch.length)
		return batch.map((_, index) => failure(index, named.get(index)));
	const rest = batch.filter((_, index) => !named.has(index));
	const restOutcomes = await resend(rest);
	return batch.map((member, index) =>
		named.has(index) ? failure(index, named.get(index)) : restOutcomes[rest.indexOf(member)],
	);
}

/** A failure of the whole request, told to each of its items: a lost answer names the others it carried. */
export function requestFailure(error: unknown, batch: BatchMember[]): unknown {
	if (error instanceof SageOutcomeUnknownError && batch.length > 1) {
		return new SageOutcomeUnknownError(
			`${error.message} The same request carried ${describeItems(batch.map((member) => member.itemIndex))}.`,
			{
				hint: error.hint,
				reason: error.reason,
				answerStarted: error.answerStarted,
				timeLimit: error.timeLimit,
				cause: error,
			},
		);
	}
	return error;
}
