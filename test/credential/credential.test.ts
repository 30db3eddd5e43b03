import { n8nHttpRequest } from '../helpers/engine/compat';
import { useNodeEnv } from '../node/fixture';

const env = useNodeEnv();

/** What n8n hands preAuthentication as `this`: its HTTP helper, nothing else. */
const n8nHelpers = { helpers: { httpRequest: n8nHttpRequest() } } as never;

function values(overrides: Record<string, string> = {}) {
	return { tokenUrl: env.sim.tokenUrl, ...env.sim.client, requestFormat: 'json', ...overrides };
}

beforeEach(() => {
	env.sim.tokenEndpointMode('normal');
	env.sim.resetCounters();
});

describe('the credential "Test" button', () => {
	it('passes with good values: one exchange, then one query to the GraphQL URL the token answer named', async () => {
		const before = env.sim.graphqlLog().length;
		const result = await env.engine.testCredential('sageErpApi', values());
		expect(result.status).toBe('OK');
		expect(env.sim.counters()).toMatchObject({ exchanges: 1 });
		expect(
			env.sim
				.graphqlLog()
				.slice(before)
				.map((entry) => entry.query),
		).toEqual(['{ __typename }']);
	});

	it('a stored token never hides an edited secret: the Test then exchanges the values in the form', async () => {
		const type = env.pkg.credentialTypes.getByName('sageErpApi');
		const stored = await type.preAuthentication!.call(n8nHelpers, values());
		env.sim.resetCounters();
		const before = env.sim.graphqlLog().length;
		const edited = await env.engine.testCredential('sageErpApi', {
			...values({ clientSecret: 'an-edited-wrong-secret' }),
			...stored,
		});
		expect(edited).toEqual({ status: 'Error', message: expect.stringContaining('Client Secret') });
		// n8n retries a 401 once through preAuthentication, which exchanges the edited values too.
		expect(env.sim.counters().exchanges).toBe(0);
		expect(env.sim.counters().exchangesRejected).toBeGreaterThanOrEqual(1);
		expect(env.sim.graphqlLog().length).toBe(before);
	});

	it('with a stored token issued for these very values, the Test asks the GraphQL URL with it', async () => {
		const type = env.pkg.credentialTypes.getByName('sageErpApi');
		const stored = await type.preAuthentication!.call(n8nHelpers, values());
		env.sim.resetCounters();
		const before = env.sim.graphqlLog().length;
		expect((await env.engine.testCredential('sageErpApi', { ...values(), ...stored })).status).toBe(
			'OK',
		);
		expect(env.sim.counters()).toMatchObject({ exchanges: 0 });
		expect(
			env.sim
				.graphqlLog()
				.slice(before)
				.map((entry) => entry.query),
		).toEqual(['{ __typename }']);
	});

	it('passes with the OAuth2 request form', async () => {
		const result = await env.engine.testCredential(
			'sageErpApi',
			values({ requestFormat: 'oauth2' }),
		);
		expect(result.status).toBe('OK');
	});

	it.each([
		[
			'a wrong secret',
			{ clientSecret: 'wrong-secret-value' },
			'Sage refused the Client ID or Client Secret (HTTP 401). Check the Client ID and Client Secret of the Sage ERP API credential.',
		],
		[
			'an unknown tenant',
			{ tenantId: 'tenant-nobody-has' },
			'Sage refused access to tenant "tenant-nobody-has" (HTTP 403). Check the Tenant ID of the Sage ERP API credential, and that the app is authorised for that tenant.',
		],
		[
			'an unreachable host',
			{ tokenUrl: 'http://127.0.0.1:9/v1/token' },
			'Could not complete the token exchange: 127.0.0.1:9 failed (connection refused). Check the URL, the network, and the proxy settings of n8n.',
		],
		[
			'plain http to a public host',
			{ tokenUrl: 'http://erp.example.com/v1/token' },
			'The Token URL uses plain http:// on a non-local host (erp.example.com); nothing was sent. Use https://. Plain http:// is only accepted for localhost, 127.0.0.0/8 and ::1.',
		],
	])('fails clearly with %s', async (_case, overrides, message) => {
		const result = await env.engine.testCredential('sageErpApi', values(overrides));
		expect(result).toEqual({ status: 'Error', message });
	});

	it.each([
		[
			'html',
			'The Token URL answered with an HTML page, not with Sage’s token API. Check the Token URL of the Sage ERP API credential: it should be Sage’s /v1/token endpoint.',
		],
		[
			'noAccessToken',
			'The Token URL answered without an access token (no "accessToken" field). Check the Token URL of the Sage ERP API credential: it should be Sage’s /v1/token endpoint.',
		],
		[
			'noGraphqlUrl',
			'The token response holds no GraphQL URL (urls.graphQL), so there is no tenant API to call. Check the Tenant ID and that the app registration gives access to the tenant’s API.',
		],
	] as const)('fails clearly when the token URL answers %s', async (mode, message) => {
		env.sim.tokenEndpointMode(mode);
		const result = await env.engine.testCredential('sageErpApi', values());
		expect(result).toEqual({ status: 'Error', message });
	});
});

describe('the credential as a predefined credential type', () => {
	it('fills its hidden token once through preAuthentication and sends it as a bearer header', async () => {
		const type = env.pkg.credentialTypes.getByName('sageErpApi');
		const signed = await (
			type.authenticate as (c: object, o: object) => Promise<{ url: string; headers: object }>
		)(
			{ accessToken: 'an-access-token-value', graphqlUrl: 'https://api.example.com/graphql' },
			{ url: 'https://api.example.com/v1/anything', headers: { accept: 'application/json' } },
		);
		expect(signed).toEqual({
			url: 'https://api.example.com/v1/anything',
			headers: { accept: 'application/json', Authorization: 'Bearer an-access-token-value' },
		});
		const expirable = type.properties.find((property) => property.typeOptions?.expirable);
		expect(expirable?.name).toBe('accessToken');
		const filled = await type.preAuthentication!.call(n8nHelpers, values());
		expect(filled).toEqual({
			accessToken: expect.stringMatching(/^sdmo_at_/),
			graphqlUrl: env.sim.graphqlUrl(),
			issuedFor: expect.stringMatching(/^[0-9a-f]{32}$/),
		});
		// A second call while the token lives reuses it: n8n calls this only after a 401, and then a new token comes.
		const renewed = await type.preAuthentication!.call(
			n8nHelpers,
			values({ accessToken: String(filled.accessToken) }),
		);
		expect(renewed.accessToken).not.toBe(filled.accessToken);
	});

	it('turns a refusal into a plain sentence, because n8n shows only the code of coded errors', async () => {
		const type = env.pkg.credentialTypes.getByName('sageErpApi');
		await expect(
			type.preAuthentication!.call(n8nHelpers, values({ clientSecret: 'wrong-secret-value' })),
		).rejects.toEqual(
			new Error(
				'Sage refused the Client ID or Client Secret (HTTP 401). Check the Client ID and Client Secret of the Sage ERP API credential.',
			),
		);
	});
});
