/**
 * Orders instead of durations. A test that reads the clock around an operation fails by
 * chance on a loaded machine (an upper bound) or when the wall clock moves (Date.now()).
 * These helpers race the operation against a timer started next to it: timers fire in the
 * order of their deadlines on Node's monotonic clock, so "the answer came after a 380 ms
 * timer started before the call" holds however slow the machine is, and "the call ended
 * before a 10 s timer started when it was stopped" holds unless the process stalls 10 s,
 * while the wait it stands for (a 20 s Retry-After) would lose by seconds.
 */

export type Outcome<T> = { settled: true; value?: T; error?: unknown } | { settled: false };

/** Settles `work`, or reports that a timer of `ms`, started now, fired first. */
export async function raceTimer<T>(work: Promise<T>, ms: number): Promise<Outcome<T>> {
	let timer: NodeJS.Timeout | undefined;
	const timeUp = new Promise<Outcome<T>>((resolve) => {
		timer = setTimeout(() => resolve({ settled: false }), ms);
	});
	const done = work.then(
		(value): Outcome<T> => ({ settled: true, value }),
		(error: unknown): Outcome<T> => ({ settled: true, error }),
	);
	try {
		return await Promise.race([done, timeUp]);
	} finally {
		clearTimeout(timer);
	}
}

/** The value of `work`, which must settle before a timer of `ms` started now; else the test fails. */
export async function settlesBefore<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
	const outcome = await raceTimer(work, ms);
	if (!outcome.settled)
		throw new Error(`${what}: still going when a ${ms} ms timer started with it fired`);
	if ('error' in outcome && outcome.error !== undefined) throw outcome.error;
	return outcome.value as T;
}

/** The value of `work`, which must still be going when a timer of `ms` started now fires; else the test fails. */
export async function settlesAfter<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
	const outcome = await raceTimer(work, ms);
	if (outcome.settled)
		throw new Error(`${what}: it ended before a ${ms} ms timer started with it fired`);
	return await work;
}
