import type { IDataObject } from 'n8n-workflow';

import { buildQueryDocument, type QueryDocument } from '../../../../../sage-client/documents';
import { SageAnswerError, SageResponseError } from '../../../../../sage-client/transport/errors';
import {
	SAGE_KNOWN_PAGE_SIZE,
	connectionPage,
	followCursor,
	pageVariables,
	type Page,
	type PageRequest,
} from '../../../../../sage-client/client/paginate';
import type { RecordTypeInfo } from '../../../../../sage-client/schema/schema';
import type { SageSession } from '../../../../shared/session';
import type { DiagnosisReport } from '../../common/diagnoses';
import { valueAt } from '../../common/items';

/**
 * Create or Update finds existing records by one field (Match On): every key of a batch in
 * ONE query, `query(filter: "{id:{_in:[...]}}")`, the keys travelling as JSON inside the
 * filter variable (never spliced into the document), following pages when there are more.
 */

export type MatchKey = string | number;

/** The `_id`s of the records holding each key, by the key's text. */
export type FoundRecords = Map<string, string[]>;

const documents = new WeakMap<RecordTypeInfo, Map<string, QueryDocument>>();

function lookupDocument(
	info: RecordTypeInfo,
	matchOn: string,
	schema: Parameters<typeof buildQueryDocument>[0],
): QueryDocument {
	let byField = documents.get(info);
	if (!byField) documents.set(info, (byField = new Map()));
	let document = byField.get(matchOn);
	if (!document)
		byField.set(
			matchOn,
			(document = buildQueryDocument(schema, info, `_id ${matchOn}`, 'SageErpUpsertLookup')),
		);
	return document;
}

/** Sage's warnings on the lookup go to every item it was made for. */
export async function findByKey(
	session: SageSession,
	diagnoses: DiagnosisReport,
	info: RecordTypeInfo,
	matchOn: string,
	members: Array<{ itemIndex: number; key: MatchKey }>,
	timeoutMs: number | undefined,
): Promise<FoundRecords> {
	const found: FoundRecords = new Map();
	const keys = members.map((member) => member.key);
	if (!keys.length) return found;
	const schema = await session.recordSchema({ recordType: info.recordType }, timeoutMs);
	const document = lookupDocument(info, matchOn, schema);
	const filter = JSON.stringify({ [matchOn]: { _in: [...new Set(keys)] } });
	const fetchPage = async (request: PageRequest): Promise<Page<IDataObject>> => {
		const variables: IDataObject = { filter, ...pageVariables(request, document.arguments) };
		const result = await session.execute({
			query: document.text,
			operationName: document.operationName,
			variables,
			isMutation: false,
			timeoutMs,
		});
		for (const member of members) diagnoses.note(result.diagnoses, member.itemIndex);
		if (result.errors.length)
			throw new SageAnswerError(result.errors, result.data, result.diagnoses);
		const connection = valueAt(result.data, document.path);
		if (typeof connection !== 'object' || connection === null)
			throw new SageResponseError(
				`Sage's answer to the lookup holds no list of ${info.recordType} records.`,
			);
		return connectionPage<IDataObject>(connection);
	};
	for await (const page of followCursor<IDataObject>(fetchPage, {
		pageSize: SAGE_KNOWN_PAGE_SIZE,
		pageSizeLimit: session.client.pageSizeLimit(),
	})) {
		for (const record of page.nodes) {
			const key = record[matchOn];
			if (key === null || key === undefined || typeof record._id !== 'string') continue;
			found.set(String(key), [...(found.get(String(key)) ?? []), record._id]);
		}
	}
	return found;
}
