import { scrub, rememberSecret } from '../../sage-client/transport/secrets';
import { readTokenResponse } from '../../sage-client/auth/token-response';
import { checkSecureUrl } from '../../sage-client/auth/urls';

const NOW = Date.parse('2026-06-01T10:00:00.000Z');
const urls = {
	graphQL: 'https://api.eu.erp.sage.com/v1/fwd/prd1/api',
	refreshToken: 'https://api.eu.erp.sage.com/v1/token/renew',
};

function read(fields: Record<string, unknown>) {
	return readTokenResponse(
		JSON.stringify({
			accessToken: 'access-123456',
			refreshToken: 'refresh-123456',
			urls,
			...fields,
		}),
		'application/json',
		NOW,
	);
}

describe('reading a token response', () => {
	it('reads ISO expiry dates', () => {
		const tokens = read({
			accessTokenExpiresAt: '2026-06-01T10:15:00.000Z',
			refreshTokenExpiresAt: '2026-06-01T11:00:00.000Z',
		});
		expect(tokens.accessExpiresAt).toBe(NOW + 15 * 60_000);
		expect(tokens.refreshExpiresAt).toBe(NOW + 60 * 60_000);
	});

	it('reads epoch seconds and epoch milliseconds', () => {
		const tokens = read({
			accessTokenExpiration: (NOW + 600_000) / 1000,
			refreshTokenExpiration: NOW + 1_800_000,
		});
		expect(tokens.accessExpiresAt).toBe(NOW + 600_000);
		expect(tokens.refreshExpiresAt).toBe(NOW + 1_800_000);
	});

	it('reads expiresIn seconds, OAuth2 style names included', () => {
		const tokens = readTokenResponse(
			JSON.stringify({
				access_token: 'access-123456',
				refresh_token: 'refresh-123456',
				expires_in: 900,
				refresh_expires_in: '3600',
				urls,
			}),
			'application/json',
			NOW,
		);
		expect(tokens.accessToken).toBe('access-123456');
		expect(tokens.accessExpiresAt).toBe(NOW + 900_000);
		expect(tokens.refreshExpiresAt).toBe(NOW + 3_600_000);
	});

	it('falls back to 15 minutes and 1 hour when expiries are missing or absurd', () => {
		const tokens = read({
			accessTokenExpiresAt: 'soon',
			refreshTokenExpiresAt: '1999-01-01T00:00:00Z',
		});
		expect(tokens.accessExpiresAt).toBe(NOW + 15 * 60_000);
		expect(tokens.refreshExpiresAt).toBe(NOW + 60 * 60_000);
	});

	it('accepts urls.graphQl written in any case', () => {
		const tokens = readTokenResponse(
			JSON.stringify({ accessToken: 'access-123456', urls: { GRAPHQL: urls.graphQL } }),
			'application/json',
			NOW,
		);
		expect(tokens.graphqlUrl).toBe(urls.graphQL);
	});

	it('refuses a plain http GraphQL URL on a public host', () => {
		expect(() => read({ urls: { graphQL: 'http://api.erp.example.com/api' } })).toThrow(
			'The GraphQL URL from the token response uses plain http:// on a non-local host (api.erp.example.com); nothing was sent. Use https://.',
		);
	});
});

describe('URLs that carry secrets', () => {
	it.each([
		'https://api.erp.sage.com/v1/token',
		'http://localhost:4010/v1/token',
		'http://127.0.0.9/v1/token',
		'http://[::1]:4010/v1/token',
	])('accepts %s', (url) => {
		expect(checkSecureUrl(url, 'Token URL', '').href).toBe(new URL(url).href);
	});

	it.each([
		[
			'http://10.0.0.5/v1/token',
			'The Token URL uses plain http:// on a non-local host (10.0.0.5); nothing was sent. Use https://.',
		],
		['ftp://example.com/token', 'The Token URL must start with https:// (got ftp:).'],
		['not a url', 'The Token URL "not a url" is not a valid URL.'],
		['', 'The Token URL is empty.'],
	])('refuses %s', (url, message) => {
		expect(() => checkSecureUrl(url, 'Token URL', '')).toThrow(message);
	});
});

describe('scrubbing', () => {
	it('removes remembered secrets and any bearer token from a message', () => {
		rememberSecret('super-secret-value');
		expect(scrub('secret super-secret-value and Authorization: Bearer abc.def.ghi-123')).toBe(
			'secret [redacted] and Authorization: Bearer [redacted]',
		);
	});
});
