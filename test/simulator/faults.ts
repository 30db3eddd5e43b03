/**
 * Fault injection, per tenant. A request asks `decide()` once on arrival; the
 * decision says what the server does instead of (or after) answering
 * normally. Counts decrease as faults fire; `random` draws from a seeded PRNG
 * so a soak run is reproducible.
 */
import { prng } from './seed';

export type FaultScope = 'graphql' | 'token' | 'all';

/** 200 only with `html`: a sign-in page where the token answer should be. */
export type RenewalFailStatus = 200 | 400 | 404 | 405 | 500 | 502 | 503 | 504;
const RENEWAL_FAIL_STATUSES = [200, 400, 404, 405, 500, 502, 503, 504];

export interface FaultConfig {
	/** Added before answering each request in scope. */
	latencyMs?: number;
	/** The next `count` requests answer `status` without executing (Retry-After on 429/503 when retryAfterSec is given). */
	failNext?: {
		count: number;
		status: 429 | 500 | 502 | 503 | 504;
		retryAfterSec?: number;
		/** The Retry-After header as written, instead of retryAfterSec (a malformed one, an HTTP date). */
		retryAfter?: string;
	};
	/** The next `count` requests execute (mutations applied!), then a gateway answers `status` instead of Sage's answer. */
	failAfterNext?: { count: number; status: 500 | 502 | 504 };
	/** The next N requests execute (mutations applied!), then the connection drops mid-response. */
	resetNext?: number;
	/** The next N requests are never answered (until stop()). */
	hangNext?: number;
	/** The next `count` requests get a 200 streaming a valid JSON body of `bytes` bytes, without executing. */
	oversizeNext?: { count: number; bytes: number };
	/**
	 * Deterministic pseudo-random faults: 429 (+Retry-After) and 503 without executing, reset
	 * after executing, 502 or 504 (one each in turn) after executing.
	 */
	random?: {
		seed: number;
		rate429?: number;
		rate503?: number;
		rateReset?: number;
		rateFailAfter?: number;
		retryAfterSec?: number;
	};
	/**
	 * Renewals only (POST /v1/token/renew), whatever the scope: the next `count` renewals answer
	 * `status` without renewing (the refresh token stays valid); `html` sends a sign-in page instead of JSON.
	 */
	renewalFailNext?: { count: number; status: RenewalFailStatus; html?: boolean };
	/** Renewals only: that share of renewals fails, with 400 and 500 in turn, without renewing (its own dice, seeded from random.seed). */
	rateRenewalFail?: number;
	/** File downloads only: the next N send the first half of the file, with a Content-Length to match (a proxy cut it). */
	cutDownloadNext?: number;
	/** Which requests the faults hit; default 'graphql'. */
	scope?: FaultScope;
}

export type FaultDecision =
	| { action: 'none' }
	| { action: 'hang' }
	| { action: 'fail'; status: number; retryAfter?: string }
	| { action: 'failAfter'; status: number }
	| { action: 'oversize'; bytes: number }
	| { action: 'reset' };

export class TenantFaults {
	private config: FaultConfig = {};
	private dice: (() => number) | null = null;
	private gatewayTurn = 0;
	private renewalDice: (() => number) | null = null;
	private renewalTurn = 0;

	/** Merges into the current configuration (a key given replaces that key). */
	set(config: FaultConfig): void {
		const next: FaultConfig = { ...this.config, ...config };
		if (config.failNext) next.failNext = { ...config.failNext };
		if (config.failAfterNext) next.failAfterNext = { ...config.failAfterNext };
		if (config.oversizeNext) next.oversizeNext = { ...config.oversizeNext };
		if (config.renewalFailNext) next.renewalFailNext = { ...config.renewalFailNext };
		if (config.random) this.dice = prng(config.random.seed);
		if (config.random) this.renewalDice = prng(config.random.seed ^ 0x7e7e);
		if (config.random === undefined && 'random' in config) this.dice = null;
		validate(next);
		this.config = next;
	}

