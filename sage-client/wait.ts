import { SageAbortedError } from './errors';

/**
 * Waits `ms`, or rejects with SageAbortedError as soon as `signal` fires. Built on
 * `AbortSignal.timeout`, whose timer does not keep the process alive, because n8n's
 * verification forbids the timer globals in a community package.
 *
 * It listens to the two signals apart rather than to `AbortSignal.any([signal, elapsed])`:
 * on Node.js 20 nothing holds a composite signal once it is made, so the garbage collector
 * may take it with its listener, and the wait never ends (a soak under load hung so, at a
 * Retry-After). A timeout signal is kept while it has a listener.
 */
export function wait(ms: number, signal?: AbortSignal): Promise<void> {
	if (signal?.aborted) return Promise.reject(new SageAbortedError());
	const elapsed = AbortSignal.timeout(Math.max(0, ms));
	return new Promise((resolve, reject) => {
		const stopped = () => {
			elapsed.removeEventListener('abort', done);
			reject(new SageAbortedError());
		};
		const done = () => {
			signal?.removeEventListener('abort', stopped);
			resolve();
		};
		elapsed.addEventListener('abort', done, { once: true });
		signal?.addEventListener('abort', stopped, { once: true });
	});
}
