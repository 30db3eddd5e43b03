import type { IDataObject } from 'n8n-workflow';

import type { Diagnosis } from '../../sage-client/transport/graphql';
import {
	buildQueryDocument,
	parseSelection,
	requireRecordType,
	type QueryDocument,
} from '../../sage-client/documents';
import {
	SageDocumentError,
	SageGraphQLError,
	SageResponseError,
} from '../../sage-client/transport/errors';
import {
	connectionPage,
	followCursor,
	type Page,
	type PageRequest,
} from '../../sage-client/client/paginate';
import { RequestBudget } from '../../sage-client/transport/time-limit';
import { scalarFieldNames } from '../../sage-client/schema/schema';
import { checkFilter } from '../../sage-client/documents/filter-check';
import type { SageSession } from '../shared/session';
import { isStamp, type RecordVersion, type TriggerEvent } from './state';

/**
 * How the trigger reads Sage: one query document per poll, built from the schema with the
 * user's fields plus three aliased system fields the trigger needs (removed from the output
 * again), and every user value (filter, order, page size, cursor) sent as a variable.
 * Pages come through the client's followCursor, the poll's budget and the resume cursor
 * as its options; the schema, and its recovery after a Sage release, through the session.
 */

export const STAMP_FIELD: Record<TriggerEvent, '_createStamp' | '_updateStamp'> = {
	created: '_createStamp',
	updated: '_updateStamp',
};

// Response keys of the system fields the trigger adds to the selection; unlikely to clash with a user's alias.
const ID_KEY = 'sageErpTriggerId';
const STAMP_KEY = 'sageErpTriggerStamp';
const TICK_KEY = 'sageErpTriggerTick';

export interface WatchSettings {
	recordType: string;
	event: TriggerEvent;
	/** The user's selection; empty = every scalar field. */
	fields: string;
	/** The user's Sage filter, or undefined for none. */
	filter: string | undefined;
	pageSize: number;
	timeoutMs: number | undefined;
	/** Receives Sage's warnings (`extensions.diagnoses`) of each answer, so none is dropped silently. */
	onDiagnoses?: (diagnoses: Diagnosis[]) => void;
}

/** A record as it goes out, with the version the trigger keeps track of. */
export interface FoundRecord {
	json: IDataObject;
	version: RecordVersion;
}

/** How far one reading goes. */
export interface ReadLimits {
	/** Go on after this cursor of the same query (where an earlier poll stopped). */
	after?: string;
	/** Asked after each page that has a successor: false stops the reading there. */
	anotherPage?: () => boolean;
	/** Whether a request expected to take this long still fits the poll (a page Sage stopped at its time limit, asked again smaller). */
	fits?: (expectedMs: number) => boolean;
	/** Rows per page at most, below the Page Size option: what Sage's time limit allowed before. */
	pageSize?: number;
}

/** What one reading found, in order. */
export interface ChangesRead {
	records: FoundRecord[];
	/** Sage's cursor after the last page read, when the reading stopped before the end. */
	next?: string;
	/**
	 * The reading stopped because a page Sage stopped at its time limit, asked again with this
	 * many rows, would not have fitted the poll (`next` is where it goes on, if it read a page).
	 */
	outOfBudget?: { pageSize: number };
}

export class RecordWatch {
	private constructor(
		private readonly session: SageSession,
		private readonly settings: WatchSettings,
		private query: WatchQuery,
	) {}

	/** Checks the settings against the tenant's schema and builds the query; nothing else is sent. */
	static async open(session: SageSession, settings: WatchSettings): Promise<RecordWatch> {
		return new RecordWatch(session, settings, await buildWatchQuery(session, settings));
	}

	private get stampField(): string {
		return STAMP_FIELD[this.settings.event];
	}

	/** The newest stamp of the record type, whatever the filter: Sage's "now". Null when it has no records. */
	async newestStamp(): Promise<string | null> {
		const { records } = await this.fetch({
			filter: undefined,
			orderBy: `{${this.stampField}:-1,_id:-1}`,
			first: 1,
		});
		return records.length ? records[0].version.stamp : null;
	}

