import { requireRecordType } from '../../../../../sage-client/documents';
import { SageAnswerError, SageResponseError } from '../../../../../sage-client/transport/errors';
import type { SageSession } from '../../../../shared/session';
import { requestFailure, type Outcome } from '../../common/batches';
import type { DiagnosisReport } from '../../common/diagnoses';
import { findByKey } from './upsert-lookup';
import { writeBatch, type Write } from './upsert-merge';
import type { UpsertMember } from './upsert-member';

/**
 * Create or Update, one batch: rounds of lookup (upsert-lookup.ts) and merged write
 * (upsert-merge.ts). A create that Sage refuses because the record already exists (another
 * execution created it since the lookup) is looked up again and becomes an update, so two
 * executions racing on one key never both create it.
 */

/** Lookups and writes per batch: one of each, and one more of each for the records that appeared meanwhile. */
const MAX_ROUNDS = 3;

/** Rounds of lookup and write until every member is written or has failed for good. */
export async function upsertBatch(
	session: SageSession,
	diagnoses: DiagnosisReport,
	batch: UpsertMember[],
): Promise<Outcome[]> {
	const { recordType, matchOn, timeoutMs, fields } = batch[0];
	const schema = await session.recordSchema({ recordType, fields, mutation: true }, timeoutMs);
	const info = requireRecordType(schema, recordType);
	const outcomes = new Map<UpsertMember, Outcome>();
	let pending = batch;
	for (let round = 0; round < MAX_ROUNDS && pending.length; round++) {
		let found: Map<string, string[]>;
		try {
			found = await findByKey(session, diagnoses, info, matchOn, pending, timeoutMs);
		} catch (error) {
			for (const member of pending)
				outcomes.set(member, { ok: false, error: requestFailure(error, pending) });
			break;
		}
		const { writes, later } = planWrites(pending, found, outcomes);
		const written = writes.length ? await writeBatch(session, diagnoses, info, writes) : [];
		pending = later;
		written.forEach((outcome, index) => {
			const { member, kind } = writes[index];
			outcomes.set(member, outcome);
			if (
				!outcome.ok &&
				kind === 'create' &&
				alreadyExists(outcome.error) &&
				round + 1 < MAX_ROUNDS
			)
				pending.push(member);
		});
	}
	return batch.map(
		(member) =>
			outcomes.get(member) ?? {
				ok: false,
				error: new SageResponseError(
					'This record kept changing in Sage while it was being written; it was not written.',
				),
			},
	);
}

/**
 * Found: an update (more than one record holding the key fails: the key does not say which).
 * Not found: a create, once per key; another member with the same key waits for the next
 * round, to update the record the first one creates.
 */
function planWrites(
	pending: UpsertMember[],
	found: Map<string, string[]>,
	outcomes: Map<UpsertMember, Outcome>,
): { writes: Write[]; later: UpsertMember[] } {
	const writes: Write[] = [];
	const later: UpsertMember[] = [];
	const creating = new Set<string>();
	for (const member of pending) {
		const key = String(member.key);
		const ids = found.get(key) ?? [];
		if (ids.length > 1) {
			const error = new SageResponseError(
				`${ids.length} ${member.recordType} records have ${member.matchOn} "${key}" (_id ${ids.slice(0, 5).join(', ')}); Create or Update cannot tell which to update.`,
				{
					hint: 'Set Match On to a field that identifies one record, such as its natural key (id, number or code).',
				},
			);
			outcomes.set(member, { ok: false, error });
		} else if (ids.length === 1) writes.push({ member, kind: 'update', id: ids[0] });
		else if (creating.has(key)) later.push(member);
		else if (member.createRefusal) outcomes.set(member, { ok: false, error: member.createRefusal });
		else {
			creating.add(key);
			writes.push({ member, kind: 'create' });
		}
	}
	return { writes, later };
}

function alreadyExists(error: unknown): boolean {
	return (
		error instanceof SageAnswerError &&
		error.errors.some(
			(entry) =>
				/already exists?/i.test(String(entry.message)) ||
				entry.extensions?.code === 'duplicate-key',
		)
	);
}
