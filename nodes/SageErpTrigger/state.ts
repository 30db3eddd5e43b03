import type { IDataObject } from 'n8n-workflow';

/**
 * What the trigger remembers between polls, kept in the workflow's static data (node
 * scope) so it survives restarts and works the same in queue mode. Only Sage's own stamps
 * are used: the trigger never compares a stamp with this machine's clock.
 *
 * - `highWater`: the newest stamp seen.
 * - `floor`: each poll asks for records whose stamp is at or after it. It trails
 *   `highWater` by the lookback window, so a record written late with an older stamp
 *   (a long transaction committing after a poll, clock skew between Sage's servers) is
 *   still found; it never moves back.
 * - `seen`: every version emitted with a stamp at or after `floor`, grouped by stamp:
 *   `{ "<stamp>": { "<_id>": <_updateTick or null> } }`. A record whose `_id` is listed
 *   with the same stamp (and tick) is not emitted again, which is what keeps records that
 *   share a stamp across a poll boundary from being lost (`_gte`, not `_gt`) or doubled.
 * Entries older than `floor` are dropped, so the state stays small; see MAX_SEEN.
 * - `resume`: only while a reading is unfinished (n8n 2.40+ stops a poll at its time budget,
 *   see budget.ts): the floor that reading's query started from and Sage's cursor after its
 *   last page, so that the next poll sends the same query on from there. Nothing is read twice
 *   or skipped, however many records share one stamp.
 * - `pageSize`: only once a page Sage stopped at its 28-second limit made a poll end early:
 *   the rows per page that fit, which every later reading starts from (so that the next
 *   poll goes on instead of meeting the same limit, and the same end, again).
 * - `history`: only until the first reading after activation is finished: the newest stamp Sage
 *   held at activation. Versions stamped at or before it existed already: they are remembered,
 *   never emitted, also when that first reading spreads over several polls.
 */

export type TriggerEvent = 'created' | 'updated';

/** One version of a record as the trigger sees it. */
export interface RecordVersion {
	id: string;
	/** `_createStamp` or `_updateStamp`, exactly as Sage wrote it. */
	stamp: string;
	/** `_updateTick` for the updated event: tells two updates within one stamp apart. */
	tick: number | string | null;
}

/** The most record versions remembered; beyond it the floor moves up (see settle). */
export const MAX_SEEN = 5000;

/** How far the floor trails the newest stamp by default, in seconds. */
export const DEFAULT_LOOKBACK_SECONDS = 30;

const STATE_VERSION = 1;

/** Where an unfinished reading goes on: the same query (stamps from `floor`), after Sage's cursor `after`. */
export interface ResumePoint {
	floor: string | null;
	after: string;
}

interface StoredState {
	version: number;
	recordType: string;
	event: TriggerEvent;
	highWater: string | null;
	floor: string | null;
	seen: Record<string, Record<string, number | string | null>>;
	// Absent when not in use, so that states saved before these existed read the same.
	resume?: ResumePoint;
	history?: string;
	pageSize?: number;
}

/** Orders two Sage stamps: by instant, then by text (finer digits than milliseconds, if any). */
export function compareStamps(a: string, b: string): number {
	const difference = Date.parse(a) - Date.parse(b);
	if (difference !== 0 && !Number.isNaN(difference)) return difference < 0 ? -1 : 1;
	return a === b ? 0 : a < b ? -1 : 1;
}

export function isStamp(value: unknown): value is string {
	return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}

function laterOf(a: string | null, b: string | null): string | null {
	if (a === null) return b;
	if (b === null) return a;
	return compareStamps(a, b) >= 0 ? a : b;
}

export class PollState {
	private readonly seen = new Map<string, { stamp: string; tick: number | string | null }>();

	private resume: ResumePoint | null = null;

	private history: string | null = null;

	private pageSizeCap: number | null = null;

	private constructor(
		readonly recordType: string,
		readonly event: TriggerEvent,
		private highWater: string | null,
		private floor: string | null,
	) {}

