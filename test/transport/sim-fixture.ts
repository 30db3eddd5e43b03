import { closeUndiciAgent } from '../helpers/undici-port';
import { TokenManager, type SageCredentials } from '../../sage-client/auth/tokens';
import { secretGuard } from '../setup/secret-guard';
import { startSimulator, type Simulator } from '../simulator';

type SimulatorOptions = Parameters<typeof startSimulator>[0];

/**
 * A simulator per test file, with its secrets handed to the guard (tests send through
 * `testTransport()`, with fast retry backoff),
 * and a token manager on the simulator's clock so that hours pass in milliseconds.
 */
export function useSimulator(options: SimulatorOptions = {}) {
	const state = {} as { sim: Simulator; credentials: SageCredentials };
	beforeAll(async () => {
		state.sim = await startSimulator(options);
		state.credentials = credentialsOf(state.sim);
	});
	afterAll(async () => {
		const guard = secretGuard();
		guard.registerSecret(state.sim.client.clientSecret);
		for (const token of state.sim.issuedTokens()) guard.registerSecret(token);
		await closeUndiciAgent();
		await state.sim.stop();
	});
	return state;
}

export function credentialsOf(
	sim: Simulator,
	overrides: Partial<SageCredentials> = {},
): SageCredentials {
	return { tokenUrl: sim.tokenUrl, ...sim.client, requestFormat: 'json', ...overrides };
}

export function managerOn(sim: Simulator, marginMs = 60_000): TokenManager {
	return new TokenManager({ now: () => sim.clock.now(), safetyMarginMs: marginMs });
}

/** Runs `fn` and returns what it threw, handing the error to the secret guard. */
export async function failureOf(
	fn: () => Promise<unknown>,
): Promise<Error & { code?: string; hint?: string }> {
	try {
		await fn();
	} catch (error) {
		secretGuard().observe(error, 'error');
		return error as Error & { code?: string; hint?: string };
	}
	throw new Error('expected a failure, but the call succeeded');
}

export const QUERY_CUSTOMERS =
	'{ xtremMasterData { customer { query(first: 2) { edges { node { _id } } } } } }';
