/**
 * Sage's token API: client-credentials exchange (JSON or OAuth2 form body),
 * rotation on renewal, invalidation by `x-tokens` header. Tokens are opaque
 * random strings with distinct prefixes so tests can scan any output for them.
 * Lifetimes follow the simulated clock.
 *
 * Every method is synchronous: a check-and-mark on a refresh token can never
 * interleave with another request, so of two racing renewals exactly one wins.
 */
import { randomBytes } from 'node:crypto';
import { SimClock } from './clock';

export const ACCESS_PREFIX = 'sdmo_at_';
export const REFRESH_PREFIX = 'sdmo_rt_';

export type ExpiryStyle = 'iso' | 'epoch' | 'expiresIn';
export type GraphqlUrlKey = 'graphQL' | 'graphQl';
/**
 * Which revision of Sage's access page the answers follow: the older one (a refresh token
 * and `urls.refreshToken`), or the newer OAuth2 one (an access token only, no refresh URL,
 * and an `apps` object inside `urls`).
 */
export type TokenAnswerStyle = 'withRefresh' | 'accessOnly';

export interface ClientRegistration {
	clientId: string;
	clientSecret: string;
	tenantId: string;
}

interface TokenRecord {
	kind: 'access' | 'refresh';
	tenantId: string;
	clientId: string;
	expiresAt: number;
	/** Used (refresh), invalidated or revoked. */
	dead: boolean;
}

export interface TokenReply {
	status: number;
	body?: unknown;
	/** Tenant the request concerned (for counters), when known. */
	tenantId?: string;
	outcome: 'exchange' | 'exchangeRejected' | 'renewal' | 'renewalRejected' | 'invalidation';
}

export interface TokenApiOptions {
	accessTokenTtlSec: number;
	refreshTokenTtlSec: number;
	expiryStyle: ExpiryStyle;
	graphqlUrlKey: GraphqlUrlKey;
	answerStyle: TokenAnswerStyle;
}

export type AccessCheck = { ok: true; tenantId: string } | { ok: false; reason: string };

const err = (error: string, message: string): { error: string; message: string } => ({
	error,
	message,
});

export class TokenApi {
	private clients = new Map<string, { secret: string; tenants: Set<string> }>();
	private tokens = new Map<string, TokenRecord>();
	readonly issued: string[] = [];

	constructor(
		private readonly clock: SimClock,
		private readonly opts: TokenApiOptions,
		private readonly baseUrl: () => string,
		private readonly tenantExists: (tenantId: string) => boolean,
	) {}

	/** Registers a client (or adds a tenant to an existing one, taking the new secret). */
	addClient(c: ClientRegistration): void {
		const existing = this.clients.get(c.clientId);
		if (existing) {
			existing.secret = c.clientSecret;
			existing.tenants.add(c.tenantId);
		} else this.clients.set(c.clientId, { secret: c.clientSecret, tenants: new Set([c.tenantId]) });
	}

	setClientSecret(clientId: string, secret: string): void {
		const c = this.clients.get(clientId);
		if (!c) throw new Error(`Unknown client '${clientId}'`);
		c.secret = secret;
	}

	/** Parses either documented body form. Returns null when the body is malformed. */
	static parseExchangeBody(
		contentType: string,
		raw: string,
	): { clientId: string; clientSecret: string; tenantId: string } | { bad: string } {
		const ct = contentType.toLowerCase();
		if (ct.includes('application/x-www-form-urlencoded')) {
			const p = new URLSearchParams(raw);
			const grant = p.get('grant_type');
			if (grant !== 'client_credentials') return { bad: `grant_type must be 'client_credentials'` };
			const scope = (p.get('scope') ?? '').split(/\s+/).find((s) => s.startsWith('tenantid:'));
			const clientId = p.get('client_id');
			const clientSecret = p.get('client_secret');
			if (!clientId || !clientSecret || !scope || scope.length <= 'tenantid:'.length)
				return { bad: 'client_id, client_secret and scope=tenantid:<tenant> are required' };
			return { clientId, clientSecret, tenantId: scope.slice('tenantid:'.length) };
		}
		let body: unknown;
		try {
			body = JSON.parse(raw);
		} catch {
			return { bad: 'the body is not valid JSON (or use application/x-www-form-urlencoded)' };
		}
		const b = body as Record<string, unknown> | null;
		if (!b || typeof b !== 'object' || Array.isArray(b))
			return { bad: 'the body must be a JSON object' };
		const { clientId, clientSecret, tenantId } = b;
		if (
			typeof clientId !== 'string' ||
			typeof clientSecret !== 'string' ||
			typeof tenantId !== 'string' ||
			!clientId ||
			!clientSecret ||
			!tenantId
		)
			return { bad: 'clientId, clientSecret and tenantId are required strings' };
		return { clientId, clientSecret, tenantId };
	}