	/**
	 * A first activation: the newest stamp Sage holds for the record type stands for "now"
	 * (null when it has no records yet: then everything that appears is new).
	 */
	static start(
		recordType: string,
		event: TriggerEvent,
		newestStamp: string | null,
		lookbackMs: number,
	): PollState {
		const state = new PollState(recordType, event, newestStamp, null);
		state.floor = newestStamp === null ? null : windowStart(newestStamp, lookbackMs);
		state.history = newestStamp;
		return state;
	}

	/** The state saved for this record type and event; undefined when there is none (or it was for another one). */
	static restore(
		data: IDataObject,
		recordType: string,
		event: TriggerEvent,
	): PollState | undefined {
		const stored = data as Partial<StoredState>;
		if (
			stored.version !== STATE_VERSION ||
			stored.recordType !== recordType ||
			stored.event !== event
		)
			return undefined;
		const highWater = isStamp(stored.highWater) ? stored.highWater : null;
		const floor = isStamp(stored.floor) ? stored.floor : null;
		if (highWater !== null && floor === null) return undefined;
		const state = new PollState(recordType, event, highWater, floor);
		for (const [stamp, ids] of Object.entries(stored.seen ?? {})) {
			if (!isStamp(stamp) || typeof ids !== 'object' || ids === null) continue;
			for (const [id, tick] of Object.entries(ids))
				state.seen.set(id, { stamp, tick: tick ?? null });
		}
		// A damaged resume point is dropped: reading again from the floor loses nothing (see forgetResume).
		const resume = stored.resume;
		if (
			resume &&
			typeof resume.after === 'string' &&
			resume.after &&
			(resume.floor === null || isStamp(resume.floor))
		) {
			state.resume = { floor: resume.floor, after: resume.after };
		}
		state.history = isStamp(stored.history) ? stored.history : null;
		const cap = stored.pageSize;
		state.pageSizeCap = typeof cap === 'number' && Number.isInteger(cap) && cap > 0 ? cap : null;
		return state;
	}

	/** Where the next query starts (`stamp >= floor`); null = from the beginning. */
	get queryFloor(): string | null {
		return this.floor;
	}

	get newestStamp(): string | null {
		return this.highWater;
	}

	get rememberedCount(): number {
		return this.seen.size;
	}

	/** Where the previous poll's reading stopped, when it did not reach the end. */
	get resumePoint(): ResumePoint | undefined {
		return this.resume ?? undefined;
	}

	/** Whether a version existed at activation (see `history`): remembered by accept(), never emitted. */
	isHistory(version: RecordVersion): boolean {
		return this.history !== null && compareStamps(version.stamp, this.history) <= 0;
	}

	/** Rows per page that fitted Sage's time limit when it last cut a poll short; undefined when none did. */
	get pageSize(): number | undefined {
		return this.pageSizeCap ?? undefined;
	}

	/** A poll ended early because a page this large did not fit Sage's time limit and the poll's budget. */
	lowerPageSize(rows: number): void {
		this.pageSizeCap = Math.min(this.pageSizeCap ?? rows, rows);
	}

	/**
	 * After a reading: `stoppedAt` where it stopped before the end, for the next poll to go on;
	 * undefined when it reached the end, which also ends the activation's history.
	 */
	readingEnded(stoppedAt: ResumePoint | undefined): void {
		this.resume = stoppedAt ?? null;
		if (!stoppedAt) this.history = null;
	}

	/**
	 * Drops the resume point (Sage refused its cursor): the next reading starts at the floor.
	 * Nothing is lost: what the stopped reading had not reached yet is stamped at or after the
	 * floor, and what it read there is in the seen set.
	 */
	forgetResume(): void {
		this.resume = null;
	}

	/**
	 * Takes one record version from a query: true when it was not emitted yet (and it is now
	 * remembered), false for a version already emitted, or older than one emitted.
	 */
	accept(version: RecordVersion): boolean {
		// Only a reading that goes on after a cursor (while settle moved the floor past it, beyond
		// MAX_SEEN) meets versions below the floor: they were dealt with, or given up on, there.
		if (this.floor !== null && compareStamps(version.stamp, this.floor) < 0) return false;
		this.highWater = laterOf(this.highWater, version.stamp);
		const previous = this.seen.get(version.id);
		if (previous) {
			const order = compareStamps(version.stamp, previous.stamp);
			if (order < 0) return false;
			if (order === 0 && !isNewerTick(version.tick, previous.tick)) return false;
		}
		this.seen.set(version.id, { stamp: version.stamp, tick: version.tick });
		return true;
	}

