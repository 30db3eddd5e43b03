import type { GraphQLErrorEntry } from '../../../../../sage-client/transport/graphql';
import { SageAnswerError } from '../../../../../sage-client/transport/errors';
import type { Outcome } from '../../common/batches';
import { isObject } from '../../common/items';

/**
 * Lines of a document (a sales order's `lines`, a vital collection) change inside Update:
 * each line in Data carries `_action` ("create", "update" or "delete") and its `_id`, a
 * negative one ("-1") for a new line. When Sage refuses one, its message points at the line
 * by position (`lines[2]: ...`, or a path through `lines.2`); the error then also says which
 * line of Data that is, by its `_id` and `_action`, so the user can find it in a long order.
 */

/** Each failed outcome's errors, with the lines they are about named from the member's Data. */
export function withLinesNamed(outcomes: Outcome[], inputs: unknown[]): Outcome[] {
	return outcomes.map((outcome, index) => {
		const data = inputs[index];
		if (outcome.ok || !(outcome.error instanceof SageAnswerError) || !isObject(data))
			return outcome;
		const { errors } = outcome.error;
		const named = errors.map((entry) => nameLine(entry, data));
		if (named.every((entry, position) => entry === errors[position])) return outcome;
		return {
			...outcome,
			error: new SageAnswerError(named, outcome.error.data, outcome.error.diagnoses),
		};
	});
}

function nameLine(entry: GraphQLErrorEntry, data: Record<string, unknown>): GraphQLErrorEntry {
	const found = lineReference(entry, data);
	if (!found) return entry;
	const [collection, position] = found;
	const line = (data[collection] as unknown[])[position];
	const message = String(entry.message);
	const period = message.endsWith('.') ? '.' : '';
	return {
		...entry,
		message: `${message.replace(/\.$/, '')} (Data.${collection}[${position}]: ${describeLine(line)})${period}`,
	};
}

/** `[collection, position]` of the first line the entry points at: by its message, else by its path. */
function lineReference(
	entry: GraphQLErrorEntry,
	data: Record<string, unknown>,
): [string, number] | undefined {
	const isLine = (collection: string, position: number) =>
		Array.isArray(data[collection]) && position < (data[collection] as unknown[]).length;
	for (const match of String(entry.message).matchAll(/\b([A-Za-z_]\w*)\[(\d+)\]/g)) {
		if (isLine(match[1], Number(match[2]))) return [match[1], Number(match[2])];
	}
	const path = entry.path ?? [];
	for (let step = 0; step + 1 < path.length; step++) {
		const [collection, position] = [path[step], Number(path[step + 1])];
		if (
			typeof collection === 'string' &&
			Number.isInteger(position) &&
			isLine(collection, position)
		)
			return [collection, position];
	}
	return undefined;
}

/** `a new line, _id "-1"`, `_id "12", _action "delete"`: the line as Data gave it. */
export function describeLine(line: unknown): string {
	if (!isObject(line)) return 'not an object';
	const id = line._id === undefined || line._id === null ? undefined : String(line._id);
	const action = typeof line._action === 'string' ? line._action : undefined;
	const isNew =
		action === 'create' || (action === undefined && (id === undefined || id.startsWith('-')));
	const parts = [
		isNew ? 'a new line' : undefined,
		id === undefined ? 'no _id' : `_id "${id}"`,
		action ? `_action "${action}"` : undefined,
	];
	return parts.filter(Boolean).join(', ');
}