	exchange(contentType: string, raw: string): TokenReply {
		const parsed = TokenApi.parseExchangeBody(contentType, raw);
		if ('bad' in parsed)
			return {
				status: 400,
				body: err('invalid_request', `Malformed token request: ${parsed.bad}.`),
				outcome: 'exchangeRejected',
			};
		const client = this.clients.get(parsed.clientId);
		// Same answer for an unknown client and a wrong secret: nothing to probe. The secret is never echoed.
		if (!client || client.secret !== parsed.clientSecret)
			return {
				status: 401,
				body: err('invalid_client', 'Invalid client credentials.'),
				outcome: 'exchangeRejected',
				tenantId: parsed.tenantId,
			};
		if (!this.tenantExists(parsed.tenantId) || !client.tenants.has(parsed.tenantId))
			return {
				status: 403,
				body: err('access_denied', `The client is not authorized for tenant '${parsed.tenantId}'.`),
				outcome: 'exchangeRejected',
				tenantId: parsed.tenantId,
			};
		return {
			status: 200,
			body: this.issuePair(parsed.clientId, parsed.tenantId),
			outcome: 'exchange',
			tenantId: parsed.tenantId,
		};
	}

	renew(authorization: string | undefined): TokenReply {
		const token = bearer(authorization);
		const rec = token ? this.tokens.get(token) : undefined;
		const reject = (message: string): TokenReply => ({
			status: 401,
			body: err('invalid_token', message),
			outcome: 'renewalRejected',
			tenantId: rec?.tenantId,
		});
		if (!token) return reject('A refresh token is required as a Bearer token.');
		if (!rec || rec.kind !== 'refresh') return reject('Unknown refresh token.');
		if (rec.dead)
			return reject('The refresh token is no longer valid (used, invalidated or revoked).');
		if (rec.expiresAt <= this.clock.now()) return reject('The refresh token has expired.');
		// Rotation: the old refresh token dies now, before anything else can run.
		rec.dead = true;
		return {
			status: 200,
			body: this.issuePair(rec.clientId, rec.tenantId),
			outcome: 'renewal',
			tenantId: rec.tenantId,
		};
	}

	invalidate(xTokens: string | undefined): TokenReply {
		const parts = (xTokens ?? '')
			.split(';')
			.map((s) => s.trim())
			.filter(Boolean)
			.map((s) => {
				const eq = s.indexOf('=');
				return eq < 0 ? ['', ''] : [s.slice(0, eq).trim(), s.slice(eq + 1).trim()];
			});
		const named = parts.filter(([k, v]) => (k === 'accessToken' || k === 'refreshToken') && v);
		if (!named.length)
			return {
				status: 400,
				body: err(
					'invalid_request',
					"Header x-tokens must hold 'accessToken=<token>' and/or 'refreshToken=<token>'.",
				),
				outcome: 'invalidation',
			};
		let tenantId: string | undefined;
		for (const [, v] of named) {
			const rec = this.tokens.get(v);
			if (rec) {
				rec.dead = true;
				tenantId ??= rec.tenantId;
			}
		}
		return { status: 204, outcome: 'invalidation', tenantId };
	}

	/** The tenant a token (bearer header or x-tokens header) was issued for, if it is known. Read-only. */
	tenantOfHeader(header: string | undefined): string | undefined {
		if (!header) return undefined;
		for (const m of header.matchAll(/(?:Bearer\s+|accessToken=|refreshToken=)([^;\s]+)/gi)) {
			const rec = this.tokens.get(m[1]);
			if (rec) return rec.tenantId;
		}
		return undefined;
	}

