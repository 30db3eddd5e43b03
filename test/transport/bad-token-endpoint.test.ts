import { SageClient } from '../../sage-client/client/client';
import { testTransport } from '../helpers/undici-port';
import { credentialsOf, failureOf, managerOn, useSimulator } from './sim-fixture';

const ctx = useSimulator();

beforeEach(() => ctx.sim.resetCounters());
afterEach(() => ctx.sim.tokenEndpointMode('normal'));

describe('a token URL that does not answer like Sage', () => {
	const cases = [
		['html', 'The Token URL answered with an HTML page, not with Sage’s token API.'],
		['nonJson', 'The Token URL answered with something that is not JSON.'],
		['noAccessToken', 'The Token URL answered without an access token (no "accessToken" field).'],
		[
			'noGraphqlUrl',
			'The token response holds no GraphQL URL (urls.graphQL), so there is no tenant API to call.',
		],
	] as const;

	it.each(cases)('mode %s gives: %s', async (mode, message) => {
		ctx.sim.tokenEndpointMode(mode);
		const client = new SageClient(ctx.credentials, {
			transport: testTransport(),
			tokens: managerOn(ctx.sim),
		});
		const error = await failureOf(() => client.graphqlUrl());
		expect(error.message).toBe(message);
		expect(error.code).toBe('SAGE_RESPONSE');
	});

	it('reports an unreachable token URL', async () => {
		const client = new SageClient(
			credentialsOf(ctx.sim, { tokenUrl: 'http://127.0.0.1:9/v1/token' }),
			{ transport: testTransport(), tokens: managerOn(ctx.sim) },
		);
		const error = await failureOf(() => client.graphqlUrl());
		expect(error.code).toBe('SAGE_NETWORK');
		expect(error.message).toBe(
			'Could not complete the token exchange: 127.0.0.1:9 failed (connection refused).',
		);
	});

	it('reports a token URL that answers 404', async () => {
		const client = new SageClient(
			credentialsOf(ctx.sim, { tokenUrl: `${ctx.sim.baseUrl}/not/the/token/api` }),
			{ transport: testTransport(), tokens: managerOn(ctx.sim) },
		);
		const error = await failureOf(() => client.graphqlUrl());
		expect(error.message).toBe("The Token URL does not offer Sage's token API (HTTP 404).");
	});

	it('refuses empty credential fields before sending anything', async () => {
		const client = new SageClient(credentialsOf(ctx.sim, { clientSecret: '' }), {
			transport: testTransport(),
			tokens: managerOn(ctx.sim),
		});
		const error = await failureOf(() => client.graphqlUrl());
		expect(error.message).toBe('The Client Secret of the Sage ERP API credential is empty.');
		expect(ctx.sim.counters().exchanges).toBe(0);
	});
});
