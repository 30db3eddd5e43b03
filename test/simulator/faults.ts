/**
 * Fault injection, per tenant. A request asks `decide()` once on arrival; the
 * decision says what the server does instead of (or after) answering
 * normally. Counts decrease as faults fire; `random` draws from a seeded PRNG
 * so a soak run is reproducible.
 */
import { prng } from './seed';

export type FaultScope = 'graphql' | 'token' | 'all';

export interface FaultConfig {
	/** Added before answering each request in scope. */
	latencyMs?: number;
	/** The next `count` requests answer `status` without executing (Retry-After on 429/503 when retryAfterSec is given). */
	failNext?: { count: number; status: 429 | 500 | 502 | 503 | 504; retryAfterSec?: number };
	/** The next N requests execute (mutations applied!), then the connection drops mid-response. */
	resetNext?: number;
	/** The next N requests are never answered (until stop()). */
	hangNext?: number;
	/** The next `count` requests get a 200 streaming a valid JSON body of `bytes` bytes, without executing. */
	oversizeNext?: { count: number; bytes: number };
	/** Deterministic pseudo-random faults: 429 (+Retry-After) and 503 without executing, reset after executing. */
	random?: {
		seed: number;
		rate429?: number;
		rate503?: number;
		rateReset?: number;
		retryAfterSec?: number;
	};
	/** Which requests the faults hit; default 'graphql'. */
	scope?: FaultScope;
}

export type FaultDecision =
	| { action: 'none' }
	| { action: 'hang' }
	| { action: 'fail'; status: number; retryAfterSec?: number }
	| { action: 'oversize'; bytes: number }
	| { action: 'reset' };

export class TenantFaults {
	private config: FaultConfig = {};
	private dice: (() => number) | null = null;

	/** Merges into the current configuration (a key given replaces that key). */
	set(config: FaultConfig): void {
		const next: FaultConfig = { ...this.config, ...config };
		if (config.failNext) next.failNext = { ...config.failNext };
		if (config.oversizeNext) next.oversizeNext = { ...config.oversizeNext };
		if (config.random) this.dice = prng(config.random.seed);
		if (config.random === undefined && 'random' in config) this.dice = null;
		validate(next);
		this.config = next;
	}

	clear(): void {
		this.config = {};
		this.dice = null;
	}

	/** The current configuration (remaining counts included). */
	get(): FaultConfig {
		return JSON.parse(JSON.stringify(this.config)) as FaultConfig;
	}

	latencyFor(kind: 'graphql' | 'token'): number {
		return this.inScope(kind) ? (this.config.latencyMs ?? 0) : 0;
	}

	private inScope(kind: 'graphql' | 'token'): boolean {
		const scope = this.config.scope ?? 'graphql';
		return scope === 'all' || scope === kind;
	}

	/** Consumes one fault, if any applies. Order: hang, failNext, oversize, random, resetNext. */
	decide(kind: 'graphql' | 'token'): FaultDecision {
		if (!this.inScope(kind)) return { action: 'none' };
		const c = this.config;
		if (c.hangNext && c.hangNext > 0) {
			c.hangNext--;
			return { action: 'hang' };
		}
		if (c.failNext && c.failNext.count > 0) {
			c.failNext.count--;
			return { action: 'fail', status: c.failNext.status, retryAfterSec: c.failNext.retryAfterSec };
		}
		if (c.oversizeNext && c.oversizeNext.count > 0) {
			c.oversizeNext.count--;
			return { action: 'oversize', bytes: c.oversizeNext.bytes };
		}
		if (c.random && this.dice) {
			const r = this.dice();
			const r429 = c.random.rate429 ?? 0;
			const r503 = c.random.rate503 ?? 0;
			const rReset = c.random.rateReset ?? 0;
			if (r < r429)
				return { action: 'fail', status: 429, retryAfterSec: c.random.retryAfterSec ?? 1 };
			if (r < r429 + r503) return { action: 'fail', status: 503 };
			if (r < r429 + r503 + rReset) return { action: 'reset' };
		}
		if (c.resetNext && c.resetNext > 0) {
			c.resetNext--;
			return { action: 'reset' };
		}
		return { action: 'none' };
	}
}

function validate(c: FaultConfig): void {
	const nonNeg = (name: string, v: unknown): void => {
		if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0))
			throw new Error(`faults.${name} must be a non-negative number`);
	};
	nonNeg('latencyMs', c.latencyMs);
	nonNeg('resetNext', c.resetNext);
	nonNeg('hangNext', c.hangNext);
	if (c.failNext) {
		nonNeg('failNext.count', c.failNext.count);
		if (![429, 500, 502, 503, 504].includes(c.failNext.status))
			throw new Error('faults.failNext.status must be 429, 500, 502, 503 or 504');
		nonNeg('failNext.retryAfterSec', c.failNext.retryAfterSec);
	}
	if (c.oversizeNext) {
		nonNeg('oversizeNext.count', c.oversizeNext.count);
		nonNeg('oversizeNext.bytes', c.oversizeNext.bytes);
	}
	if (c.random) {
		nonNeg('random.seed', c.random.seed);
		for (const k of ['rate429', 'rate503', 'rateReset'] as const) {
			const v = c.random[k];
			if (v !== undefined && (typeof v !== 'number' || v < 0 || v > 1))
				throw new Error(`faults.random.${k} must be between 0 and 1`);
		}
	}
	if (c.scope !== undefined && !['graphql', 'token', 'all'].includes(c.scope))
		throw new Error("faults.scope must be 'graphql', 'token' or 'all'");
}
