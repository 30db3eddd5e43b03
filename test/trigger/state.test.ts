/**
 * The trigger's memory between polls (nodes/SageErpTrigger/state.ts), without n8n or Sage:
 * what is emitted, what is skipped, and how the state stays small.
 */
import type { IDataObject } from 'n8n-workflow';

import { stampFilter } from '../../nodes/SageErpTrigger/changes';
import {
	MAX_SEEN,
	PollState,
	compareStamps,
	type RecordVersion,
} from '../../nodes/SageErpTrigger/state';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (ms: number): string => new Date(T0 + ms).toISOString();
const version = (id: string | number, ms: number, tick: number | null = null): RecordVersion => ({
	id: String(id),
	stamp: at(ms),
	tick,
});
const LOOKBACK = 30_000;

/** Feeds one query answer to the state, as a poll that read to the end does, and returns the ids emitted. */
function poll(state: PollState, answer: RecordVersion[]): string[] {
	const emitted = answer
		.filter((entry) => state.accept(entry) && !state.isHistory(entry))
		.map((entry) => entry.id);
	state.readingEnded(undefined);
	state.settle(LOOKBACK);
	return emitted;
}

/** What the query of the next poll would return from a table of current versions. */
function visible(state: PollState, table: RecordVersion[]): RecordVersion[] {
	const floor = state.queryFloor;
	return table
		.filter((entry) => floor === null || compareStamps(entry.stamp, floor) >= 0)
		.sort((a, b) => compareStamps(a.stamp, b.stamp) || Number(a.id) - Number(b.id));
}

