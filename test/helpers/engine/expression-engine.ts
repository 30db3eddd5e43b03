/**
 * jest setup file (setupFilesAfterEnv) for n8n-workflow 2.13+: starts the expression engine the
 * n8n server starts ("vm" by default: expressions run in isolated-vm isolates, see n8n's
 * BaseCommand and ExpressionEngineConfig) before a test file's first run, and disposes it after
 * its last. Without it those versions evaluate with their legacy engine, which n8n no longer uses.
 * Older n8n-workflow versions have no such engine: nothing happens.
 *
 * The settings are n8n's, read from n8n's own variables, with one default changed:
 * N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE is on unless set to "false". n8n's default (off) builds an
 * isolate for every execution, about 50 ms of CPU each here, which made the 1,500-execution soak
 * take three times as long; lazily, an execution takes an isolate at its first expression, so
 * every expression still runs in the vm engine.
 *
 * n8n-workflow loads the engine with a dynamic `import()`, which jest allows only under
 * `node --experimental-vm-modules` (scripts/test-engine-next.js sets it).
 */
import { Expression } from 'n8n-workflow';

interface ExpressionEngineHost {
	initExpressionEngine?(options: Record<string, unknown>): Promise<void>;
	disposeExpressionEngine?(): Promise<void>;
}

const host = Expression as unknown as ExpressionEngineHost;

beforeAll(async () => {
	const engine = process.env.N8N_EXPRESSION_ENGINE ?? 'vm';
	// n8n's defaults (ExpressionEngineConfig): one pooled isolate, 5 s per bridge call, 128 MB.
	await host.initExpressionEngine?.({
		engine,
		poolSize: 1,
		maxCodeCacheSize: 1024,
		bridgeTimeout: 5000,
		bridgeMemoryLimit: 128,
		lazyAcquire: process.env.N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE !== 'false',
	});
});

afterAll(async () => {
	await host.disposeExpressionEngine?.();
});
