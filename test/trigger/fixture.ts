import path from 'node:path';

import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { closeUndiciAgent, testTransport } from '../helpers/undici-port';
import { SageClient } from '../../sage-client/client/client';
import { TestEngine, loadPackage, type LoadedPackage } from '../helpers/engine';
import { secretGuard } from '../setup/secret-guard';
import { startSimulator, type Simulator } from '../simulator';

export const TRIGGER_TYPE = 'n8n-nodes-sage-erp.sageErpTrigger';
export const TRIGGER_NAME = 'Sage ERP Trigger';
const PACKAGE_DIR = path.resolve(__dirname, '..', '..');

type SimulatorOptions = Parameters<typeof startSimulator>[0];

export interface TriggerEnv {
	sim: Simulator;
	pkg: LoadedPackage;
	engine: TestEngine;
	/** A client of the simulator for writes through GraphQL (this test's own token cache). */
	writer: SageClient;
}

/**
 * A simulator and an n8n engine with the built package (`npm run build` first) per test
 * file; the stored credential points at the simulator. What the trigger shows (items,
 * errors, n8n log lines) is handed to the secret guard.
 */
export function useTriggerEnv(options: SimulatorOptions = {}): TriggerEnv {
	const env = {} as TriggerEnv;
	beforeAll(async () => {
		env.sim = await startSimulator(options);
		env.pkg = await loadPackage(PACKAGE_DIR);
		env.engine = new TestEngine(env.pkg, {
			credentials: {
				sageErpApi: {
					id: 'sage-trigger-cred',
					name: 'Sage ERP account',
					data: credentialData(env.sim),
				},
			},
		});
		env.writer = new SageClient(
			{ tokenUrl: env.sim.tokenUrl, ...env.sim.client, requestFormat: 'json' },
			{ transport: testTransport() },
		);
	});
	afterAll(async () => {
		const guard = secretGuard();
		guard.registerSecret(env.sim.client.clientSecret);
		for (const token of env.sim.issuedTokens()) guard.registerSecret(token);
		for (const line of env.engine?.logs ?? []) guard.observe(line, 'n8n log');
		await closeUndiciAgent();
		await env.sim.stop();
	});
	return env;
}

export function credentialData(
	sim: Simulator,
	overrides: ICredentialDataDecryptedObject = {},
): ICredentialDataDecryptedObject {
	return { tokenUrl: sim.tokenUrl, ...sim.client, requestFormat: 'json', ...overrides };
}

/** `{ __rl, mode, value }`, as the editor saves a Record Type picked from the list. */
export function recordType(value: string): INodeParameters['recordType'] {
	return { __rl: true, mode: 'list', value };
}

export interface PollOptions {
	mode?: 'trigger' | 'manual';
	engine?: TestEngine;
	/** The poll's time budget, as n8n 2.40+'s durable scheduler sets it (`this.getPollBudgetMs()`). */
	budgetMs?: number;
}

/**
 * One poll of the trigger with these parameters, like n8n's scheduled poll of an active
 * workflow (static data kept in `staticData` between polls) or the editor's "Fetch Test
 * Event"; the json of the emitted items ([] when the poll emitted nothing).
 */
export async function poll(
	env: TriggerEnv,
	parameters: INodeParameters,
	staticData: IDataObject,
	options: PollOptions = {},
): Promise<IDataObject[]> {
	const guard = secretGuard();
	try {
		const output = await (options.engine ?? env.engine).poll({
			node: { name: TRIGGER_NAME, type: TRIGGER_TYPE, parameters },
			staticData,
			mode: options.mode ?? 'trigger',
			budgetMs: options.budgetMs,
		});
		guard.observe(output, 'trigger output');
		if (output === null) return [];
		expect(output).toHaveLength(1);
		return output[0].map((item) => item.json);
	} catch (error) {
		guard.observe(error, 'trigger error');
		throw error;
	}
}

/** What a poll threw. */
export async function pollFailure(
	env: TriggerEnv,
	parameters: INodeParameters,
	staticData: IDataObject,
	options: PollOptions = {},
) {
	try {
		await poll(env, parameters, staticData, options);
	} catch (error) {
		return error as Error & {
			description?: string | null;
			httpCode?: string | null;
			context?: IDataObject;
		};
	}
	throw new Error('expected the poll to fail, but it succeeded');
}

/** Runs a GraphQL mutation against the simulator, like another Sage user would. */
export async function mutate(
	env: TriggerEnv,
	query: string,
	variables: IDataObject = {},
): Promise<IDataObject> {
	const result = await env.writer.execute({ query, variables, isMutation: true });
	if (result.errors.length) throw new Error(`mutation failed: ${JSON.stringify(result.errors)}`);
	return result.data as IDataObject;
}
