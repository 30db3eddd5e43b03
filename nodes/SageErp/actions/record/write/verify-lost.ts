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
import { argumentOf, type RecordTypeInfo } from '../../../../../sage-client/schema/schema';
import { describeItems } from '../../common/diagnoses';
import { isObject, valueAt } from '../../common/items';
import type { SageSession } from '../../../../shared/session';

/**
 * After a create or delete request whose answer was lost (the connection broke, or no
 * answer came in time), each of its records is looked up in Sage instead of being sent
 * again: a re-sent create could duplicate a record, a lookup cannot.
 *
 * Create, one record at a time, by the natural key its Data carries. The rule: the first of
 * `id`, `number`, `code` (in that order: master data, documents, codes in Sage's schema)
 * that the Data holds as a non-empty string without `|` (a multi-part key separator) and
 * that the record type has as a scalar field; the lookup is `read(_id: "#<value>")`.
 * - found, with that key, created at or after the request was sent (minus
 *   CREATE_STAMP_SKEW_MS for clocks that disagree) -> created: the output item is the
 *   record (the same Fields as a create gives) marked `_recoveredAfterLostAnswer: true`;
 * - found, created before the request was sent -> not created by this request (it existed);
 * - not found, and Sage had started answering (so it had finished running the request) ->
 *   failed, verified NOT created: safe to run again;
 * - no natural key, not found while Sage may still be running it, or the lookup failed ->
 *   the outcome stays unknown, as before.
 * Delete, by the ID the item gave: gone -> deleted (by this request or already gone, the
 * record is not there either way); still there and Sage had started answering -> failed,
 * NOT deleted; still there otherwise -> unknown (Sage may still be deleting it).
 * Update is not checked: the record exists either way, and whether it holds the new values
 * says nothing (they may have been its values already, or someone else may have written
 * since): the outcome stays unknown.
 */

/** Data properties that carry a record's natural key, in the order they are tried. */
export const NATURAL_KEY_PROPERTIES = ['id', 'number', 'code'] as const;

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
const LOOKUP_KEY = 'sageErpLookupKey';

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
}

interface NaturalKey {
	property: string;
	value: string;
}

/** The natural key a create's Data carries, by the rule above; undefined when it carries none. */
export function naturalKeyOf(data: unknown, info: RecordTypeInfo): NaturalKey | undefined {
	if (!isObject(data)) return undefined;
	const fields = info.recordObject.getFields();
	for (const property of NATURAL_KEY_PROPERTIES) {
		const value = data[property];
		const field = fields[property];
		if (typeof value !== 'string' || !value.trim() || value.includes('|')) continue;
		if (!field || !isLeafType(getNamedType(field.type))) continue;
		return { property, value };
	}
	return undefined;
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
	const lookups = members
		.map((_, index) => index)
		.filter((index) => keys[index] !== undefined && keys[index]!.value !== '');
	const { answers, lookupFailure } = await lookUpAll(
		request,
		lookups.map((index) => keys[index]!),
	);

	return members.map((member, index): Verdict => {
		const key = keys[index];
		if (!key || !key.value) {
			return unknown(
				`It could not be checked afterwards: its Data carries no natural key (${NATURAL_KEY_PROPERTIES.join(', ')}) to look it up by.`,
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
		return kind === 'create'
			? createVerdict(judge, found, key, what)
			: deleteVerdict(judge, found, member, what);
	});
}

/** What the verdicts of one lost request share. */
interface Judge {
	request: LostRequest;
	lost: SageOutcomeUnknownError;
	unknown: (note: string) => Verdict;
	notApplied: (message: string, hint: string, untouched?: boolean) => Verdict;
}

/** What a create's lookup proves. */
function createVerdict(
	judge: Judge,
	found: IDataObject | undefined,
	key: NaturalKey,
	what: string,
): Verdict {
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
	if (found[LOOKUP_KEY] !== key.value) {
		return unknown(
			`Looked up afterwards as "#${key.value}", Sage returned a record whose ${key.property} is "${String(found[LOOKUP_KEY])}": ${key.property} is not the natural key of ${request.info.recordType}, so the lookup proves nothing.`,
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
		if (name !== LOOKUP_ID && name !== LOOKUP_CREATED && name !== LOOKUP_KEY) record[name] = value;
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
	const reads = keys.map((key, index) => {
		const checks =
			kind === 'create'
				? `${inner(recordSelection(info, request.fields))} ${LOOKUP_ID}: _id ${LOOKUP_CREATED}: _createStamp ${LOOKUP_KEY}: ${key.property}`
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
