import type { IDataObject } from 'n8n-workflow';

import { buildUpsertDocument, type UpsertDocument } from '../../../../../sage-client/documents';
import {
	SageAnswerError,
	SageOutcomeUnknownError,
} from '../../../../../sage-client/transport/errors';
import type { RecordTypeInfo } from '../../../../../sage-client/schema/schema';
import type { SageSession } from '../../../../shared/session';
import { requestFailure, resendWithoutNamed, type Outcome } from '../../common/batches';
import type { DiagnosisReport } from '../../common/diagnoses';
import { withLinesNamed } from './lines';
import { namedInRefusal, refusedAsAWhole, reword, splitAnswer } from './mutation-answers';
import type { UpsertMember } from './upsert-member';
import { verdictOutcome, verifyLostAnswer } from './verify-lost';

/**
 * Create or Update's write: the creates and updates of one round merged into ONE mutation
 * request, each alias's answer handed to its own member, marked `_operation`; a lost answer
 * looked up (creates) or reported unknown (updates), never sent again.
 */

/** A member on its way out: created, or updated as the record with `id`. */
export interface Write {
	member: UpsertMember;
	kind: 'create' | 'update';
	id?: string;
}

const upsertDocuments = new WeakMap<RecordTypeInfo, Map<string, UpsertDocument>>();

/** The creates and updates of one round in ONE request; each alias's answer to its own member. */
export async function writeBatch(
	session: SageSession,
	diagnoses: DiagnosisReport,
	info: RecordTypeInfo,
	writes: Write[],
): Promise<Outcome[]> {
	const { fields, timeoutMs } = writes[0].member;
	const kinds = writes.map((write) => write.kind);
	const cacheKey = `${fields}\n${kinds.join(',')}`;
	let byKinds = upsertDocuments.get(info);
	if (!byKinds) upsertDocuments.set(info, (byKinds = new Map()));
	const document =
		byKinds.get(cacheKey) ??
		buildUpsertDocument(
			await session.recordSchema(
				{ recordType: info.recordType, fields, mutation: true },
				timeoutMs,
			),
			info,
			kinds,
			fields,
		);
	byKinds.set(cacheKey, document);
	const inputs = writes.map((write) =>
		write.kind === 'create' ? write.member.data : updateInput(write),
	);
	const variables: IDataObject = {};
	inputs.forEach((input, index) => (variables[document.variableName(index)] = input));
	const members = writes.map((write) => write.member);
	const sentAt = Date.now();
	let result;
	try {
		result = await session.execute({
			query: document.text,
			operationName: document.operationName,
			variables,
			isMutation: true,
			timeoutMs,
		});
	} catch (error) {
		if (error instanceof SageOutcomeUnknownError)
			return await lostWrites(session, info, writes, error, sentAt);
		return writes.map(() => ({ ok: false, error: requestFailure(error, members) }));
	}
	if (!refusedAsAWhole(result))
		return marked(
			withLinesNamed(splitAnswer(result, document, kinds, members, diagnoses), inputs),
			kinds,
		);
	const refusal = result;
	const failure = (index: number, own: unknown): Outcome => {
		const error = new SageAnswerError(
			(own as typeof refusal.errors | undefined) ??
				refusal.errors.map((entry) => reword(entry, 'create')),
		);
		return withLinesNamed([{ ok: false, error }], [inputs[index]])[0];
	};
	return await resendWithoutNamed(
		writes,
		namedInRefusal(refusal, 'create', writes.length),
		failure,
		(rest) => writeBatch(session, diagnoses, info, rest),
	);
}

/**
 * An update's Data: the found `_id` in, the Match On value out. The record holds that value
 * already (it was found by it), and Sage may refuse to take a natural key in an update.
 */
function updateInput({ member, id }: Write): IDataObject {
	const { [member.matchOn]: _matched, ...rest } = member.data;
	void _matched;
	return { ...rest, _id: id };
}

/** `_operation` on each written record: what happened to it. */
function marked(outcomes: Outcome[], kinds: Array<'create' | 'update'>): Outcome[] {
	return outcomes.map((outcome, index) =>
		outcome.ok
			? {
					...outcome,
					items: outcome.items.map((item) => ({
						...item,
						json: { ...item.json, _operation: kinds[index] === 'create' ? 'created' : 'updated' },
					})),
				}
			: outcome,
	);
}

/** A lost answer: creates are looked up by their natural key (verify-lost.ts), updates stay unknown; nothing is sent again. */
async function lostWrites(
	session: SageSession,
	info: RecordTypeInfo,
	writes: Write[],
	lost: SageOutcomeUnknownError,
	sentAt: number,
): Promise<Outcome[]> {
	const creates = writes.filter((write) => write.kind === 'create');
	const { fields, timeoutMs } = writes[0].member;
	const members = creates.map((write) => ({
		itemIndex: write.member.itemIndex,
		input: write.member.data,
	}));
	const verdicts = creates.length
		? await verifyLostAnswer({
				kind: 'create',
				members,
				lost,
				info,
				fields,
				sentAt,
				session,
				timeoutMs,
			})
		: [];
	return writes.map((write): Outcome => {
		if (write.kind === 'update')
			return {
				ok: false,
				error: requestFailure(
					lost,
					writes.map((entry) => entry.member),
				),
			};
		const verdict = verdicts[creates.indexOf(write)];
		return verdictOutcome(verdict, write.member.itemIndex, { _operation: 'created' });
	});
}