	/** Is this the live access token of `tenantId`? */
	checkAccess(authorization: string | undefined, tenantId: string): AccessCheck {
		const token = bearer(authorization);
		if (!token) return { ok: false, reason: 'Missing Bearer access token.' };
		const rec = this.tokens.get(token);
		if (!rec || rec.kind !== 'access') return { ok: false, reason: 'Unknown access token.' };
		if (rec.dead) return { ok: false, reason: 'The access token has been invalidated or revoked.' };
		if (rec.expiresAt <= this.clock.now())
			return { ok: false, reason: 'The access token has expired.' };
		if (rec.tenantId !== tenantId)
			return { ok: false, reason: 'The access token was issued for another tenant.' };
		return { ok: true, tenantId };
	}

	revokeTenant(tenantId: string): number {
		let n = 0;
		for (const rec of this.tokens.values())
			if (rec.tenantId === tenantId && !rec.dead) {
				rec.dead = true;
				n++;
			}
		return n;
	}

	private issuePair(clientId: string, tenantId: string): Record<string, unknown> {
		const now = this.clock.now();
		const accessToken = ACCESS_PREFIX + randomBytes(32).toString('base64url');
		const accessExp = now + this.opts.accessTokenTtlSec * 1000;
		this.tokens.set(accessToken, {
			kind: 'access',
			tenantId,
			clientId,
			expiresAt: accessExp,
			dead: false,
		});
		this.issued.push(accessToken);
		if (this.opts.answerStyle === 'accessOnly')
			return this.accessOnlyAnswer(accessToken, accessExp, tenantId);
		const refreshToken = REFRESH_PREFIX + randomBytes(32).toString('base64url');
		const refreshExp = now + this.opts.refreshTokenTtlSec * 1000;
		this.tokens.set(refreshToken, {
			kind: 'refresh',
			tenantId,
			clientId,
			expiresAt: refreshExp,
			dead: false,
		});
		this.issued.push(refreshToken);
		const base = this.baseUrl();
		const body: Record<string, unknown> = { accessToken, refreshToken };
		if (this.opts.expiryStyle === 'iso') {
			body.accessTokenExpiresAt = new Date(accessExp).toISOString();
			body.refreshTokenExpiresAt = new Date(refreshExp).toISOString();
		} else if (this.opts.expiryStyle === 'epoch') {
			body.accessTokenExpiresAt = Math.floor(accessExp / 1000);
			body.refreshTokenExpiresAt = Math.floor(refreshExp / 1000);
		} else {
			body.expiresIn = this.opts.accessTokenTtlSec;
			body.refreshExpiresIn = this.opts.refreshTokenTtlSec;
		}
		body.tenantId = tenantId;
		body.urls = {
			[this.opts.graphqlUrlKey]: `${base}/v1/fwd/${encodeURIComponent(tenantId)}/api`,
			refreshToken: `${base}/v1/token/renew`,
			invalidateToken: `${base}/v1/token`,
			websocketUrl: `${base.replace(/^http/, 'ws')}/v1/fwd/${encodeURIComponent(tenantId)}/ws`,
			asyncContextUploadUrl: `${base}/v1/async/${encodeURIComponent(tenantId)}/upload`,
			asyncContextErrorUrl: `${base}/v1/async/${encodeURIComponent(tenantId)}/error`,
		};
		return body;
	}

	/** The newer revision's answer: no refresh token, no refresh URL, nested `apps` in `urls`. */
	private accessOnlyAnswer(
		accessToken: string,
		accessExp: number,
		tenantId: string,
	): Record<string, unknown> {
		const base = this.baseUrl();
		const tenant = encodeURIComponent(tenantId);
		return {
			accessToken,
			accessTokenExpiresAt: new Date(accessExp).toISOString(),
			tenantId,
			urls: {
				[this.opts.graphqlUrlKey]: `${base}/v1/fwd/${tenant}/api`,
				invalidateToken: `${base}/v1/token`,
				apps: { explorer: `${base}/v1/fwd/${tenant}/explorer`, documentation: `${base}/docs` },
			},
		};
	}
}

function bearer(authorization: string | undefined): string | null {
	if (!authorization) return null;
	const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
	return m ? m[1] : null;
}
