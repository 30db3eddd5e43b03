import type {
	Diagnosis,
	GraphQLErrorEntry,
	GraphQLResult,
} from '../../../../../sage-client/transport/graphql';
import type { MutationDocument } from '../../../../../sage-client/documents';
import { SageAnswerError, SageResponseError } from '../../../../../sage-client/transport/errors';
import type { RecordMutationKind } from '../../../../../sage-client/schema/schema';
import type { Outcome } from '../../common/batches';
import type { DiagnosisReport } from '../../common/diagnoses';
import { isObject, recordItem, valueAt } from '../../common/items';

/** What an answer is split by: the document's aliases (`m0`, `m1`, ...) and the members' items. */
export interface AnsweredMember {
	itemIndex: number;
	id?: string;
}

/**
 * One aliased mutation per member (`m0: create(...) m1: create(...)`): each alias's result,
 * or the errors whose path names it, goes to its own member; warnings likewise. `kind` is
 * the one kind of every alias, or each alias's own (Create or Update mixes them).
 */
export function splitAnswer(
	result: GraphQLResult,
	document: MutationDocument,
	kinds: RecordMutationKind | readonly RecordMutationKind[],
	batch: AnsweredMember[],
	diagnoses: DiagnosisReport,
): Outcome[] {
	const kind = (alias: string): RecordMutationKind =>
		typeof kinds === 'string' ? kinds : kinds[document.aliases.indexOf(alias)];
	const container = valueAt(result.data, document.path);
	const ownErrors = new Map<string, GraphQLErrorEntry[]>();
	const generalErrors: GraphQLErrorEntry[] = [];
	for (const entry of result.errors) {
		const alias = aliasOf(entry.path, document);
		if (alias)
			ownErrors.set(alias, [
				...(ownErrors.get(alias) ?? []),
				rewritePath(entry, document, kind(alias)),
			]);
		else generalErrors.push(entry);
	}
	const ownDiagnoses = new Map<string, Diagnosis[]>();
	for (const diagnosis of result.diagnoses) {
		const alias = aliasOf(diagnosis.path, document);
		const rewritten = alias ? rewritePath(diagnosis, document, kind(alias)) : diagnosis;
		if (alias) {
			ownDiagnoses.set(alias, [...(ownDiagnoses.get(alias) ?? []), rewritten]);
			diagnoses.note([rewritten], batch[document.aliases.indexOf(alias)].itemIndex);
		} else {
			for (const member of batch) diagnoses.note([rewritten], member.itemIndex);
		}
	}
	return batch.map((member, index) => {
		const alias = document.aliases[index];
		const value = isObject(container) ? container[alias] : undefined;
		const own = ownErrors.get(alias);
		const itemDiagnoses = ownDiagnoses.get(alias) ?? [];
		if (own) return { ok: false, error: new SageAnswerError(own, value ?? null, itemDiagnoses) };
		if (value !== null && value !== undefined)
			return memberResult(kind(alias), member, value, itemDiagnoses);
		if (generalErrors.length)
			return { ok: false, error: new SageAnswerError(generalErrors, null, itemDiagnoses) };
		return {
			ok: false,
			error: new SageResponseError('Sage answered without a result or an error for this record.'),
		};
	});
}

function memberResult(
	kind: RecordMutationKind,
	member: AnsweredMember,
	value: unknown,
	itemDiagnoses: Diagnosis[],
): Outcome {
	if (kind === 'delete') {
		if (value === 0 || value === false)
			return {
				ok: false,
				error: new SageResponseError(`Sage deleted no record for the ID "${member.id}".`),
			};
		return {
			ok: true,
			items: [recordItem({ _id: member.id, deleted: true }, member.itemIndex, itemDiagnoses)],
			id: member.id,
		};
	}
	const id = isObject(value) && typeof value._id === 'string' ? value._id : undefined;
	return { ok: true, items: [recordItem(value, member.itemIndex, itemDiagnoses)], id };
}

/** Whether Sage refused the request as a whole before running it: no data, and errors without a path. */
export function refusedAsAWhole(result: GraphQLResult): boolean {
	return (
		!result.data && result.errors.length > 0 && result.errors.every((entry) => !entry.path?.length)
	);
}

/**
 * The members a refusal names, by their variable (`$d3`), with the errors in the user's
 * words: `Variable "$d3" got invalid value "x" at "d3.paymentTermDays"` becomes
 * `Data got invalid value "x" at "paymentTermDays"`.
 */
export function namedInRefusal(
	result: GraphQLResult,
	kind: RecordMutationKind,
	size: number,
): Map<number, GraphQLErrorEntry[]> {
	const named = new Map<number, GraphQLErrorEntry[]>();
	for (const entry of result.errors) {
		const reworded = reword(entry, kind);
		for (const match of String(entry.message).matchAll(/\$d(\d+)\b/g)) {
			const index = Number(match[1]);
			if (index < size) named.set(index, [...(named.get(index) ?? []), reworded]);
		}
	}
	return named;
}

export function reword(entry: GraphQLErrorEntry, kind: RecordMutationKind): GraphQLErrorEntry {
	const field = kind === 'delete' ? 'ID' : 'Data';
	const message = String(entry.message)
		.replace(/Variable "\$d\d+"/g, field)
		.replace(/\$d\d+\b/g, field)
		.replace(/"d\d+\./g, '"');
	return { ...entry, message };
}

/** The alias (`m3`) a path goes through, when it is one of this document's. */
function aliasOf(
	path: Array<string | number> | undefined,
	document: MutationDocument,
): string | undefined {
	if (!path || path.length <= document.path.length) return undefined;
	if (!document.path.every((key, index) => path[index] === key)) return undefined;
	const alias = path[document.path.length];
	return typeof alias === 'string' && document.aliases.includes(alias) ? alias : undefined;
}

/** `pkg.node.m3.lines.0` -> `pkg.node.create.lines.0`: the user never wrote `m3`. */
function rewritePath<T extends { path?: Array<string | number> }>(
	entry: T,
	document: MutationDocument,
	kind: RecordMutationKind,
): T {
	if (!aliasOf(entry.path, document) || !entry.path) return entry;
	const path = [...entry.path];
	path[document.path.length] = kind;
	return { ...entry, path };
}
