import { GraphQLError, getNamedType, isLeafType, parse, validate } from 'graphql';
import type { IDataObject } from 'n8n-workflow';

import type {
	GraphQLErrorEntry,
	GraphQLResult,
} from '../../../../../sage-client/transport/graphql';
import { recordSelection } from '../../../../../sage-client/documents';
import {
	SageError,
	SageNetworkError,
	SageOutcomeUnknownError,
	describeGraphQLErrors,
} from '../../../../../sage-client/transport/errors';
import { naturalKeyOf as schemaNaturalKey } from '../../../../../sage-client/natural-key';
import { argumentOf, type RecordTypeInfo } from '../../../../../sage-client/schema/schema';
import { describeItems } from '../../common/diagnoses';
import type { Outcome } from '../../common/batches';
import { isObject, recordItem, valueAt } from '../../common/items';
import type { SageSession } from '../../../../shared/session';

/**
 * After a create or delete request whose answer was lost (the connection broke, or no
 * answer came in time), each of its records is looked up in Sage instead of being sent
 * again: a re-sent create could duplicate a record, a lookup cannot.
 *
 * Create, one record at a time, by its natural key: the properties the schema names as the
 * record type's natural key (sage-client/natural-key.ts), each read from the Data (a
 * reference part given as `#<key>`, never an `_id`); the lookup is `read(_id: "#<part>|<part>")`.
 * Where the schema names no key, or the Data lacks a part of it, the outcome stays unknown:
 * a guessed key that finds nothing would report a created record as not created.
 * - found, created at or after the request was sent (minus
 *   CREATE_STAMP_SKEW_MS for clocks that disagree) -> created: the output item is the
 *   record (the same Fields as a create gives) marked `_recoveredAfterLostAnswer: true`;
 * - found, created before the request was sent -> not created by this request (it existed);
 * - not found, and Sage had started answering (so it had finished running the request) ->
 *   failed, verified NOT created: safe to run again;
 * - found, but this execution already credited that record to another item (two items
 *   with one natural key) -> this one was NOT created: Sage keeps one record per key;
 * - no natural key, not found while Sage may still be running it, or the lookup failed ->
 *   the outcome stays unknown, as before.
 * Delete, by the ID the item gave: gone -> deleted (by this request or already gone, the
 * record is not there either way); still there and Sage had started answering -> failed,
 * NOT deleted; still there otherwise -> unknown (Sage may still be deleting it).
 * Update is not checked: the record exists either way, and whether it holds the new values
 * says nothing (they may have been its values already, or someone else may have written
 * since): the outcome stays unknown.
 */

/**
 * How far Sage's `_createStamp` may lie before this machine's clock at sending and still
 * count as created by the request. Too small would report a record this request created as
 * "not created" whenever Sage's clock runs behind ours (a re-run then fails as a duplicate);
 * too large only widens the window in which a record someone else created moments before
 * is taken for ours. Five minutes is the tolerance clock-sensitive protocols use (Kerberos).
 */
export const CREATE_STAMP_SKEW_MS = 5 * 60_000;

/** The mark on an output item whose record was found in Sage after the answer was lost. */
export const RECOVERED_MARK = '_recoveredAfterLostAnswer';

const LOOKUP_ID = 'sageErpLookupId';
const LOOKUP_CREATED = 'sageErpLookupCreatedAt';

export interface LostMember {
	itemIndex: number;
	/** The create's data, or the ID given to delete. */
	input: unknown;
	id?: string;
}

/** What the lookup showed for one item: applied (with the record as output) or an error saying why not or why unknown. */
export type Verdict =
	| { applied: true; record: IDataObject; id?: string }
	| { applied: false; error: SageError; notApplied?: boolean };

/**
 * A verdict as its item's batch outcome: the record found, marked as recovered (with what the
 * operation adds to its output), or the error; `notApplied` tells a caller it may send it again.
 */
