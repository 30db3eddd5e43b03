import { createHash } from 'node:crypto';

import {
	SageAbortedError,
	SageAuthError,
	SageConfigError,
	SageError,
	SageNetworkError,
	SageResponseError,
	SageThrottledError,
} from '../transport/errors';
import { headerText, send, type HttpResponse, type Transport } from '../transport/http';
import { rememberSecret } from '../transport/secrets';
import { SharedRequest } from '../transport/shared-request';
import { readTokenResponse, type IssuedTokens } from './token-response';
import { checkSecureUrl } from './urls';

/** The fields of the `sageErpApi` credential that the token exchange needs. */
export interface SageCredentials {
	tokenUrl: string;
	clientId: string;
	clientSecret: string;
	tenantId: string;
	requestFormat?: 'json' | 'oauth2';
}

/** What a GraphQL call needs: a bearer token and where to send it. */
export interface TokenSession {
	accessToken: string;
	graphqlUrl: string;
}

/** Who asks for a token, and how its requests go out. */
export interface TokenRequestContext {
	/** The caller's port; a shared exchange goes out through the port of the caller that started it. */
	transport: Transport;
	/** Identifies the n8n credential (its id) across edits, so replaced tokens are invalidated. */
	group?: string;
	/** The caller stops waiting when it fires; the shared request is aborted once nobody waits. */
	signal?: AbortSignal;
}

export interface TokenManagerOptions {
	/** The clock; tests pass the simulator's so that hours pass in milliseconds. */
	now?: () => number;
	/** Renew this long before the access token expires, so no request carries a dying token. */
	safetyMarginMs?: number;
	timeoutMs?: number;
	/** The most credentials cached at once; the least recently used goes first (default 200). */
	maxEntries?: number;
}

interface Entry {
	key: string;
	group: string;
	credentials: SageCredentials;
	/**
	 * The port of the latest caller, for invalidating this entry's tokens in the background.
	 * Weakly held: the port belongs to an execution, which the cache must not keep alive.
	 */
	transport: WeakRef<Transport>;
	tokens?: IssuedTokens;
	/** The one exchange or renewal under way for this entry: every concurrent caller awaits it. */
	inflight?: SharedRequest<IssuedTokens>;
}

const CREDENTIAL_HINT = 'Check the Client ID and Client Secret of the Sage ERP API credential.';

/**
 * One per process. Keyed by token URL, tenant, client id and a fingerprint of the
 * secret, so an edited credential never reuses old tokens; entries of the same n8n
 * credential (its "group") replace each other, and the replaced tokens are invalidated.
 */
export class TokenManager {
	private readonly entries = new Map<string, Entry>();
	private readonly groups = new Map<string, string>();
	private readonly pendingInvalidations = new Set<Promise<void>>();
	private readonly now: () => number;
	private readonly marginMs: number;
	private readonly timeoutMs: number;
	private readonly maxEntries: number;

	constructor(options: TokenManagerOptions = {}) {
		this.now = options.now ?? Date.now;
		this.marginMs = options.safetyMarginMs ?? 60_000;
		this.timeoutMs = options.timeoutMs ?? 30_000;
		this.maxEntries = Math.max(1, options.maxEntries ?? 200);
	}

	/** How many credentials the cache holds (each with a live token, or its exchange under way). */
	get size(): number {
		return this.entries.size;
	}

	/**
	 * A live access token for these credentials: the cached one, a renewed one, or a new
	 * exchange. `group` identifies the n8n credential (its id) across edits.
	 */
	async getSession(
		credentials: SageCredentials,
		context: TokenRequestContext,
	): Promise<TokenSession> {
		const entry = this.entryFor(credentials, context);
		const tokens = entry.tokens;
		if (tokens && tokens.accessExpiresAt - this.marginMs > this.now()) return toSession(tokens);
		return toSession(await this.refresh(entry, tokens, context));
	}

