import type { IExecuteFunctions } from 'n8n-workflow';

import { FilterProblem } from '../../../../sage-client/filters';
import {
	buildsFilter,
	buildsSort,
	readBuiltFilter,
	readBuiltSort,
	fieldSource,
	type ReadParameter,
} from '../../../shared/filter-builder';
import { inputError, toNodeError } from '../../../shared/errors';
import type { SageSession } from '../../../shared/session';
import { describeItems } from './diagnoses';
import { readSageLiteral } from './parameters';

/**
 * Filter and Order By of one item, from whichever form the node version and the user chose:
 * version 1's text, or version 2's builder and sort list (compiled here, before any request;
 * a refused condition names itself and the item) or its Sage Syntax text.
 */
export async function readFilterAndOrder(
	context: IExecuteFunctions,
	itemIndex: number,
	where: { session: SageSession; recordType: string; timeoutMs: number | undefined },
	wanted: { order: boolean },
): Promise<{ filter?: string; orderBy?: string }> {
	const version = context.getNode().typeVersion;
	const read: ReadParameter = (name, fallback) =>
		context.getNodeParameter(name, itemIndex, fallback);
	const { session, recordType, timeoutMs } = where;
	const source = fieldSource(session, recordType, timeoutMs);
	try {
		const filter = buildsFilter(version, read)
			? await readBuiltFilter(read, source)
			: readSageLiteral(context, 'filter', 'Filter', itemIndex);
		if (!wanted.order) return { filter };
		const orderBy = buildsSort(version, read)
			? await readBuiltSort(read, source)
			: readSageLiteral(context, 'orderBy', 'Order By', itemIndex);
		return { filter, orderBy };
	} catch (error) {
		throw error instanceof FilterProblem
			? inputError(context.getNode(), error.message, itemIndex, error.hint)
			: toNodeError(context.getNode(), error, itemIndex);
	}
}

const MAX_NOTES = 10;

/**
 * Options > Show Sage Syntax: the filter and order sent, as execution hints over the output,
 * one per distinct text with the items that sent it.
 */
export class SentSyntax {
	private readonly sent = new Map<string, Set<number>>();

	constructor(private readonly context: IExecuteFunctions) {}

	note(itemIndex: number, parts: { filter?: string; orderBy?: string }): void {
		const options = this.context.getNodeParameter('options', itemIndex, {}) as {
			showSageSyntax?: boolean;
		};
		if (options.showSageSyntax !== true) return;
		const text = [
			`Filter sent to Sage: ${parts.filter ?? '(none)'}`,
			...(parts.orderBy !== undefined ? [`Order By: ${parts.orderBy}`] : []),
		].join('; ');
		const items = this.sent.get(text) ?? new Set<number>();
		items.add(itemIndex);
		this.sent.set(text, items);
	}

	/** Adds the notes; call once, when the output is ready (n8n keeps hints of a run that returns). */
	flush(): void {
		if (!this.sent.size || typeof this.context.addExecutionHints !== 'function') return;
		const notes = [...this.sent].slice(0, MAX_NOTES).map(([text, items]) => ({
			type: 'info' as const,
			location: 'outputPane' as const,
			message: `${text} (${describeItems([...items])})`,
		}));
		this.context.addExecutionHints(...notes);
		this.sent.clear();
	}
}
