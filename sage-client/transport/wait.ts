import { SageAbortedError } from './errors';

/**
 * Timer-free waiting: n8n's verification forbids the timer globals in a community package,
 * so deadlines and pauses are built on `AbortSignal.timeout`. Listeners go on each signal
 * directly, never on an `AbortSignal.any` composite: Node.js 20 may collect a composite
 * that only its own listener refers to, and a wait on it would then never end.
 */

/** Waits `ms`, or rejects with SageAbortedError as soon as `signal` fires. */
export function wait(ms: number, signal?: AbortSignal): Promise<void> {
	if (signal?.aborted) return Promise.reject(new SageAbortedError());
	const elapsed = AbortSignal.timeout(Math.max(0, ms));
	return new Promise((resolve, reject) => {
		const onAbort = () => {
			elapsed.removeEventListener('abort', onElapsed);
			reject(new SageAbortedError());
		};
		const onElapsed = () => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		};
		elapsed.addEventListener('abort', onElapsed, { once: true });
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}

/** A signal that fires when any of `sources` fires; `release()` detaches it once the work is done. */
export function eitherSignal(sources: Array<AbortSignal | undefined>): {
	signal: AbortSignal;
	release(): void;
} {
	const controller = new AbortController();
	const present = sources.filter((source): source is AbortSignal => source !== undefined);
	const fire = () => controller.abort();
	for (const source of present) {
		if (source.aborted) controller.abort();
		else source.addEventListener('abort', fire, { once: true });
	}
	return {
		signal: controller.signal,
		release: () => {
			for (const source of present) source.removeEventListener('abort', fire);
		},
	};
}