	/** The most recently created (or changed) record that matches the filter; for "Fetch Test Event". */
	async mostRecent(): Promise<FoundRecord | undefined> {
		const { records } = await this.fetch({
			filter: this.settings.filter,
			orderBy: `{${this.stampField}:-1,_id:-1}`,
			first: 1,
		});
		return records[0];
	}

	/**
	 * Every record matching the filter whose stamp is at or after `floor` (all of them when
	 * floor is null), oldest stamp first, then by `_id`, page after page: to the last page, or
	 * until `limits.anotherPage` says no (then `next` is where the same query goes on).
	 */
	async since(floor: string | null, limits: ReadLimits = {}): Promise<ChangesRead> {
		const filter = stampFilter(this.settings.filter, this.stampField, floor);
		return await this.fetch({ filter, orderBy: `{${this.stampField}:+1,_id:+1}`, ...limits });
	}

	private async fetch(read: ReadQuery): Promise<ChangesRead> {
		const found: FoundRecord[] = [];
		let last: Page<IDataObject> | undefined;
		let outOfTime: { after: string | undefined; first: number } | undefined;
		for await (const page of followCursor((request) => this.page(read, request), {
			pageSize: read.first ?? Math.min(this.settings.pageSize, read.pageSize ?? Infinity),
			limit: read.first,
			after: read.after,
			budget: new RequestBudget(),
			anotherPage: read.anotherPage,
			pageSizeLimit: this.session.client.pageSizeLimit(),
			fits: read.fits,
			outOfBudget: (stop) => (outOfTime = stop),
		})) {
			for (const node of page.nodes) found.push(this.toFound(node));
			last = page;
		}
		// A page Sage stopped at its time limit would not fit again: the next poll goes on from there, smaller.
		if (outOfTime)
			return {
				records: found,
				next: outOfTime.after,
				outOfBudget: { pageSize: outOfTime.first },
			};
		// More pages and no limit reached: the poll's budget stopped the reading there.
		const stopped = read.first === undefined && last?.hasNextPage && last.endCursor;
		return stopped ? { records: found, next: stopped } : { records: found };
	}

	/**
	 * One page. When Sage refuses the query because a release changed the schema, the
	 * session forgets the schema (once per poll) and the query is built anew and sent again,
	 * the same recovery as the node's operations.
	 */
	private async page(read: ReadQuery, request: PageRequest): Promise<Page<IDataObject>> {
		const variables: IDataObject = { orderBy: read.orderBy, first: request.first };
		if (read.filter !== undefined) variables.filter = read.filter;
		if (request.after !== undefined) variables.after = request.after;
		const send = () =>
			this.session.execute({
				query: this.query.document.text,
				operationName: this.query.document.operationName,
				variables,
				isMutation: false,
				timeoutMs: this.settings.timeoutMs,
			});
		let result = await send();
		if (result.errors.length && (await this.session.schemaChanged(result.errors))) {
			this.query = await buildWatchQuery(this.session, this.settings);
			result = await send();
		}
		if (result.diagnoses.length) this.settings.onDiagnoses?.(result.diagnoses);
		if (result.errors.length) {
			throw new SageGraphQLError(result.errors, {
				hint: read.filter
					? `Check the Filter: it must be a Sage filter on fields of ${this.settings.recordType}, e.g. {isActive:true}. The trigger combines it with its own condition as {_and:[<your filter>, {${this.stampField}:{_gte:'<last stamp>'}}]}.`
					: `Check the Fields: they must be fields of ${this.settings.recordType}.`,
			});
		}
		let connection: unknown = result.data;
		for (const key of this.query.document.path)
			connection = (connection as IDataObject | null | undefined)?.[key];
		if (typeof connection !== 'object' || connection === null) {
			throw new SageResponseError(
				`Sage's answer holds no list of ${this.settings.recordType} records.`,
			);
		}
		return connectionPage<IDataObject>(connection);
	}

