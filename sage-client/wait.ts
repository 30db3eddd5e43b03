import { SageAbortedError } from './errors';

/**
 * Waits `ms`, or rejects with SageAbortedError as soon as `signal` fires. Built on
 * `AbortSignal.timeout`, whose timer does not keep the process alive, because n8n's
 * verification forbids the timer globals in a community package.
 */
export function wait(ms: number, signal?: AbortSignal): Promise<void> {
	if (signal?.aborted) return Promise.reject(new SageAbortedError());
	const elapsed = AbortSignal.timeout(Math.max(0, ms));
	const either = signal ? AbortSignal.any([signal, elapsed]) : elapsed;
	return new Promise((resolve, reject) => {
		either.addEventListener(
			'abort',
			() => {
				if (signal?.aborted) reject(new SageAbortedError());
				else resolve();
			},
			{ once: true },
		);
	});
}
