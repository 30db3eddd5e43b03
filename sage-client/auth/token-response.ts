import { SageResponseError } from '../transport/errors';
import { checkSecureUrl } from './urls';

/** What one successful exchange or renewal gives us, normalised. */
export interface IssuedTokens {
	accessToken: string;
	refreshToken?: string;
	accessExpiresAt: number;
	refreshExpiresAt: number;
	graphqlUrl: string;
	refreshUrl?: string;
	invalidateUrl?: string;
}

export const DEFAULT_ACCESS_LIFETIME_MS = 15 * 60_000;
export const DEFAULT_REFRESH_LIFETIME_MS = 60 * 60_000;
// Expiries further out than this are not believed: a unit mix-up, not a real lifetime.
const MAX_BELIEVED_LIFETIME_MS = 7 * 24 * 60 * 60_000;

const TOKEN_URL_HINT =
	'Check the Token URL of the Sage ERP API credential: it should be Sage’s /v1/token endpoint.';

/**
 * Reads a token API answer. The field names of the expiries are undocumented, so any
 * key that mentions "expir" counts, read as an ISO date, an epoch (s or ms) or a number
 * of seconds from now; missing or absurd values fall back to 15 minutes and 1 hour.
 */
export function readTokenResponse(body: string, contentType: string, now: number): IssuedTokens {
	const trimmed = body.trimStart();
	if (/html/i.test(contentType) || trimmed.startsWith('<')) {
		throw new SageResponseError(
			'The Token URL answered with an HTML page, not with Sage’s token API.',
			{ hint: TOKEN_URL_HINT },
		);
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(body);
	} catch {
		throw new SageResponseError('The Token URL answered with something that is not JSON.', {
			hint: TOKEN_URL_HINT,
		});
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new SageResponseError('The Token URL answered with JSON that is not a token response.', {
			hint: TOKEN_URL_HINT,
		});
	}
	const fields = parsed as Record<string, unknown>;
	const accessToken = pickString(fields, ['accessToken', 'access_token']);
	if (!accessToken) {
		throw new SageResponseError(
			'The Token URL answered without an access token (no "accessToken" field).',
			{ hint: TOKEN_URL_HINT },
		);
	}
	const urls = readUrls(fields.urls);
	const graphql = urls.graphql;
	if (!graphql) {
		throw new SageResponseError(
			'The token response holds no GraphQL URL (urls.graphQL), so there is no tenant API to call.',
			{
				hint: 'Check the Tenant ID and that the app registration gives access to the tenant’s API.',
			},
		);
	}
	const graphqlUrl = checkSecureUrl(
		graphql,
		'GraphQL URL from the token response',
		TOKEN_URL_HINT,
	).toString();
	const { access, refresh } = readExpiries(fields, now);
	return {
		accessToken,
		refreshToken: pickString(fields, ['refreshToken', 'refresh_token']),
		accessExpiresAt: access ?? now + DEFAULT_ACCESS_LIFETIME_MS,
		refreshExpiresAt: refresh ?? now + DEFAULT_REFRESH_LIFETIME_MS,
		graphqlUrl,
		refreshUrl: urls.refreshtoken,
		invalidateUrl: urls.invalidatetoken,
	};
}

function pickString(fields: Record<string, unknown>, names: string[]): string | undefined {
	for (const name of names) {
		const value = fields[name];
		if (typeof value === 'string' && value.length > 0) return value;
	}
	return undefined;
}

/** urls{} with lower-cased keys, so `graphQL` and `graphQl` are one. */
function readUrls(value: unknown): Record<string, string | undefined> {
	const result: Record<string, string | undefined> = {};
	if (!value || typeof value !== 'object') return result;
	for (const [key, url] of Object.entries(value as Record<string, unknown>)) {
		if (typeof url === 'string' && url) result[key.toLowerCase()] = url;
	}
	return result;
}

function readExpiries(
	fields: Record<string, unknown>,
	now: number,
): { access?: number; refresh?: number } {
	let access: number | undefined;
	let refresh: number | undefined;
	for (const [key, value] of Object.entries(fields)) {
		const name = key.toLowerCase();
		if (!name.includes('expir')) continue;
		const at = toInstant(value, now);
		if (at === undefined) continue;
		if (name.includes('refresh')) refresh ??= at;
		else access ??= at;
	}
	return { access, refresh };
}

function toInstant(value: unknown, now: number): number | undefined {
	let at: number | undefined;
	const number =
		typeof value === 'number'
			? value
			: typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())
				? Number(value)
				: undefined;
	if (number !== undefined) {
		if (number > 1e12)
			at = number; // epoch milliseconds
		else if (number > 1e9)
			at = number * 1000; // epoch seconds
		else at = now + number * 1000; // seconds from now (expiresIn)
	} else if (typeof value === 'string') {
		const parsed = Date.parse(value);
		at = Number.isNaN(parsed) ? undefined : parsed;
	}
	if (at === undefined || at <= now || at - now > MAX_BELIEVED_LIFETIME_MS) return undefined;
	return at;
}