export function verdictOutcome(
	verdict: Verdict,
	itemIndex: number,
	output: IDataObject = {},
): Outcome {
	if (!verdict.applied) return { ok: false, error: verdict.error, notApplied: verdict.notApplied };
	return {
		ok: true,
		items: [recordItem({ ...verdict.record, ...output, [RECOVERED_MARK]: true }, itemIndex)],
		id: verdict.id,
	};
}

export interface LostRequest {
	kind: 'create' | 'delete';
	members: LostMember[];
	lost: SageOutcomeUnknownError;
	info: RecordTypeInfo;
	fields: string;
	/** This machine's clock when the request was about to be sent. */
	sentAt: number;
	session: SageSession;
	timeoutMs?: number;
	/**
	 * The `_id`s this execution already reported as written, shared by its requests: a record
	 * found for a second item with the same natural key is not credited twice.
	 */
	credited?: Set<string>;
}

interface NaturalKey {
	/** The key's properties, as the schema names them: `site|number`. */
	property: string;
	/** The parts' values joined with `|`, as `#…` names the record. */
	value: string;
}

/** Why a create's record cannot be looked up: the schema names no key, or the Data lacks a part. */
type NoKey = { missing: string };

/**
 * The natural key of a create's Data, by the record type's schema: each part a non-empty
 * scalar (a reference part as `#FR001`), none holding `|`. Never a guess by name.
 */
export function naturalKeyOf(data: unknown, info: RecordTypeInfo): NaturalKey | NoKey {
	const parts = schemaNaturalKey(info.recordObject);
	if (!parts) return { missing: `the schema of ${info.recordType} names no natural key` };
	const values: string[] = [];
	for (const part of parts) {
		const value = isObject(data) ? keyPart(data[part], info, part) : undefined;
		if (value === undefined)
			return {
				missing: `its Data carries no usable ${part}, part of the natural key ${parts.join('|')}`,
			};
		values.push(value);
	}
	return { property: parts.join('|'), value: values.join('|') };
}

function keyPart(value: unknown, info: RecordTypeInfo, part: string): string | undefined {
	const text =
		typeof value === 'number' && Number.isFinite(value)
			? String(value)
			: typeof value === 'string'
				? value.trim()
				: '';
	if (!text || text.includes('|')) return undefined;
	const field = info.recordObject.getFields()[part];
	if (isLeafType(getNamedType(field.type))) return text;
	// A reference: only its natural key (`#FR001`) names it inside this key, never an `_id`.
	return text.startsWith('#') && text.length > 1 ? text.slice(1) : undefined;
}

/** Looks up every record of a request whose answer was lost; one verdict per member, in order. Never writes. */
export async function verifyLostAnswer(request: LostRequest): Promise<Verdict[]> {
	const { kind, members, lost } = request;
	const unknown = unknownVerdict(lost, members);
	const reason = lost.reason ? `: ${lost.reason}` : '';
	// `notApplied`: Sage has no trace of it, so sending it again cannot make a duplicate.
	const notApplied = (message: string, hint: string, untouched = true): Verdict => ({
		applied: false,
		error: new SageNetworkError(
			`The answer from Sage was lost after the request was sent${reason}. ${message}`,
			{ hint },
		),
		notApplied: untouched,
	});

	const judge: Judge = { request, lost, unknown, notApplied };
	const keys = members.map((member) =>
		kind === 'create'
			? naturalKeyOf(member.input, request.info)
			: { property: '_id', value: member.id ?? '' },
	);
	const lookups = members.map((_, index) => index).filter((index) => hasKey(keys[index]));
	const { answers, lookupFailure } = await lookUpAll(
		request,
		lookups.map((index) => keys[index] as NaturalKey),
	);
	const credited = request.credited ?? new Set<string>();

	return members.map((member, index): Verdict => {
		const key = keys[index];
		if (!hasKey(key)) {
			return unknown(
				`It could not be checked afterwards: ${'missing' in key ? key.missing : 'it has no ID'}, so there is nothing to look it up by.`,
			);
		}
		const what =
			kind === 'create'
				? `by its natural key (${key.property} "${key.value}")`
				: `by its ID "${key.value}"`;
		const answer = lookupFailure === undefined ? answers[lookups.indexOf(index)] : undefined;
		if (!answer || answer.errors) {
			const failure = lookupFailure ?? describeGraphQLErrors(answer?.errors ?? []);
			return unknown(`Looking it up afterwards ${what} failed too: ${failure.replace(/\.$/, '')}.`);
		}
		const found = isObject(answer.value) ? answer.value : undefined;
		if (kind === 'delete') return deleteVerdict(judge, found, member, what);
		const verdict = createVerdict(judge, found, what);
		if (!verdict.applied || !verdict.id) return verdict;
		if (credited.has(verdict.id)) return creditedElsewhere(judge, verdict.id, what);
		credited.add(verdict.id);
		return verdict;
	});
}