	/**
	 * After a poll: moves the floor up to the lookback window behind the newest stamp, and
	 * forgets what lies below it. When more than MAX_SEEN versions remain (a burst of writes
	 * inside the window), the floor moves further up, never past the newest stamp: versions
	 * that share the newest stamp are always kept, however many there are.
	 */
	settle(lookbackMs: number): void {
		if (this.highWater === null) return;
		this.floor = laterOf(this.floor, windowStart(this.highWater, lookbackMs));
		this.forgetBelow(this.floor!);
		if (this.seen.size <= MAX_SEEN) return;
		const counts = new Map<string, number>();
		for (const { stamp } of this.seen.values()) counts.set(stamp, (counts.get(stamp) ?? 0) + 1);
		const stamps = [...counts.keys()].sort((a, b) => compareStamps(b, a));
		let kept = 0;
		let floor = stamps[0];
		for (const stamp of stamps) {
			kept += counts.get(stamp)!;
			if (kept > MAX_SEEN && stamp !== stamps[0]) break;
			floor = stamp;
		}
		this.floor = laterOf(this.floor, floor);
		this.forgetBelow(this.floor!);
	}

	/** Writes the state into the node's static data; leaves it untouched when nothing changed (no needless save). */
	save(data: IDataObject): void {
		const seen: StoredState['seen'] = {};
		const byStamp = [...this.seen.entries()].sort(
			([idA, a], [idB, b]) => compareStamps(a.stamp, b.stamp) || compareIds(idA, idB),
		);
		for (const [id, { stamp, tick }] of byStamp) (seen[stamp] ??= {})[id] = tick;
		const next: StoredState = {
			version: STATE_VERSION,
			recordType: this.recordType,
			event: this.event,
			highWater: this.highWater,
			floor: this.floor,
			seen,
		};
		if (this.resume) next.resume = { ...this.resume };
		if (this.history !== null) next.history = this.history;
		if (this.pageSizeCap !== null) next.pageSize = this.pageSizeCap;
		const current: Partial<StoredState> = {
			version: data.version as number,
			recordType: data.recordType as string,
			event: data.event as TriggerEvent,
			highWater: data.highWater as string | null,
			floor: data.floor as string | null,
			seen: data.seen as StoredState['seen'],
		};
		if (data.resume !== undefined) current.resume = data.resume as unknown as ResumePoint;
		if (data.history !== undefined) current.history = data.history as string;
		if (data.pageSize !== undefined) current.pageSize = data.pageSize as number;
		if (JSON.stringify(current) === JSON.stringify(next)) return;
		for (const key of Object.keys(data)) if (!(key in next)) delete data[key];
		Object.assign(data, next);
	}

	private forgetBelow(floor: string): void {
		for (const [id, { stamp }] of this.seen)
			if (compareStamps(stamp, floor) < 0) this.seen.delete(id);
	}
}

/** The stamp `lookbackMs` before `stamp`, as an ISO string. */
function windowStart(stamp: string, lookbackMs: number): string {
	return new Date(Date.parse(stamp) - lookbackMs).toISOString();
}

/** Whether a tick shows a later update than the one remembered; unknown ticks count as the same version. */
function isNewerTick(tick: RecordVersion['tick'], previous: RecordVersion['tick']): boolean {
	if (tick === null || previous === null) return false;
	const a = Number(tick);
	const b = Number(previous);
	if (Number.isFinite(a) && Number.isFinite(b)) return a > b;
	return String(tick) !== String(previous);
}

function compareIds(a: string, b: string): number {
	const numeric = Number(a) - Number(b);
	if (!Number.isNaN(numeric) && numeric !== 0) return numeric;
	return a < b ? -1 : a > b ? 1 : 0;
}
