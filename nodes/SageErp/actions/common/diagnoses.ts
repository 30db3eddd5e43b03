import type { IDataObject, IExecuteFunctions, NodeExecutionHint } from 'n8n-workflow';

import type { Diagnosis } from '../../../../sage-client/transport/graphql';
import { scrub } from '../../../../sage-client/transport/secrets';

/**
 * Sage's warnings (`extensions.diagnoses`) reach the user two ways:
 * - always as execution hints (the yellow notes over the node's output, stored with the
 *   run), one per distinct message, naming the items it concerns;
 * - on the item itself as `_diagnoses` when the output is one item per input item (get,
 *   create, update, delete, GraphQL mutation, GraphQL "response" output). List outputs
 *   (Get Many, GraphQL "items") keep records untouched, except in n8n versions without
 *   execution hints, where the first item of the answer carries them.
 */
const MAX_HINTS = 20;

export class DiagnosisReport {
	private readonly byMessage = new Map<
		string,
		{ type: NodeExecutionHint['type']; items: Set<number> }
	>();

	constructor(private readonly context: IExecuteFunctions) {}

	/** Whether this n8n shows execution hints; otherwise list outputs carry `_diagnoses`. */
	get hintsSupported(): boolean {
		return typeof this.context.addExecutionHints === 'function';
	}

	note(diagnoses: Diagnosis[], itemIndex: number): void {
		for (const diagnosis of diagnoses) {
			const text = describeDiagnosis(diagnosis);
			const entry = this.byMessage.get(text) ?? {
				type: hintType(diagnosis.severity),
				items: new Set<number>(),
			};
			entry.items.add(itemIndex);
			this.byMessage.set(text, entry);
		}
	}

	/**
	 * Puts the warnings about the failed item (or, without an item, all of them) into the
	 * error's description: n8n keeps execution hints only from an execution that returns.
	 */
	attachTo<E extends { description?: string | null; context: { itemIndex?: unknown } }>(
		error: E,
	): E {
		const itemIndex =
			typeof error.context.itemIndex === 'number' ? error.context.itemIndex : undefined;
		const warnings = [...this.byMessage]
			.filter(([, { items }]) => itemIndex === undefined || items.has(itemIndex))
			.slice(0, MAX_HINTS)
			.map(([text]) => `Sage warned: ${text}`);
		if (warnings.length)
			error.description = [error.description, ...warnings].filter(Boolean).join('\n');
		return error;
	}

	/** Adds the hints; call once, when the node's output is ready. */
	flush(): void {
		if (!this.byMessage.size || !this.hintsSupported) return;
		const hints: NodeExecutionHint[] = [];
		for (const [text, { type, items }] of this.byMessage) {
			if (hints.length === MAX_HINTS) break;
			hints.push({
				type,
				location: 'outputPane',
				message: `Sage: ${text} (${describeItems([...items])})`,
			});
		}
		if (this.byMessage.size > MAX_HINTS) {
			hints.push({
				type: 'warning',
				location: 'outputPane',
				message: `Sage sent ${this.byMessage.size - MAX_HINTS} more different warnings.`,
			});
		}
		this.context.addExecutionHints(...hints);
		this.byMessage.clear();
	}
}

/** The diagnoses as they go on an item: `{ severity, message, path }`, secrets scrubbed. */
export function diagnosesForItem(diagnoses: Diagnosis[]): IDataObject[] {
	return diagnoses.map((diagnosis) => {
		const entry: IDataObject = { message: scrub(String(diagnosis.message ?? '')) };
		if (diagnosis.severity !== undefined) entry.severity = diagnosis.severity;
		if (Array.isArray(diagnosis.path)) entry.path = diagnosis.path;
		return entry;
	});
}

function describeDiagnosis(diagnosis: Diagnosis): string {
	const message = scrub(String(diagnosis.message ?? 'a warning without a message'));
	return Array.isArray(diagnosis.path) && diagnosis.path.length
		? `${message} (at ${diagnosis.path.join('.')})`
		: message;
}

function hintType(severity: Diagnosis['severity']): NodeExecutionHint['type'] {
	const text = String(severity ?? '').toLowerCase();
	if (text === 'info' || text === 'information' || text === '1') return 'info';
	if (text === 'error' || text === '3' || text === '4') return 'danger';
	return 'warning';
}

/** "item 3", "items 0–4, 7" */
export function describeItems(indexes: number[]): string {
	const sorted = [...new Set(indexes)].sort((a, b) => a - b);
	return `${sorted.length === 1 ? 'item' : 'items'} ${describeRanges(sorted)}`;
}

/** [0,1,2,3,7,9,10] -> "0–3, 7, 9–10"; long lists are cut after 10 ranges. */
export function describeRanges(sorted: number[]): string {
	const ranges: string[] = [];
	for (let start = 0; start < sorted.length;) {
		let end = start;
		while (end + 1 < sorted.length && sorted[end + 1] === sorted[end] + 1) end++;
		ranges.push(end === start ? `${sorted[start]}` : `${sorted[start]}–${sorted[end]}`);
		start = end + 1;
	}
	return ranges.length > 10
		? `${ranges.slice(0, 10).join(', ')} and ${ranges.length - 10} more ranges`
		: ranges.join(', ');
}