	/**
	 * Sage answered 401 to `rejected`: renew once (shared with every concurrent caller that
	 * saw the same token) and hand back the new session.
	 */
	async renewAfterUnauthorized(
		credentials: SageCredentials,
		rejected: TokenSession,
		context: TokenRequestContext,
	): Promise<TokenSession> {
		const entry = this.entryFor(credentials, context);
		if (entry.tokens && entry.tokens.accessToken !== rejected.accessToken)
			return toSession(entry.tokens);
		if (entry.tokens) entry.tokens.accessExpiresAt = 0;
		return toSession(await this.refresh(entry, entry.tokens, context));
	}

	/** Drops every cached token, invalidating those still alive (shutdown, tests). */
	async invalidateAll(): Promise<void> {
		for (const entry of [...this.entries.values()]) this.drop(entry);
		await this.settled();
	}

	/** Resolves when every invalidation sent in the background has finished. */
	async settled(): Promise<void> {
		while (this.pendingInvalidations.size) await Promise.all([...this.pendingInvalidations]);
	}

	private entryFor(credentials: SageCredentials, context: TokenRequestContext): Entry {
		const checked = checkCredentials(credentials);
		const key = entryKey(checked);
		const groupKey = context.group ?? `${checked.tokenUrl}|${checked.tenantId}|${checked.clientId}`;
		this.sweepExpired();
		const previousKey = this.groups.get(groupKey);
		if (previousKey && previousKey !== key) {
			const previous = this.entries.get(previousKey);
			if (previous) this.drop(previous);
		}
		this.groups.set(groupKey, key);
		let entry = this.entries.get(key);
		if (entry) this.entries.delete(key); // re-inserted below: the Map's order is the order of use
		entry ??= {
			key,
			group: groupKey,
			credentials: checked,
			transport: new WeakRef(context.transport),
		};
		this.entries.set(key, entry);
		entry.transport = new WeakRef(context.transport);
		for (const oldest of this.entries.values()) {
			if (this.entries.size <= this.maxEntries) break;
			if (oldest !== entry) this.drop(oldest);
		}
		return entry;
	}

	private refresh(
		entry: Entry,
		stale: IssuedTokens | undefined,
		{ transport, signal }: TokenRequestContext,
	): Promise<IssuedTokens> {
		let inflight = entry.inflight;
		if (!inflight || inflight.abandoned) {
			const started = new SharedRequest((shared) =>
				this.renewOrExchange(entry, transport, stale, shared).then((tokens) => {
					if (this.entries.get(entry.key) === entry) entry.tokens = tokens;
					return tokens;
				}),
			);
			entry.inflight = started;
			const clear = () => {
				if (entry.inflight === started) entry.inflight = undefined;
			};
			// An entry left without a live token (its exchange failed) holds nothing worth keeping.
			const forgetIfDead = () => {
				clear();
				if (!entry.inflight && !this.holdsLiveToken(entry)) this.drop(entry);
			};
			started.promise.then(clear, forgetIfDead);
			inflight = started;
		}
		return inflight.join(signal);
	}

	private holdsLiveToken(entry: Entry): boolean {
		const now = this.now();
		return Boolean(
			entry.tokens && (entry.tokens.accessExpiresAt > now || entry.tokens.refreshExpiresAt > now),
		);
	}

	private async renewOrExchange(
		entry: Entry,
		transport: Transport,
		stale: IssuedTokens | undefined,
		signal: AbortSignal,
	): Promise<IssuedTokens> {
		const canRenew =
			stale?.refreshToken &&
			stale.refreshUrl &&
			stale.refreshExpiresAt - this.marginMs > this.now();
		if (!canRenew) return this.exchange(entry, transport, signal);
		try {
			return await this.renew(entry, transport, stale, signal);
		} catch (error) {
			if (error instanceof SageAbortedError) throw error;
		}
		// Whatever made the renewal fail (a refused or spent refresh token, a lost answer, a
		// renewal URL answering 400, 404, 405, 5xx or HTML because it wants another request),
		// an exchange with the secret may still work: only a failed exchange fails the call.
		try {
			return await this.exchange(entry, transport, signal);
		} catch (error) {
			if (!(error instanceof SageAbortedError) && stale.accessExpiresAt > this.now()) return stale;
			throw error;
		}
	}

