'use strict';
/**
 * HTTP load on 127.0.0.1 with undici: calls one after another, or N calls at a fixed
 * concurrency, each timed from sending the request to the end of the response body.
 */
const { Pool } = require('undici');
const { percentile, median } = require('./stats');

/** A keep-alive pool to one origin (http://127.0.0.1:port), `connections` sockets at most. */
function pool(origin, connections) {
	return new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 30000 });
}

/** One POST of a JSON body; resolves { ms, status, body (parsed or text) }. */
async function postJson(p, path, body) {
	const t0 = performance.now();
	const res = await p.request({
		method: 'POST',
		path,
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	const text = await res.body.text();
	const ms = performance.now() - t0;
	let parsed = text;
	try {
		parsed = JSON.parse(text);
	} catch {
		/* not JSON */
	}
	return { ms, status: res.statusCode, body: parsed };
}

/**
 * `count` calls of `call(i)` (resolving { ms, ok }) with at most `concurrency` in flight.
 * Resolves { latencies, errors, firstError, wallMs, perSecond, p50, p95 }.
 */
async function runLoad(count, concurrency, call) {
	const latencies = [];
	let errors = 0;
	let firstError = null;
	let next = 0;
	const t0 = performance.now();
	const worker = async () => {
		while (next < count) {
			const i = next++;
			try {
				const r = await call(i);
				latencies.push(r.ms);
				if (!r.ok) {
					errors++;
					firstError = firstError || r.error || 'unexpected answer';
				}
			} catch (err) {
				errors++;
				firstError = firstError || String(err && err.message ? err.message : err);
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
	const wallMs = performance.now() - t0;
	return {
		calls: count,
		concurrency,
		errors,
		firstError,
		wallMs,
		perSecond: (count / wallMs) * 1000,
		p50: percentile(latencies, 50),
		p95: percentile(latencies, 95),
		median: median(latencies),
	};
}

module.exports = { pool, postJson, runLoad };
