/**
 * Queue mode: `n8n start` (main) + 2 `n8n worker` processes + a Redis server on loopback, one
 * sqlite database in the shared user folder (n8n warns that sqlite is not officially supported
 * in scaling mode; main and workers on one machine work with it). The CRM webhook under a
 * burst: every order created exactly once, at most one token exchange per worker.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
	describeE2e,
	examples,
	examplesLib,
	expectEachOrderCreatedOnce,
	N8nProcess,
	openSuite,
	packageLoadError,
	processes,
	PROVISION_TIMEOUT,
	startMain,
	startWorker,
	Suite,
	webhookBurst,
} from './harness';

const BURST = 50;
const WORKERS = 2;

function findRedis(): string {
	for (const candidate of [process.env.SAGE_ERP_REDIS_SERVER, '/usr/bin/redis-server', '/usr/local/bin/redis-server']) {
		if (candidate && fs.existsSync(candidate)) return candidate;
	}
	throw new Error('redis-server is missing: apt-get install -y redis-server (queue mode needs it)');
}

describeE2e('the package in n8n queue mode (main + 2 workers + Redis)', () => {
	let suite: Suite;
	let main: N8nProcess;
	const workers: N8nProcess[] = [];
	let redis: { stop(ms?: number): Promise<unknown>; output(): string } | undefined;

	beforeAll(async () => {
		const crm = examples()[examplesLib.EXAMPLE_IDS.crmWebhook];
		suite = await openSuite('queue', { workflows: [crm], activate: [crm.id] });

		const redisPort = await processes.freePort();
		redis = processes.startProcess('redis-server', findRedis(), ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', suite.inst.userFolder], {
			logFile: path.join(suite.inst.userFolder, 'redis.log'),
		});
		await (redis as unknown as { waitForOutput(re: RegExp, ms: number): Promise<unknown> }).waitForOutput(/Ready to accept connections/, 20000);

		const queueEnv = {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redisPort),
		};
		main = await startMain(suite, queueEnv);
		workers.push(...(await Promise.all(Array.from({ length: WORKERS }, (_, i) => startWorker(suite, i + 1, queueEnv)))));
		for (const p of [main, ...workers]) expect(packageLoadError(p.output())).toBeNull();
	}, PROVISION_TIMEOUT);

	afterAll(async () => {
		await suite?.close();
		await redis?.stop(5000);
	}, 60000);

	test(`${BURST} concurrent webhook calls through ${WORKERS} workers create each order exactly once, at most one token exchange per worker`, async () => {
		suite.sim.resetCounters();
		const results = await webhookBurst(main.baseUrl!, BURST, 'E2E-QUEUE');
		expectEachOrderCreatedOnce(suite.sim, results, 'E2E-QUEUE');

		const counters = suite.sim.counters();
		expect(counters.mutations.create).toBe(BURST);
		const busyWorkers = workers.filter((w) => /started execution/i.test(w.output())).length;
		expect(busyWorkers).toBeGreaterThanOrEqual(1);
		expect(counters.exchanges).toBeGreaterThanOrEqual(1);
		expect(counters.exchanges).toBeLessThanOrEqual(busyWorkers);
		expect(counters.exchangesRejected).toBe(0);
	}, 240000);
});
