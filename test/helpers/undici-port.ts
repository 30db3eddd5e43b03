/**
 * The Sage client's port over undici, for tests, the simulator tooling and benchmarks:
 * the shipped package sends through n8n's HTTP helper instead (n8n-transport/http-port.ts),
 * because n8n's verification forbids bundling an HTTP stack, and n8n's helper is what
 * applies an administrator's proxy, TLS, domain and SSRF settings.
 */
import { Agent, request, type Dispatcher } from 'undici';

import type { Transport, RetryPolicy } from '../../sage-client/transport/http';
import { PortFailure, failureCode, type SendPort } from '../../sage-client/transport/port';

let agent: Agent | undefined;

function sharedAgent(): Agent {
	agent ??= new Agent({ keepAliveTimeout: 4_000, connections: 64 });
	return agent;
}

/** Closes the pooled sockets of the shared agent (a later request opens a new one). */
export async function closeUndiciAgent(): Promise<void> {
	const current = agent;
	agent = undefined;
	if (current) await current.close();
}

export function undiciPort(dispatcher?: Dispatcher): SendPort {
	return async (req) => {
		let answer: Dispatcher.ResponseData;
		try {
			answer = await request(req.url, {
				dispatcher: dispatcher ?? sharedAgent(),
				method: req.method,
				headers: req.headers,
				body: req.body,
				signal: req.signal,
				headersTimeout: req.timeoutMs,
				bodyTimeout: req.timeoutMs,
			});
		} catch (error) {
			throw new PortFailure('no answer', { code: failureCode(error) ?? 'UNKNOWN', cause: error });
		}
		try {
			if (req.binary)
				return {
					status: answer.statusCode,
					headers: answer.headers,
					body: '',
					bytes: new Uint8Array(await answer.body.arrayBuffer()),
				};
			return { status: answer.statusCode, headers: answer.headers, body: await answer.body.text() };
		} catch (error) {
			throw new PortFailure('answer lost midway', {
				code: failureCode(error) ?? 'UNKNOWN',
				answerStarted: true,
				cause: error,
			});
		}
	};
}

/** Fast backoff, so that retry tests take milliseconds. */
export const FAST_RETRIES: RetryPolicy = {
	maxAttempts: 6,
	maxRetryAfterMs: 30_000,
	baseBackoffMs: 5,
	maxBackoffMs: 40,
};

/** The transport tests use: undici, with fast retries unless told otherwise. */
export function testTransport(retry: RetryPolicy = FAST_RETRIES): Transport {
	return { send: undiciPort(), retry };
}