	clear(): void {
		this.config = {};
		this.dice = null;
		this.renewalDice = null;
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

	/** A renewal's own fault, consumed before the token-scope faults: `renewalFailNext`, then `rateRenewalFail`. */
	decideRenewal(): { status: RenewalFailStatus; html: boolean } | undefined {
		const next = this.config.renewalFailNext;
		if (next && next.count > 0) {
			next.count--;
			return { status: next.status, html: next.html ?? false };
		}
		const rate = this.config.rateRenewalFail ?? 0;
		if (rate > 0) {
			this.renewalDice ??= prng(0x7e7e);
			if (this.renewalDice() < rate)
				return { status: this.renewalTurn++ % 2 ? 500 : 400, html: false };
		}
		return undefined;
	}

	/** Whether this file download is cut (consumes one `cutDownloadNext`). */
	cutsDownload(): boolean {
		if (!this.config.cutDownloadNext) return false;
		this.config.cutDownloadNext--;
		return true;
	}

	/** Consumes one fault, if any applies. Order: hang, failNext, failAfterNext, oversize, random, resetNext. */
	decide(kind: 'graphql' | 'token'): FaultDecision {
		if (!this.inScope(kind)) return { action: 'none' };
		const c = this.config;
		if (c.hangNext && c.hangNext > 0) {
			c.hangNext--;
			return { action: 'hang' };
		}
		if (c.failNext && c.failNext.count > 0) {
			c.failNext.count--;
			const { retryAfter, retryAfterSec } = c.failNext;
			return {
				action: 'fail',
				status: c.failNext.status,
				retryAfter: retryAfter ?? (retryAfterSec === undefined ? undefined : String(retryAfterSec)),
			};
		}
		if (c.failAfterNext && c.failAfterNext.count > 0) {
			c.failAfterNext.count--;
			return { action: 'failAfter', status: c.failAfterNext.status };
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
				return { action: 'fail', status: 429, retryAfter: String(c.random.retryAfterSec ?? 1) };
			if (r < r429 + r503) return { action: 'fail', status: 503 };
			if (r < r429 + r503 + rReset) return { action: 'reset' };
			if (r < r429 + r503 + rReset + (c.random.rateFailAfter ?? 0))
				return { action: 'failAfter', status: this.gatewayTurn++ % 2 ? 504 : 502 };
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
	nonNeg('cutDownloadNext', c.cutDownloadNext);
	if (c.failNext) {
		nonNeg('failNext.count', c.failNext.count);
		if (![429, 500, 502, 503, 504].includes(c.failNext.status))
			throw new Error('faults.failNext.status must be 429, 500, 502, 503 or 504');
		nonNeg('failNext.retryAfterSec', c.failNext.retryAfterSec);
	}
	if (c.failAfterNext) {
		nonNeg('failAfterNext.count', c.failAfterNext.count);
		if (![500, 502, 504].includes(c.failAfterNext.status))
			throw new Error('faults.failAfterNext.status must be 500, 502 or 504');
	}
	if (c.renewalFailNext) {
		nonNeg('renewalFailNext.count', c.renewalFailNext.count);
		if (!RENEWAL_FAIL_STATUSES.includes(c.renewalFailNext.status))
			throw new Error(
				`faults.renewalFailNext.status must be one of ${RENEWAL_FAIL_STATUSES.join(', ')}`,
			);
	}
	if (
		c.rateRenewalFail !== undefined &&
		(typeof c.rateRenewalFail !== 'number' || c.rateRenewalFail < 0 || c.rateRenewalFail > 1)
	)
		throw new Error('faults.rateRenewalFail must be between 0 and 1');
	if (c.oversizeNext) {
		nonNeg('oversizeNext.count', c.oversizeNext.count);
		nonNeg('oversizeNext.bytes', c.oversizeNext.bytes);
	}
	if (c.random) {
		nonNeg('random.seed', c.random.seed);
		for (const k of ['rate429', 'rate503', 'rateReset', 'rateFailAfter'] as const) {
			const v = c.random[k];
			if (v !== undefined && (typeof v !== 'number' || v < 0 || v > 1))
				throw new Error(`faults.random.${k} must be between 0 and 1`);
		}
	}
	if (c.scope !== undefined && !['graphql', 'token', 'all'].includes(c.scope))
		throw new Error("faults.scope must be 'graphql', 'token' or 'all'");
}
