import type { INode } from 'n8n-workflow';

import { describeItems } from './diagnoses';
import { toNodeError, type NodeError } from '../../../shared/errors';

export interface AppliedItem {
	itemIndex: number;
	/** The record's `_id`, when the answer holds it. */
	id?: string;
}

/**
 * The error that stops a writing operation (without Continue On Fail) at its first failed
 * item. Writes already done are not undone, so the error says which items were applied
 * (and their `_id`s; all of them in `context.applied`), which failed alongside, and which
 * were never sent: nothing written is lost silently.
 */
export function stoppedError(
	node: INode,
	failure: { itemIndex: number; error: unknown },
	report: { past: string; applied: AppliedItem[]; otherFailures: number[]; notSent: number[] },
): NodeError {
	const nodeError = toNodeError(node, failure.error, failure.itemIndex);
	const { past, applied, otherFailures, notSent } = report;
	const lines: string[] = [];
	if (nodeError.description) lines.push(nodeError.description);
	if (applied.length) {
		const ids = applied
			.filter((entry) => entry.id !== undefined)
			.map((entry) => entry.id as string);
		const shown =
			ids.slice(0, 20).join(', ') + (ids.length > 20 ? `, … (${ids.length - 20} more)` : '');
		lines.push(
			`Already ${past} by this execution, and not undone: ${applied.length} (${describeItems(applied.map((entry) => entry.itemIndex))})` +
				(ids.length ? `, _id ${shown}.` : '.'),
		);
	} else {
		lines.push(`Nothing was ${past} by this execution.`);
	}
	if (otherFailures.length)
		lines.push(`Also failed in the same request: ${describeItems(otherFailures)}.`);
	if (notSent.length) lines.push(`Not sent: ${describeItems(notSent)}.`);
	lines.push(
		'To get one output item per input item, failures included, set Settings > On Error to "Continue".',
	);
	nodeError.description = lines.join('\n');
	nodeError.context.applied = applied.map((entry) => ({
		item: entry.itemIndex,
		_id: entry.id ?? null,
	}));
	return nodeError;
}