describe('the trigger state', () => {
	it('starts the floor one lookback window before the newest stamp', () => {
		const state = PollState.start('xtremSales.salesOrder', 'updated', at(0), LOOKBACK);
		expect(state.queryFloor).toBe(at(-LOOKBACK));
		expect(state.newestStamp).toBe(at(0));
	});

	it('starts from the beginning when the record type has no records yet', () => {
		const state = PollState.start('xtremSales.salesOrder', 'created', null, LOOKBACK);
		expect(state.queryFloor).toBeNull();
		expect(poll(state, [version(1, 5)])).toEqual(['1']);
		expect(state.queryFloor).toBe(at(5 - LOOKBACK));
	});

	it('emits records that share the last stamp across a poll boundary once each', () => {
		const state = PollState.start('xtremMasterData.customer', 'updated', at(0), LOOKBACK);
		const table = [version(1, 100, 1), version(2, 100, 1)];
		expect(poll(state, visible(state, table))).toEqual(['1', '2']);
		// Written after the poll, with the same stamp as the two before.
		table.push(version(3, 100, 1));
		expect(poll(state, visible(state, table))).toEqual(['3']);
		expect(poll(state, visible(state, table))).toEqual([]);
	});

	it('emits a record again for each later change, and tells updates within one stamp apart by their tick', () => {
		const state = PollState.start('xtremMasterData.customer', 'updated', at(0), LOOKBACK);
		expect(poll(state, [version(7, 100, 1)])).toEqual(['7']);
		expect(poll(state, [version(7, 100, 1)])).toEqual([]);
		expect(poll(state, [version(7, 100, 2)])).toEqual(['7']);
		expect(poll(state, [version(7, 250, 3)])).toEqual(['7']);
		expect(poll(state, [version(7, 250, 3)])).toEqual([]);
	});

	it('never emits a version older than one already emitted', () => {
		const state = PollState.start('xtremMasterData.customer', 'updated', at(0), LOOKBACK);
		expect(poll(state, [version(7, 200, 2)])).toEqual(['7']);
		expect(poll(state, [version(7, 100, 1)])).toEqual([]);
		expect(poll(state, [version(7, 200, 1)])).toEqual([]);
	});

	it('finds a record written late with a stamp inside the lookback window', () => {
		const state = PollState.start('xtremMasterData.customer', 'created', at(0), LOOKBACK);
		expect(poll(state, [version(1, 10_000)])).toEqual(['1']);
		// A transaction that began 5 s before record 1 commits after the poll.
		const table = [version(1, 10_000), version(2, 5_000)];
		expect(poll(state, visible(state, table))).toEqual(['2']);
		expect(poll(state, visible(state, table))).toEqual([]);
	});

	it('forgets what is older than the window, and never moves the floor back', () => {
		const state = PollState.start('xtremMasterData.customer', 'created', at(0), LOOKBACK);
		poll(state, [version(1, 1_000), version(2, 2_000)]);
		expect(state.rememberedCount).toBe(2);
		poll(state, [version(3, 100_000)]);
		expect(state.queryFloor).toBe(at(100_000 - LOOKBACK));
		expect(state.rememberedCount).toBe(1);
		state.settle(LOOKBACK * 10);
		expect(state.queryFloor).toBe(at(100_000 - LOOKBACK));
	});

	it(`keeps at most ${MAX_SEEN} versions, always all of those at the newest stamp`, () => {
		const state = PollState.start('xtremMasterData.customer', 'created', at(0), LOOKBACK);
		const burst = Array.from({ length: MAX_SEEN + 1000 }, (_, index) =>
			version(index + 1, 1 + Math.floor(index / 10)),
		);
		expect(poll(state, burst)).toHaveLength(burst.length);
		expect(state.rememberedCount).toBeLessThanOrEqual(MAX_SEEN);
		// Whatever stays visible from the raised floor is still recognised.
		expect(poll(state, visible(state, burst))).toEqual([]);

		const tie = PollState.start('xtremMasterData.customer', 'created', at(0), LOOKBACK);
		const sameStamp = Array.from({ length: MAX_SEEN + 10 }, (_, index) => version(index + 1, 500));
		poll(tie, sameStamp);
		expect(tie.rememberedCount).toBe(MAX_SEEN + 10);
		expect(poll(tie, visible(tie, sameStamp))).toEqual([]);
	});

	it('round-trips through static data, and saves nothing when nothing changed', () => {
		const state = PollState.start('xtremMasterData.customer', 'updated', at(0), LOOKBACK);
		poll(state, [version(1, 100, 1), version(2, 100, 4)]);
		const data: IDataObject = {};
		state.save(data);
		expect(data).toEqual({
			version: 1,
			recordType: 'xtremMasterData.customer',
			event: 'updated',
			highWater: at(100),
			floor: at(100 - LOOKBACK),
			seen: { [at(100)]: { '1': 1, '2': 4 } },
		});
		const stored = JSON.parse(JSON.stringify(data)) as IDataObject;
		const restored = PollState.restore(stored, 'xtremMasterData.customer', 'updated')!;
		expect(poll(restored, [version(1, 100, 1), version(2, 100, 5)])).toEqual(['2']);

		const watched = new Proxy(JSON.parse(JSON.stringify(data)) as IDataObject, {
			set: () => {
				throw new Error('static data was written although nothing changed');
			},
		});
		PollState.restore(watched, 'xtremMasterData.customer', 'updated')!.save(watched);
	});

	it('starts again when the record type or the event changed', () => {
		const data: IDataObject = {};
		PollState.start('xtremMasterData.customer', 'updated', at(0), LOOKBACK).save(data);
		expect(PollState.restore(data, 'xtremMasterData.customer', 'updated')).toBeDefined();
		expect(PollState.restore(data, 'xtremMasterData.customer', 'created')).toBeUndefined();
		expect(PollState.restore(data, 'xtremSales.salesOrder', 'updated')).toBeUndefined();
		expect(PollState.restore({}, 'xtremSales.salesOrder', 'updated')).toBeUndefined();
	});
});