function hasKey(key: NaturalKey | NoKey): key is NaturalKey {
	return 'value' in key && key.value !== '';
}

/** The record found is one this execution already reported for another item with the same key. */
function creditedElsewhere(judge: Judge, id: string, what: string): Verdict {
	return judge.notApplied(
		`Sage has a record ${what} (_id ${id}), but it is the one already reported for another item of this execution with the same natural key: this item was NOT created (Sage keeps one record per natural key).`,
		'Nothing was created for this item: another item of this execution has the same natural key.',
		false,
	);
}

/** What the verdicts of one lost request share. */
interface Judge {
	request: LostRequest;
	lost: SageOutcomeUnknownError;
	unknown: (note: string) => Verdict;
	notApplied: (message: string, hint: string, untouched?: boolean) => Verdict;
}

/** What a create's lookup proves. */
function createVerdict(judge: Judge, found: IDataObject | undefined, what: string): Verdict {
	const { request, lost, unknown, notApplied } = judge;
	if (!found) {
		if (!lost.answerStarted) {
			return unknown(
				`Looked up afterwards ${what}, it was not there, but Sage had not started answering, so it may still be creating it.`,
			);
		}
		return notApplied(
			`Sage was asked for the record ${what} and has none: it was NOT created, and the request was not sent again. It is safe to run this item again.`,
			'Nothing was created for this item; run it again.',
		);
	}
	const createdAt =
		typeof found[LOOKUP_CREATED] === 'string' ? Date.parse(found[LOOKUP_CREATED]) : Number.NaN;
	if (Number.isNaN(createdAt)) {
		return unknown(
			`Looked up afterwards ${what}, the record exists, but Sage did not say when it was created, so it may have existed before.`,
		);
	}
	if (createdAt < request.sentAt - CREATE_STAMP_SKEW_MS) {
		return notApplied(
			`Sage has a record ${what}, but it was created at ${String(found[LOOKUP_CREATED])}, before this request was sent: this request did NOT create it (it already existed).`,
			'Nothing was created for this item: a record with the same natural key already exists.',
			false,
		);
	}
	const record: IDataObject = {};
	for (const [name, value] of Object.entries(found)) {
		if (name !== LOOKUP_ID && name !== LOOKUP_CREATED) record[name] = value;
	}
	return {
		applied: true,
		record,
		id: typeof found[LOOKUP_ID] === 'string' ? found[LOOKUP_ID] : undefined,
	};
}

/** What a delete's lookup proves. */
function deleteVerdict(
	judge: Judge,
	found: IDataObject | undefined,
	member: LostMember,
	what: string,
): Verdict {
	const { lost, unknown, notApplied } = judge;
	if (!found) return { applied: true, record: { _id: member.id, deleted: true }, id: member.id };
	if (!lost.answerStarted) {
		return unknown(
			`Looked up afterwards ${what}, the record still exists, but Sage had not started answering, so it may still be deleting it.`,
		);
	}
	return notApplied(
		`The record ${what.replace(/^by its ID /, '')} still exists in Sage: it was NOT deleted, and the request was not sent again. It is safe to run this item again.`,
		'Nothing was deleted for this item; run it again.',
	);
}