	private async exchange(
		entry: Entry,
		transport: Transport,
		signal: AbortSignal,
	): Promise<IssuedTokens> {
		const { credentials } = entry;
		const { headers, body } = exchangeRequest(credentials);
		const response = await send(transport, {
			url: credentials.tokenUrl,
			method: 'POST',
			headers: { ...headers, accept: 'application/json' },
			body,
			purpose: 'the token exchange',
			retry: 'idempotent',
			timeoutMs: this.timeoutMs,
			signal,
		});
		return this.accept(response, 'exchange', credentials);
	}

	private async renew(
		entry: Entry,
		transport: Transport,
		stale: IssuedTokens,
		signal: AbortSignal,
	): Promise<IssuedTokens> {
		const response = await send(transport, {
			url: checkSecureUrl(stale.refreshUrl, 'token renewal URL', CREDENTIAL_HINT).toString(),
			method: 'POST',
			headers: { authorization: `Bearer ${stale.refreshToken}`, accept: 'application/json' },
			purpose: 'the token renewal',
			// A refresh token works once: a lost answer cannot be replayed, only replaced by an exchange.
			retry: 'mutation',
			timeoutMs: this.timeoutMs,
			signal,
		});
		return this.accept(response, 'renewal', entry.credentials);
	}

	private accept(
		response: HttpResponse,
		step: 'exchange' | 'renewal',
		credentials: SageCredentials,
	): IssuedTokens {
		if (response.status >= 200 && response.status < 300) {
			const tokens = readTokenResponse(
				response.body,
				headerText(response.headers['content-type']),
				this.now(),
			);
			rememberSecret(tokens.accessToken);
			rememberSecret(tokens.refreshToken);
			return tokens;
		}
		throw tokenError(response, step, credentials);
	}

	/** Entries that hold no live token and have no exchange under way go. */
	private sweepExpired(): void {
		for (const entry of this.entries.values())
			if (!entry.inflight && !this.holdsLiveToken(entry)) this.drop(entry);
	}

	/** Forgets an entry; tokens that are still alive are invalidated at Sage in the background. */
	private drop(entry: Entry): void {
		this.entries.delete(entry.key);
		if (this.groups.get(entry.group) === entry.key) this.groups.delete(entry.group);
		const tokens = entry.tokens;
		const url = invalidationUrl(tokens?.invalidateUrl);
		// The execution whose port this was may have ended: its tokens then die on their own.
		const transport = entry.transport.deref();
		if (!tokens || !url || !transport) return;
		const now = this.now();
		const parts: string[] = [];
		if (tokens.accessExpiresAt > now) parts.push(`accessToken=${tokens.accessToken}`);
		if (tokens.refreshToken && tokens.refreshExpiresAt > now)
			parts.push(`refreshToken=${tokens.refreshToken}`);
		if (!parts.length) return;
		const pending = send(transport, {
			url,
			method: 'DELETE',
			headers: { 'x-tokens': parts.join(';') },
			purpose: 'the token invalidation',
			retry: 'idempotent',
			timeoutMs: this.timeoutMs,
		}).then(
			() => undefined,
			// Best effort: the tokens die on their own within the hour anyway.
			() => undefined,
		);
		this.pendingInvalidations.add(pending);
		void pending.then(() => this.pendingInvalidations.delete(pending));
	}
}

/**
 * Where both tokens may be sent to be invalidated: only https (or http on loopback), like every
 * URL a secret goes to. Another URL is not used at all: the tokens then die on their own.
 */
function invalidationUrl(value: string | undefined): string | undefined {
	if (!value) return undefined;
	try {
		return checkSecureUrl(value, 'token invalidation URL', CREDENTIAL_HINT).toString();
	} catch {
		return undefined;
	}
}

function toSession(tokens: IssuedTokens): TokenSession {
	return { accessToken: tokens.accessToken, graphqlUrl: tokens.graphqlUrl };
}

