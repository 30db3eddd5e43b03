/**
 * Sage's 28-second limit: "A GraphQL API must be executed in less than 28 seconds", after
 * which the operation times out (sage-api.md). The simulator computes what a request's work
 * would cost on Sage (per row read, per field of each row, per mutation, per vital line)
 * instead of sleeping, and refuses it when the sum passes the limit:
 * - the answer is HTTP 200 with `data: null` and `errors[0].message` the sentence above
 *   (`extensions.code: 'timeout'`) **(choice: the documented sentence, as an errors[] answer)**;
 * - mutations run in document order; those that fit in the limit were applied and stay
 *   applied, the one that passes it and every later one are not **(choice: Sage commits
 *   per mutation; nothing in the answer says which ones ran, so the client cannot know)**;
 * - with `delayScale`, the answer waits the computed cost times that factor (0.001: a
 *   28-second cost waits 28 ms), so that a client measuring durations sees the work grow.
 */
import { GraphQLError, GraphQLResolveInfo, Kind, SelectionSetNode } from 'graphql';
import type { PropDef } from './model';

export const SAGE_TIME_LIMIT_MESSAGE = 'A GraphQL API must be executed in less than 28 seconds';

export interface WorkCost {
	perRowMs?: number;
	/** Added per row for each field selected on it: wide records cost more. */
	perFieldMs?: number;
	perMutationMs?: number;
	/** Per entry of a collection (vital lines) in a mutation's data. */
	perLineMs?: number;
	/** Default 28,000. */
	limitMs?: number;
	/** The answer waits the cost times this factor; default 0 (answers at once). */
	delayScale?: number;
}

export class WorkMeter {
	spentMs = 0;
	exceeded = false;
	private readonly cost: Required<WorkCost>;

	constructor(cost: WorkCost) {
		this.cost = {
			perRowMs: 0,
			perFieldMs: 0,
			perMutationMs: 0,
			perLineMs: 0,
			limitMs: 28_000,
			delayScale: 0,
			...cost,
		};
	}

	/** `count` rows of a connection; the fields selected under `edges { node }` make each wider. */
	rows(count: number, info: GraphQLResolveInfo): void {
		if (count <= 0) return;
		const fields = selectedUnder(info, ['node']);
		this.add(count * (this.cost.perRowMs + this.cost.perFieldMs * fields));
	}

	read(info: GraphQLResolveInfo): void {
		this.add(this.cost.perRowMs + this.cost.perFieldMs * selectedUnder(info, []));
	}

	mutation(args: unknown): void {
		const data = (args as { data?: Record<string, unknown> }).data ?? {};
		const lines = Object.values(data).reduce<number>(
			(sum, value) => sum + (Array.isArray(value) ? value.length : 0),
			0,
		);
		this.add(this.cost.perMutationMs + this.cost.perLineMs * lines);
	}

	/** How long the answer waits, in real milliseconds: a stopped request answers at the limit, as Sage's does. */
	get delayMs(): number {
		const spent = this.exceeded ? this.cost.limitMs : Math.min(this.spentMs, this.cost.limitMs);
		return Math.round(spent * this.cost.delayScale);
	}

	private add(ms: number): void {
		if (!this.exceeded && this.spentMs + ms <= this.cost.limitMs) {
			this.spentMs += ms;
			return;
		}
		this.exceeded = true;
		throw new GraphQLError(SAGE_TIME_LIMIT_MESSAGE, { extensions: { code: 'timeout' } });
	}
}

/** Leaf and object fields selected at `path` below the resolved field (fragments followed). */
function selectedUnder(info: GraphQLResolveInfo, path: string[]): number {
	let sets: SelectionSetNode[] = info.fieldNodes.flatMap((node) =>
		node.selectionSet ? [node.selectionSet] : [],
	);
	for (const name of path)
		sets = sets.flatMap((set) =>
			fieldsOf(set, info)
				.filter((f) => f.name.value === name && f.selectionSet)
				.map((f) => f.selectionSet!),
		);
	return sets.reduce((sum, set) => sum + fieldsOf(set, info).length, 0);
}

function fieldsOf(
	set: SelectionSetNode,
	info: GraphQLResolveInfo,
): Array<import('graphql').FieldNode> {
	return set.selections.flatMap((selection) => {
		if (selection.kind === Kind.FIELD) return [selection];
		const inner =
			selection.kind === Kind.INLINE_FRAGMENT
				? selection.selectionSet
				: info.fragments[selection.name.value]?.selectionSet;
		return inner ? fieldsOf(inner, info) : [];
	});
}

/** A release may rename a field in what the API shows; the store keeps it under its first name. */
export function storedName(prop: PropDef): string {
	return (prop as PropDef & { storedAs?: string }).storedAs ?? prop.name;
}
