/**
 * Queue mode: `n8n start` (main) + 2 `n8n worker` processes + a Redis server + a PostgreSQL
 * server, all on loopback and thrown away afterwards. (sqlite is not enough here: n8n warns
 * "Scaling mode is not officially supported with sqlite", and under load main and workers fail
 * executions with SQLITE_BUSY.) The CRM webhook under a burst: every order created exactly
 * once, at most one token exchange per worker process.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
	describeE2e,
	examples,
	examplesLib,
	expectEachOrderCreatedOnce,
	N8nProcess,
	n8nLib,
	openSuite,
	packageLoadError,
	processes,
	PROVISION_TIMEOUT,
	startMain,
	startWorker,
	Suite,
	webhookBurst,
} from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startPostgres } = require('../../scripts/lib/postgres');

const BURST = 50;
const WORKERS = 2;

function findRedis(): string {
	const found: string | null =
		process.env.SAGE_ERP_REDIS_SERVER ||
		processes.which('redis-server', ['/usr/sbin', '/usr/local/bin']);
	if (!found)
		throw new Error(
			'redis-server is missing: apt-get install -y redis-server (queue mode needs it)',
		);
	return found;
}

type Service = { stop(ms?: number): Promise<unknown>; output(): string };

describeE2e('the package in n8n queue mode (main + 2 workers + Redis + PostgreSQL)', () => {
	let suite: Suite;
	let main: N8nProcess;
	const workers: N8nProcess[] = [];
	let redis: Service | undefined;
	let postgres: (Service & { env: Record<string, string> }) | undefined;
	let redisDir: string | undefined;

	beforeAll(async () => {
		const redisPort = await processes.freePort();
		redisDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sage-erp-redis-'));
		const redisProc = processes.startProcess('redis-server', findRedis(), [
			'--port',
			String(redisPort),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			redisDir,
		]);
		redis = redisProc;
		[postgres] = await Promise.all([
			startPostgres(),
			redisProc.waitForOutput(/Ready to accept connections/, 20000),
		]);

		const queueEnv = {
			...postgres!.env,
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redisPort),
		};
		const crm = examples()[examplesLib.EXAMPLE_IDS.crmWebhook];
		suite = await openSuite('queue', { workflows: [crm], activate: [crm.id], env: queueEnv });
		main = await startMain(suite);
		workers.push(
			...(await Promise.all(Array.from({ length: WORKERS }, (_, i) => startWorker(suite, i + 1)))),
		);
		await n8nLib.waitForWebhook(main.baseUrl, examplesLib.WEBHOOK_PATH);
		for (const p of [main, ...workers]) expect(packageLoadError(p.output())).toBeNull();
	}, PROVISION_TIMEOUT);

	afterAll(async () => {
		await suite?.close();
		await Promise.all([redis?.stop(5000), postgres?.stop()]);
		if (redisDir) fs.rmSync(redisDir, { recursive: true, force: true });
	}, 60000);

	test(`${BURST} concurrent webhook calls through ${WORKERS} workers create each order exactly once, at most one token exchange per worker`, async () => {
		suite.sim.resetCounters();
		const results = await webhookBurst(main.baseUrl!, BURST, 'E2E-QUEUE');
		await expectEachOrderCreatedOnce(suite, main.baseUrl!, results, 'E2E-QUEUE');

		const counters = suite.sim.counters();
		expect(counters.mutations.create).toBe(BURST);
		const busyWorkers = workers.filter((w) => /started execution/i.test(w.output())).length;
		expect(busyWorkers).toBeGreaterThanOrEqual(1);
		expect(counters.exchanges).toBeGreaterThanOrEqual(1);
		expect(counters.exchanges).toBeLessThanOrEqual(busyWorkers);
		expect(counters.exchangesRejected).toBe(0);
	}, 240000);
});