/** Validates the credential before anything is sent, and trims what users paste with spaces. */
export function checkCredentials(credentials: SageCredentials): SageCredentials {
	const required: Array<[keyof SageCredentials, string]> = [
		['clientId', 'Client ID'],
		['clientSecret', 'Client Secret'],
		['tenantId', 'Tenant ID'],
	];
	for (const [field, label] of required) {
		const value = credentials[field];
		if (typeof value !== 'string' || value.trim() === '') {
			throw new SageConfigError(
				`The ${label} of the Sage ERP API credential is empty.`,
				`Fill in the ${label} in the credential.`,
			);
		}
	}
	const tokenUrl = checkSecureUrl(
		credentials.tokenUrl,
		'Token URL',
		'Check the Token URL of the Sage ERP API credential.',
	).toString();
	rememberSecret(credentials.clientSecret);
	return {
		tokenUrl,
		clientId: credentials.clientId.trim(),
		clientSecret: credentials.clientSecret,
		tenantId: credentials.tenantId.trim(),
		requestFormat: credentials.requestFormat === 'oauth2' ? 'oauth2' : 'json',
	};
}

function entryKey(credentials: SageCredentials): string {
	const fingerprint = createHash('sha256')
		.update(credentials.clientSecret)
		.digest('hex')
		.slice(0, 16);
	return [
		credentials.tokenUrl,
		credentials.tenantId,
		credentials.clientId,
		credentials.requestFormat,
		fingerprint,
	].join('|');
}

/** The body of the token exchange, in the credential's Request Format. */
export function exchangeRequest(credentials: SageCredentials): {
	headers: Record<string, string>;
	body: string;
} {
	if (credentials.requestFormat === 'oauth2') {
		const form = new URLSearchParams({
			grant_type: 'client_credentials',
			client_id: credentials.clientId,
			client_secret: credentials.clientSecret,
			scope: `tenantid:${credentials.tenantId}`,
		});
		return {
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: form.toString(),
		};
	}
	const body = JSON.stringify({
		clientId: credentials.clientId,
		clientSecret: credentials.clientSecret,
		tenantId: credentials.tenantId,
	});
	return { headers: { 'content-type': 'application/json' }, body };
}

/**
 * Which credential values a token was issued for, without the secret in it: a stored token
 * proves nothing about values edited since (the credential's Test uses this).
 */
export function credentialFingerprint(credentials: SageCredentials): string {
	return createHash('sha256')
		.update(entryKey(checkCredentials(credentials)))
		.digest('hex')
		.slice(0, 32);
}

function tokenError(
	response: HttpResponse,
	step: 'exchange' | 'renewal',
	credentials: SageCredentials,
): SageError {
	const status = response.status;
	const what = step === 'exchange' ? 'the token exchange' : 'the token renewal';
	if (status === 401) {
		return step === 'exchange'
			? new SageAuthError('Sage refused the Client ID or Client Secret (HTTP 401).', {
					httpStatus: status,
					hint: CREDENTIAL_HINT,
				})
			: new SageAuthError('Sage refused the refresh token (HTTP 401).', { httpStatus: status });
	}
	if (status === 403) {
		return new SageAuthError(
			`Sage refused access to tenant "${credentials.tenantId}" (HTTP 403).`,
			{
				httpStatus: status,
				hint: 'Check the Tenant ID of the Sage ERP API credential, and that the app is authorised for that tenant.',
			},
		);
	}
	if (status === 429) {
		return new SageThrottledError(
			`Sage kept limiting ${what} (HTTP 429) after ${response.attempts} attempts.`,
			{ httpStatus: status },
		);
	}
	if (status === 404 || status === 405) {
		return new SageResponseError(
			`The Token URL does not offer Sage's token API (HTTP ${status}).`,
			{
				httpStatus: status,
				hint: 'Check the Token URL of the Sage ERP API credential.',
			},
		);
	}
	return new SageNetworkError(
		`Sage answered ${what} with HTTP ${status} after ${response.attempts} attempts.`,
		{
			httpStatus: status,
			hint: 'Sage may be unavailable; try again later.',
		},
	);
}
