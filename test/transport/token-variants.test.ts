import { SageClient } from '../../sage-client/client';
import { closeUndiciAgent, testTransport } from '../helpers/undici-port';
import { secretGuard } from '../setup/secret-guard';
import { startSimulator } from '../simulator';
import { credentialsOf, managerOn, QUERY_CUSTOMERS } from './sim-fixture';

afterAll(() => closeUndiciAgent());

describe('token responses in every form Sage may send', () => {
	const variants = [
		{ expiryStyle: 'iso', graphqlUrlKey: 'graphQL' },
		{ expiryStyle: 'epoch', graphqlUrlKey: 'graphQl' },
		{ expiryStyle: 'expiresIn', graphqlUrlKey: 'graphQL' },
	] as const;

	it.each(variants)('reads expiries written as $expiryStyle with the URL under urls.$graphqlUrlKey', async (variant) => {
		const sim = await startSimulator({ ...variant, accessTokenTtlSec: 600, refreshTokenTtlSec: 1800 });
		try {
			const manager = managerOn(sim, 30_000);
			const client = new SageClient(credentialsOf(sim), { transport: testTransport(), tokens: manager });
			// Ten-minute tokens: calls every minute for 25 minutes renew twice, never exchange again.
			for (let minute = 0; minute < 25; minute++) {
				const result = await client.execute({ query: QUERY_CUSTOMERS, isMutation: false });
				expect(result.errors).toEqual([]);
				sim.clock.advance(60_000);
			}
			expect(sim.counters()).toMatchObject({ exchanges: 1, renewals: 2, graphqlUnauthorized: 0 });
		} finally {
			secretGuard().registerSecret(sim.client.clientSecret);
			sim.issuedTokens().forEach((token) => secretGuard().registerSecret(token));
			await sim.stop();
		}
	});
});

describe('token answers as Sage’s newer documentation shows them: no refresh token, no refresh URL', () => {
	it('exchanges again when the access token nears its end, and ignores the nested urls.apps', async () => {
		const sim = await startSimulator({ tokenAnswerStyle: 'accessOnly', accessTokenTtlSec: 600 });
		try {
			const manager = managerOn(sim, 30_000);
			const client = new SageClient(credentialsOf(sim), { transport: testTransport(), tokens: manager });
			// Ten-minute tokens, a call every minute for 25 minutes: a new exchange near each end, no renewal, no 401.
			for (let minute = 0; minute < 25; minute++) {
				const result = await client.execute({ query: QUERY_CUSTOMERS, isMutation: false });
				expect(result.errors).toEqual([]);
				sim.clock.advance(60_000);
			}
			expect(sim.counters()).toMatchObject({ exchanges: 3, renewals: 0, renewalsRejected: 0, graphqlUnauthorized: 0 });
		} finally {
			secretGuard().registerSecret(sim.client.clientSecret);
			sim.issuedTokens().forEach((token) => secretGuard().registerSecret(token));
			await sim.stop();
		}
	});
});
