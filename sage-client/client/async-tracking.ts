import { SageOperationFailedError, SageTimeoutError } from '../transport/errors';
import { wait } from '../transport/wait';

/**
 * Polling an asynchronous operation until its status says it is done. Sage documents no
 * status values, so any string is taken: the ones that plainly mean success or failure
 * end the polling, every other one (known words for "still running", and words never seen)
 * keeps it going until the time limit, whose error names the last status and says whether
 * the word was known.
 */
export type StatusKind = 'success' | 'failure' | 'running' | 'unknown';

// Compared lower-case with everything but letters dropped: "In Progress", "in_progress" and "inProgress" are one word.
const SUCCESS = new Set([
	'success',
	'succeeded',
	'successful',
	'done',
	'completed',
	'complete',
	'finished',
	'ok',
	'ready',
	'available',
]);
const FAILURE = new Set([
	'error',
	'errors',
	'failed',
	'failure',
	'aborted',
	'cancelled',
	'canceled',
	'stopped',
	'interrupted',
	'rejected',
	'expired',
	'timeout',
	'timedout',
	'killed',
]);
const RUNNING = new Set([
	'pending',
	'running',
	'inprogress',
	'queued',
	'new',
	'started',
	'starting',
	'submitted',
	'waiting',
	'processing',
	'scheduled',
	'created',
	'accepted',
	'initialized',
	'executing',
]);

export function statusKind(status: string): StatusKind {
	const word = status.toLowerCase().replace(/[^a-z]/g, '');
	if (SUCCESS.has(word)) return 'success';
	if (FAILURE.has(word)) return 'failure';
	if (RUNNING.has(word)) return 'running';
	return 'unknown';
}

/** The status word of a tracking answer; empty when it has none. */
export function statusOf(tracking: Record<string, unknown>): string {
	return tracking.status === undefined || tracking.status === null ? '' : String(tracking.status);
}

export interface TrackOptions {
	/** `package.node.operation`, for messages. */
	name: string;
	trackingId: string;
	intervalMs: number;
	timeLimitMs: number;
	/** The execution's cancel signal: a stopped execution stops polling at once. */
	signal?: AbortSignal;
	now?: () => number;
}

/** Polls (after each interval) until a status of success, which gives the tracking answer; failure and the time limit throw. */
export async function trackUntilDone(
	poll: () => Promise<Record<string, unknown>>,
	options: TrackOptions,
): Promise<Record<string, unknown>> {
	const now = options.now ?? Date.now;
	const startedAt = now();
	for (;;) {
		const remaining = options.timeLimitMs - (now() - startedAt);
		await wait(Math.max(0, Math.min(options.intervalMs, remaining)), options.signal);
		const tracking = await poll();
		const status = statusOf(tracking);
		const kind = statusKind(status);
		if (kind === 'success') return tracking;
		if (kind === 'failure') throw failed(options, status, tracking);
		if (now() - startedAt >= options.timeLimitMs) throw timedOut(options, status, kind);
	}
}

function failed(
	options: TrackOptions,
	status: string,
	tracking: Record<string, unknown>,
): SageOperationFailedError {
	const said = ['errorMessage', 'message', 'error', 'errorText', 'reason']
		.map((key) => tracking[key])
		.find((value): value is string => typeof value === 'string' && value.trim() !== '');
	return new SageOperationFailedError(
		`Sage's asynchronous operation ${options.name} ended with the status "${status}"${said ? `: ${said.trim().replace(/\.?$/, '.')}` : '.'}`,
		{
			trackingId: options.trackingId,
			status,
			hint: `Check the Arguments against what ${options.name} expects. Its tracking ID in Sage is ${options.trackingId}.`,
		},
	);
}

function timedOut(options: TrackOptions, status: string, kind: StatusKind): SageTimeoutError {
	const seconds = Math.round(options.timeLimitMs / 100) / 10;
	const last = status ? `"${status}"` : 'empty';
	const known =
		kind === 'unknown' && status ? ', a word the node does not know as finished or failed' : '';
	return new SageTimeoutError(
		`Sage's asynchronous operation ${options.name} had not finished after ${seconds} s (Options > Time Limit): its last status was ${last}${known}. Tracking ID: ${options.trackingId}.`,
		{ hint: 'Raise Options > Time Limit; the operation may still finish in Sage.' },
	);
}
