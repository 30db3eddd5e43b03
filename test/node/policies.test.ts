/**
 * The node's requests go through n8n's own HTTP helper, so what an administrator set in
 * n8n applies to them: here, proxies from the environment (the credential's allowed domains
 * and SSRF protection exist only in newer n8n: test/e2e/policies.test.ts).
 * A token exchange shared by several executions goes out through the helper of the one
 * that started it, and outlives that execution when it is stopped.
 */
import { startForwardProxy } from '../helpers/forward-proxy';

import { outputOf, recordType, runNode, useNodeEnv } from './fixture';

const env = useNodeEnv({ seed: { customers: 20 } });
const get = {
	resource: 'record',
	operation: 'get',
	recordType: recordType('xtremMasterData.customer'),
	id: '1',
	fields: '_id name',
};

/**
 * Polls `condition` every 10 ms, at most `withinMs / 10` times: a count of polls, not a
 * deadline, so a loaded machine (slower polls) gets more time, never a spurious failure.
 */
async function until(condition: () => boolean, withinMs: number, what: string): Promise<void> {
	for (let polls = Math.ceil(withinMs / 10); !condition(); polls--) {
		if (polls === 0)
			throw new Error(`Polled ${Math.ceil(withinMs / 10)} times (every 10 ms) for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

describe('a token exchange shared by two executions', () => {
	test('outlives the execution that started it when that one is stopped', async () => {
		env.sim.resetCounters();
		env.sim.faults().set({ scope: 'token', latencyMs: 1_500 });
		try {
			const stopper = new AbortController();
			const stopped = runNode(env, get, { signal: stopper.signal });
			await until(() => env.sim.openConnections() > 0, 5_000, 'the token exchange to be under way');
			const waiting = runNode(env, get);
			await new Promise((resolve) => setTimeout(resolve, 100));
			stopper.abort();
			expect((await stopped).raw.status).toBe('canceled');
			expect(outputOf(await waiting).map((item) => item.json._id)).toEqual(['1']);
			expect(env.sim.counters().exchanges).toBe(1);
		} finally {
			env.sim.faults().clear();
		}
	});
});

describe('proxies set in the environment of n8n', () => {
	const names = ['HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'] as const;
	const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
	afterEach(() => {
		for (const name of names) {
			if (saved[name] === undefined) delete process.env[name];
			else process.env[name] = saved[name];
		}
	});

	async function hostsThroughProxy(noProxy: string): Promise<string[]> {
		const proxy = await startForwardProxy();
		try {
			for (const name of names) delete process.env[name];
			process.env.HTTP_PROXY = proxy.url;
			process.env.NO_PROXY = noProxy;
			expect(outputOf(await runNode(env, get)).map((item) => item.json._id)).toEqual(['1']);
			return proxy.hosts;
		} finally {
			await proxy.close();
		}
	}

	test('carry every request to Sage through HTTP_PROXY', async () => {
		expect(await hostsThroughProxy('')).toContain(new URL(env.sim.baseUrl).host);
	});

	test('leave out the hosts listed in NO_PROXY', async () => {
		expect(await hostsThroughProxy('127.0.0.1')).toEqual([]);
	});
});