	private toFound(node: IDataObject): FoundRecord {
		const { [ID_KEY]: id, [STAMP_KEY]: stamp, [TICK_KEY]: tick, ...json } = node ?? {};
		if ((typeof id !== 'string' && typeof id !== 'number') || !isStamp(stamp)) {
			throw new SageResponseError(
				`Sage returned a ${this.settings.recordType} record without a usable _id or ${this.stampField} (${JSON.stringify(stamp ?? null)}).`,
			);
		}
		const version: RecordVersion = {
			id: String(id),
			stamp,
			tick:
				this.query.tracksTicks && (typeof tick === 'number' || typeof tick === 'string')
					? tick
					: null,
		};
		return { json, version };
	}
}

/** One reading's query: its order, its filter, and how far it goes. */
type ReadQuery = { filter: string | undefined; orderBy: string; first?: number } & ReadLimits;

/** The trigger's query document, built from the schema as it is now, and whether it reads `_updateTick`. */
interface WatchQuery {
	document: QueryDocument;
	tracksTicks: boolean;
}

async function buildWatchQuery(session: SageSession, settings: WatchSettings): Promise<WatchQuery> {
	const schema = await session.recordSchema(
		{ recordType: settings.recordType, fields: settings.fields, filter: settings.filter },
		settings.timeoutMs,
	);
	const info = requireRecordType(schema, settings.recordType);
	// A misspelt property fails here, naming the closest one, rather than at Sage on every poll.
	if (settings.filter !== undefined) checkFilter(info, settings.filter);
	const stampField = STAMP_FIELD[settings.event];
	const recordFields = info.recordObject.getFields();
	if (!recordFields._id || !recordFields[stampField]) {
		throw new SageDocumentError(
			`The record type ${info.recordType} has no ${recordFields._id ? stampField : '_id'} field, so the trigger cannot follow its changes.`,
			'Pick another record type, or use the Sage ERP node on a schedule.',
			'Record Type',
		);
	}
	const tracksTicks = settings.event === 'updated' && Boolean(recordFields._updateTick);
	const userFields = settings.fields.trim();
	// Syntax errors are reported on the user's own text, before the system fields are added.
	if (userFields) parseSelection(userFields, 'Fields');
	const selection = [
		userFields || scalarFieldNames(info.recordObject).join(' '),
		`${ID_KEY}: _id ${STAMP_KEY}: ${stampField}${tracksTicks ? ` ${TICK_KEY}: _updateTick` : ''}`,
	].join('\n');
	const document = buildQueryDocument(schema, info, selection);
	const missing = ['filter', 'orderBy', 'first', 'after'].filter(
		(name) => !document.arguments.has(name),
	);
	if (missing.length) {
		throw new SageDocumentError(
			`The record type ${info.recordType} cannot be queried with ${missing.join(', ')}, which the trigger needs.`,
			'Pick another record type, or use the Sage ERP node on a schedule.',
			'Record Type',
		);
	}
	return { document, tracksTicks };
}

/**
 * The user's filter AND "stamp at or after floor": `{_and:[<filter>,{_updateStamp:{_gte:'...'}}]}`.
 * `_gte` (not `_gt`) so that records sharing the last stamp seen are asked for again; the
 * ones already emitted are skipped by the state.
 */
export function stampFilter(
	filter: string | undefined,
	stampField: string,
	floor: string | null,
): string | undefined {
	const condition =
		floor === null
			? undefined
			: `{${stampField}:{_gte:'${floor.replace(/[\\']/g, (character) => `\\${character}`)}'}}`;
	if (!filter) return condition;
	if (!condition) return filter;
	// A top-level array is Sage's AND already: its conditions join the trigger's own.
	const conditions = /^\[[\s\S]*\]$/.test(filter) ? filter.slice(1, -1).trim() : filter;
	return conditions ? `{_and:[${conditions},${condition}]}` : condition;
}