describe('a reading that stops at the poll budget', () => {
	const TYPE = 'xtremMasterData.customer';

	it('keeps where it stopped and what is history across polls, and drops both once a reading reaches the end', () => {
		const first = PollState.start(TYPE, 'created', at(0), LOOKBACK);
		// The first reading stops after one page: a record from before activation, one from after.
		expect(
			[version(1, -10_000), version(2, 50)]
				.filter((entry) => first.accept(entry) && !first.isHistory(entry))
				.map((entry) => entry.id),
		).toEqual(['2']);
		first.readingEnded({ floor: at(-LOOKBACK), after: '["cursor-1"]' });
		first.settle(LOOKBACK);
		const data: IDataObject = {};
		first.save(data);
		expect(data).toMatchObject({
			resume: { floor: at(-LOOKBACK), after: '["cursor-1"]' },
			history: at(0),
		});

		const next = PollState.restore(
			JSON.parse(JSON.stringify(data)) as IDataObject,
			TYPE,
			'created',
		)!;
		expect(next.resumePoint).toEqual({ floor: at(-LOOKBACK), after: '["cursor-1"]' });
		// Still the activation's history: another record from before activation is remembered, not emitted.
		expect(next.isHistory(version(3, -5_000))).toBe(true);
		expect(next.isHistory(version(4, 1))).toBe(false);
		expect(poll(next, [version(3, -5_000), version(4, 1)])).toEqual(['4']);
		expect(next.resumePoint).toBeUndefined();
		expect(next.isHistory(version(5, -5_000))).toBe(false);
		const finished: IDataObject = {};
		next.save(finished);
		// A finished reading stores exactly what states stored before resume points existed.
		expect(Object.keys(finished).sort()).toEqual([
			'event',
			'floor',
			'highWater',
			'recordType',
			'seen',
			'version',
		]);
	});

	it('drops a damaged resume point, so that the next reading starts at the floor', () => {
		const state = PollState.start(TYPE, 'created', at(0), LOOKBACK);
		const data: IDataObject = {};
		state.save(data);
		for (const resume of [
			{ floor: 'not a stamp', after: 'x' },
			{ floor: at(0), after: '' },
			{ floor: at(0) },
			'x',
		]) {
			expect(
				PollState.restore({ ...data, resume } as IDataObject, TYPE, 'created')!.resumePoint,
			).toBeUndefined();
		}
		expect(
			PollState.restore({ ...data, resume: { floor: null, after: 'x' } }, TYPE, 'created')!
				.resumePoint,
		).toEqual({ floor: null, after: 'x' });
	});

	it('takes nothing from below the floor, which a reading going on after a cursor can meet once the floor moved past it', () => {
		const state = PollState.start(TYPE, 'created', at(0), LOOKBACK);
		const burst = Array.from({ length: MAX_SEEN + 10 }, (_, index) =>
			version(index + 1, 100 + Math.floor(index / 10)),
		);
		poll(state, burst);
		const floor = state.queryFloor!;
		expect(compareStamps(floor, at(100))).toBeGreaterThan(0);
		expect(state.accept(version(1, 100))).toBe(false);
		expect(state.accept(version(999_999, 100))).toBe(false);
		expect(state.accept({ id: '999999', stamp: floor, tick: null })).toBe(true);
	});
});

describe('the stamp filter', () => {
	it('combines the user filter with the stamp condition using _and', () => {
		expect(stampFilter("{city:'Lyon'}", '_updateStamp', '2026-03-01T10:00:00.000Z')).toBe(
			"{_and:[{city:'Lyon'},{_updateStamp:{_gte:'2026-03-01T10:00:00.000Z'}}]}",
		);
		expect(stampFilter(undefined, '_createStamp', '2026-03-01T10:00:00.000Z')).toBe(
			"{_createStamp:{_gte:'2026-03-01T10:00:00.000Z'}}",
		);
		expect(stampFilter("{city:'Lyon'}", '_createStamp', null)).toBe("{city:'Lyon'}");
		expect(stampFilter(undefined, '_createStamp', null)).toBeUndefined();
	});
});
