import { SageClient } from '../../sage-client/client/client';
import { closeUndiciAgent, testTransport } from '../helpers/undici-port';
import { secretGuard } from '../setup/secret-guard';
import { startSimulator } from '../simulator';
import { credentialsOf, managerOn, QUERY_CUSTOMERS } from './sim-fixture';

afterAll(() => closeUndiciAgent());

/** Calls the simulator once a minute of its clock for `minutes`; its counters afterwards. */
async function callEveryMinute(options: Parameters<typeof startSimulator>[0], minutes: number) {
	const sim = await startSimulator(options);
	try {
		const client = new SageClient(credentialsOf(sim), {
			transport: testTransport(),
			tokens: managerOn(sim, 30_000),
		});
		for (let minute = 0; minute < minutes; minute++) {
			const result = await client.execute({ query: QUERY_CUSTOMERS, isMutation: false });
			expect(result.errors).toEqual([]);
			sim.clock.advance(60_000);
		}
		return sim.counters();
	} finally {
		secretGuard().registerSecret(sim.client.clientSecret);
		sim.issuedTokens().forEach((token) => secretGuard().registerSecret(token));
		await sim.stop();
	}
}

describe('token responses in every form Sage may send', () => {
	const variants = [
		{ expiryStyle: 'iso', graphqlUrlKey: 'graphQL' },
		{ expiryStyle: 'epoch', graphqlUrlKey: 'graphQl' },
		{ expiryStyle: 'expiresIn', graphqlUrlKey: 'graphQL' },
	] as const;

	it.each(variants)(
		'reads expiries written as $expiryStyle with the URL under urls.$graphqlUrlKey',
		async (variant) => {
			// Ten-minute tokens: calls every minute for 25 minutes renew twice, never exchange again.
			const counters = await callEveryMinute(
				{ ...variant, accessTokenTtlSec: 600, refreshTokenTtlSec: 1800 },
				25,
			);
			expect(counters).toMatchObject({ exchanges: 1, renewals: 2, graphqlUnauthorized: 0 });
		},
	);
});

describe('token answers as Sage’s newer documentation shows them: no refresh token, no refresh URL', () => {
	it('exchanges again when the access token nears its end, and ignores the nested urls.apps', async () => {
		// Ten-minute tokens, a call every minute for 25 minutes: a new exchange near each end, no renewal, no 401.
		const counters = await callEveryMinute(
			{ tokenAnswerStyle: 'accessOnly', accessTokenTtlSec: 600 },
			25,
		);
		expect(counters).toMatchObject({
			exchanges: 3,
			renewals: 0,
			renewalsRejected: 0,
			graphqlUnauthorized: 0,
		});
	});
});