/** "Sage may or may not have applied it", with what the lookup found. */
function unknownVerdict(
	lost: SageOutcomeUnknownError,
	members: LostMember[],
): (note: string) => Verdict {
	const sameRequest =
		members.length > 1
			? ` The same request carried ${describeItems(members.map((member) => member.itemIndex))}.`
			: '';
	return (note) => ({
		applied: false,
		error: new SageOutcomeUnknownError(`${lost.message}${sameRequest} ${note}`, {
			hint: lost.hint,
			reason: lost.reason,
			answerStarted: lost.answerStarted,
			timeLimit: lost.timeLimit,
		}),
	});
}

/** Every key looked up in one query; a failure of that query is told to each member. */
async function lookUpAll(
	request: LostRequest,
	keys: NaturalKey[],
): Promise<{
	answers: Array<{ value?: unknown; errors?: GraphQLErrorEntry[] }>;
	lookupFailure?: string;
}> {
	if (!keys.length) return { answers: [] };
	try {
		return { answers: await lookUp(request, keys) };
	} catch (error) {
		return { answers: [], lookupFailure: error instanceof Error ? error.message : String(error) };
	}
}

/**
 * One query reading every key: `v0: read(_id: $k0) { <Fields> sageErpLookupId: _id ... }`.
 * Throws when the query cannot be built or Sage refuses it as a whole.
 */
async function lookUp(
	request: LostRequest,
	keys: NaturalKey[],
): Promise<Array<{ value?: unknown; errors?: GraphQLErrorEntry[] }>> {
	const { info, kind } = request;
	const idArgument = info.readField ? argumentOf(info.readField, '_id') : undefined;
	if (!info.readField || !idArgument) throw new Error(`${info.recordType} cannot be read by ID`);
	const aliases = keys.map((_, index) => `v${index}`);
	const declarations = keys.map((_, index) => `$k${index}: ${String(idArgument.type)}`).join(', ');
	const reads = keys.map((_, index) => {
		const checks =
			kind === 'create'
				? `${inner(recordSelection(info, request.fields))} ${LOOKUP_ID}: _id ${LOOKUP_CREATED}: _createStamp`
				: `${LOOKUP_ID}: _id`;
		return `${aliases[index]}: ${info.readField!.name}(${idArgument.name}: $k${index}) { ${checks} }`;
	});
	const operationName = kind === 'create' ? 'SageErpVerifyCreate' : 'SageErpVerifyDelete';
	const text = `query ${operationName}(${declarations}) { ${info.packageName} { ${info.nodeName} { ${reads.join(' ')} } } }`;
	const schema = await request.session.recordSchema(
		{ recordType: info.recordType, fields: request.fields, mutation: true },
		request.timeoutMs,
	);
	const problems = validate(schema.schema, parse(text));
	if (problems.length)
		throw new Error(problems.map((problem: GraphQLError) => problem.message).join(' '));

	const variables: IDataObject = {};
	keys.forEach((key, index) => {
		variables[`k${index}`] = kind === 'create' ? `#${key.value}` : key.value;
	});
	const result: GraphQLResult = await request.session.execute({
		query: text,
		operationName,
		variables,
		isMutation: false,
		timeoutMs: request.timeoutMs,
	});
	const path = [info.packageName, info.nodeName];
	const own = new Map<string, GraphQLErrorEntry[]>();
	for (const entry of result.errors) {
		const alias =
			entry.path &&
			entry.path.length > path.length &&
			path.every((step, index) => entry.path![index] === step)
				? String(entry.path[path.length])
				: undefined;
		if (!alias || !aliases.includes(alias)) throw new Error(describeGraphQLErrors(result.errors));
		own.set(alias, [...(own.get(alias) ?? []), entry]);
	}
	const container = valueAt(result.data, path);
	if (!isObject(container)) throw new Error('Sage answered the lookup without the records');
	return aliases.map((alias) =>
		own.has(alias) ? { errors: own.get(alias) } : { value: container[alias] },
	);
}

/** `{ _id name }` -> `_id name`: the user's selection, to add the lookup's own fields next to it. */
function inner(selection: string): string {
	return selection.slice(selection.indexOf('{') + 1, selection.lastIndexOf('}')).trim();
}
