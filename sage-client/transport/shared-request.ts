import { SageAbortedError } from './errors';

/**
 * One request that many callers wait for (the token exchange, the schema fetch), and
 * how many still wait. A caller whose execution is stopped stops waiting; when no caller
 * is left the request is aborted, so a hung endpoint keeps no socket open for stopped
 * executions, while a request that someone still waits for outlives the caller that
 * started it. A caller without a signal waits to the end (the request's own timeout).
 */
export class SharedRequest<T> {
	readonly promise: Promise<T>;
	private readonly controller = new AbortController();
	private waiters = 0;

	constructor(start: (signal: AbortSignal) => Promise<T>) {
		this.promise = start(this.controller.signal);
		// Callers that stopped waiting are not told; nobody else may see an unhandled rejection.
		this.promise.catch(() => undefined);
	}

	/** Whether every caller left and the request was aborted: start a new one. */
	get abandoned(): boolean {
		return this.controller.signal.aborted;
	}

	join(signal?: AbortSignal): Promise<T> {
		if (!signal) {
			this.waiters = Number.POSITIVE_INFINITY; // someone waits to the end: never aborted
			return this.promise;
		}
		if (signal.aborted) return Promise.reject(new SageAbortedError());
		this.waiters++;
		return new Promise<T>((resolve, reject) => {
			const onAbort = () => {
				this.waiters--;
				if (this.waiters <= 0) this.controller.abort();
				reject(new SageAbortedError());
			};
			signal.addEventListener('abort', onAbort, { once: true });
			this.promise.then(
				(value) => {
					signal.removeEventListener('abort', onAbort);
					resolve(value);
				},
				(error: unknown) => {
					signal.removeEventListener('abort', onAbort);
					reject(error);
				},
			);
		});
	}
}
