/**
 * Shared pieces of the end-to-end suite: a real n8n (2.40.7, provisioned once, see
 * scripts/provision-n8n.js) with this package installed as a community package, talking to
 * the Sage ERP simulator in this process. Every suite gets its own user folder and ports.
 *
 * SAGE_ERP_N8N_VERSION=<v> runs the suite on another n8n version (`npm run test:matrix` does).
 * SAGE_ERP_SKIP_E2E=1 skips the suite (with a message); nothing else does.
 * SAGE_ERP_KEEP_N8N_FOLDER=1 keeps the user folders (.n8n-e2e/) for a post-mortem.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startSimulator, Simulator } from '../simulator';
import { secretGuard } from '../setup/secret-guard';

/* eslint-disable @typescript-eslint/no-require-imports */
const n8nLib = require('../../scripts/lib/n8n');
const examplesLib = require('../../scripts/lib/examples');
const processes = require('../../scripts/lib/processes');
const browser = require('../../scripts/lib/browser');
const provision = require('../../scripts/provision-n8n');
/* eslint-enable @typescript-eslint/no-require-imports */

export { n8nLib, examplesLib, processes, browser };

export const SKIP = process.env.SAGE_ERP_SKIP_E2E === '1';

/** The n8n version every suite of this process runs on: $SAGE_ERP_N8N_VERSION or the default. */
export const N8N_VERSION: string = provision.resolveVersion();
export const N8N_MAJOR = Number(N8N_VERSION.split('.')[0]);

/**
 * `test`, or, when this n8n version lacks what the test needs (`supported` is the reason), a
 * skipped test whose name and a log line say which version and why: never a silent gap.
 */
export function testOnVersion(
	name: string,
	supported: true | string,
	fn: () => Promise<void>,
	timeout?: number,
): void {
	if (supported === true) {
		test(name, fn, timeout);
		return;
	}
	process.stdout.write(`[e2e] SKIPPED on n8n ${N8N_VERSION}: "${name}": ${supported}\n`);
	test.skip(`${name} [not on n8n ${N8N_VERSION}: ${supported}]`, fn);
}

/** `describe`, or `describe.skip` with one clear line when SAGE_ERP_SKIP_E2E=1. */
export function describeE2e(name: string, fn: () => void): void {
	if (SKIP) {
		process.stdout.write(
			`[e2e] SKIPPED "${name}": SAGE_ERP_SKIP_E2E=1 (unset it to run n8n end to end)\n`,
		);
		describe.skip(name, fn);
		return;
	}
	describe(name, fn);
}

/** First run installs n8n (~3-5 min); later runs find the cache in well under a second. */
export const PROVISION_TIMEOUT = 20 * 60 * 1000;

export interface N8nProcess {
	name: string;
	pid: number;
	baseUrl?: string;
	output(): string;
	stop(ms?: number): Promise<unknown>;
	exited: Promise<{ code: number | null; signal: string | null }>;
	running: boolean;
}

export interface Instance {
	n8n: { nodeBin: string; n8nBin: string; cacheDir: string; nodeDir: string };
	userFolder: string;
	port: number;
	owner: { email: string; password: string };
	env(extra?: Record<string, string>, opts?: { brokerPort?: number }): Record<string, string>;
	cliEnv(): Promise<Record<string, string>>;
	timings: Record<string, number>;
}

export interface RunResult {
	run: {
		data?: { resultData?: { runData?: Record<string, unknown>; error?: { message: string } } };
	} | null;
	stdout: string;
	stderr: string;
	code: number | null;
	ms: number;
	parseError: Error | null;
}

/** The built package must be there: `npm test` builds it first; a bare `jest` does not. */
export function assertBuilt(): void {
	const root = n8nLib.packageDir() as string;
	const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
	const files: string[] = [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])];
	const missing = files.filter((f) => !fs.existsSync(path.join(root, f)));
	if (missing.length) {
		throw new Error(
			`the package is not built (missing ${missing.join(', ')}): run \`npm run build\` (npm test does it first)`,
		);
	}
}

/** Everything a user or operator sees goes to the secret guard, which fails the file on any secret. */
export function observe(value: unknown, where: string): void {
	secretGuard().observe(value, where);
}

export interface Suite {
	sim: Simulator;
	inst: Instance;
	procs: N8nProcess[];
	/** Secrets and every token the simulator issued, for the guard; call before checking. */
	registerSecrets(): void;
	close(): Promise<void>;
}

/**
 * Provisions n8n, starts the simulator, makes a fresh user folder with the credential and the
 * given workflows imported (and `activate` ids published).
 */
export async function openSuite(
	name: string,
	options: {
		workflows?: unknown[];
		activate?: string[];
		simOptions?: Parameters<typeof startSimulator>[0];
		env?: Record<string, string>;
	} = {},
): Promise<Suite> {
	assertBuilt();
	await provision.ensureN8n();
	const sim = await startSimulator({ port: 0, ...(options.simOptions ?? {}) });
	secretGuard().registerSecret(sim.client.clientSecret);
	const procs: N8nProcess[] = [];
	let inst: Instance;
	try {
		inst = await n8nLib.prepareInstance({
			name,
			credentials: [examplesLib.simulatorCredential(sim)],
			workflows: options.workflows ?? [],
			activate: options.activate ?? [],
			env: options.env,
			quiet: true,
		});
	} catch (err) {
		await sim.stop();
		throw err;
	}
	const suite: Suite = {
		sim,
		inst,
		procs,
		registerSecrets() {
			secretGuard().registerSecret(sim.client.clientSecret);
			for (const token of sim.issuedTokens()) secretGuard().registerSecret(token);
		},
		async close() {
			for (const p of procs) observe(p.output(), `${p.name} log`);
			suite.registerSecrets();
			await Promise.all(procs.map((p) => p.stop(10000)));
			await processes.stopAll();
			await sim.stop();
			n8nLib.removeUserFolder(inst.userFolder);
		},
	};
	return suite;
}

/** `n8n start` on the suite's folder (extra env for queue mode etc.), remembered for close(). */
export async function startMain(
	suite: Suite,
	extra: Record<string, string> = {},
): Promise<N8nProcess> {
	const env = suite.inst.env(extra, { brokerPort: await processes.freePort() });
	const proc: N8nProcess = await n8nLib.startN8n(suite.inst.n8n, env, {
		logFile: path.join(suite.inst.userFolder, 'n8n-main.log'),
		name: 'n8n start',
	});
	suite.procs.push(proc);
	return proc;
}

export async function startWorker(
	suite: Suite,
	index: number,
	extra: Record<string, string> = {},
): Promise<N8nProcess> {
	const env = suite.inst.env(extra, { brokerPort: await processes.freePort() });
	const proc: N8nProcess = await n8nLib.startN8n(suite.inst.n8n, env, {
		command: 'worker',
		args: ['--concurrency=25'],
		logFile: path.join(suite.inst.userFolder, `n8n-worker-${index}.log`),
		name: `n8n worker ${index}`,
	});
	suite.procs.push(proc);
	return proc;
}

/** `n8n execute --id <id> --rawOutput` (with `extraEnv` on top of the suite's), its output observed by the secret guard. */
export async function execute(
	suite: Suite,
	workflowId: string,
	extraEnv?: Record<string, string>,
): Promise<RunResult> {
	const env = extraEnv
		? suite.inst.env(extraEnv, { brokerPort: await processes.freePort() })
		: await suite.inst.cliEnv();
	const res: RunResult = await n8nLib.executeWorkflow(suite.inst.n8n, env, workflowId);
	observe(res.stdout, `n8n execute ${workflowId} stdout`);
	observe(res.stderr, `n8n execute ${workflowId} stderr`);
	return res;
}

/** The output items of a node in a run, or a failure that shows what n8n printed. */
export function itemsOf(res: RunResult, nodeName: string): Record<string, unknown>[] {
	const loadError = packageLoadError(`${res.stdout}\n${res.stderr}`);
	try {
		if (!res.run) {
			throw new Error(
				`n8n execute printed no run (exit code ${res.code}): ${res.parseError?.message}\n--- stderr ---\n${res.stderr.slice(-3000)}`,
			);
		}
		return n8nLib.outputItems(res.run, nodeName);
	} catch (err) {
		if (loadError) (err as Error).message = `${loadError}\n\n${(err as Error).message}`;
		throw err;
	}
}

/** n8n's "Failed to load package" message for this package (and the reason after it), if any. */
export function packageLoadError(output: string): string | null {
	const m = output.match(/Failed to load package "n8n-nodes-sage-erp"[^\n]*(\n[^\n]*){0,3}/);
	return m ? `n8n could not load the package: ${m[0]}` : null;
}

/** Loads examples/*.json by id. */
export function examples(): Record<
	string,
	{
		id: string;
		name: string;
		nodes: { name: string; type: string; parameters: Record<string, unknown> }[];
	}
> {
	const all = examplesLib.loadExamples() as {
		id: string;
		name: string;
		nodes: { name: string; type: string; parameters: Record<string, unknown> }[];
	}[];
	return Object.fromEntries(all.map((w) => [w.id, w]));
}

/** POSTs `n` orders to the CRM webhook example at once; resolves every response (status + parsed body). */
export async function webhookBurst(
	baseUrl: string,
	n: number,
	prefix: string,
): Promise<{ reference: string; status: number; body: unknown; ms: number }[]> {
	const url = `${baseUrl}/webhook/${examplesLib.WEBHOOK_PATH}`;
	return Promise.all(
		Array.from({ length: n }, async (_, i) => {
			const reference = `${prefix}-${String(i + 1).padStart(3, '0')}`;
			const started = Date.now();
			const res = await fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(examplesLib.sampleOrder(reference)),
				signal: AbortSignal.timeout(120000),
			});
			const text = await res.text();
			let body: unknown = text;
			try {
				body = JSON.parse(text);
			} catch {
				/* keep the text */
			}
			observe(text, `webhook response ${reference}`);
			return { reference, status: res.status, body, ms: Date.now() - started };
		}),
	);
}

/** Sales orders in the simulator whose customerReference starts with `prefix`. */
export function ordersWithPrefix(sim: Simulator, prefix: string): Record<string, unknown>[] {
	return sim
		.store()
		.list('xtremSales.salesOrder')
		.filter(
			(o) =>
				typeof o.customerReference === 'string' &&
				(o.customerReference as string).startsWith(`${prefix}-`),
		);
}

/** Checks the burst: every POST answered 200 with a distinct order number, every reference stored once. */
export async function expectEachOrderCreatedOnce(
	suite: Suite,
	baseUrl: string,
	results: Awaited<ReturnType<typeof webhookBurst>>,
	prefix: string,
): Promise<void> {
	const sim = suite.sim;
	const failures = results.filter(
		(r) => r.status !== 200 || typeof (r.body as { number?: unknown })?.number !== 'string',
	);
	if (failures.length) {
		const why = await failedExecutionErrors(
			suite,
			baseUrl,
			examplesLib.EXAMPLE_IDS.crmWebhook,
		).catch((err: Error) => [`(could not read the executions: ${err.message})`]);
		expect({
			failures: failures.map(
				(f) => `${f.reference}: HTTP ${f.status} ${JSON.stringify(f.body).slice(0, 300)}`,
			),
			executions: why,
			logs: errorLines(suite.procs),
		}).toEqual({ failures: [] });
	}
	const numbers = results.map((r) => (r.body as { number: string }).number);
	expect(new Set(numbers).size).toBe(results.length);
	const stored = ordersWithPrefix(sim, prefix);
	const byReference = new Map<string, number>();
	for (const o of stored)
		byReference.set(
			o.customerReference as string,
			(byReference.get(o.customerReference as string) ?? 0) + 1,
		);
	const notOnce = results
		.filter((r) => byReference.get(r.reference) !== 1)
		.map((r) => `${r.reference} stored ${byReference.get(r.reference) ?? 0} times`);
	expect(notOnce).toEqual([]);
	expect(stored).toHaveLength(results.length);
	const storedNumbers = new Set(stored.map((o) => o.number));
	expect(numbers.filter((n) => !storedNumbers.has(n))).toEqual([]);
}

/**
 * Output items of `nodeName` in every finished execution of a workflow, read through n8n's REST
 * API (execution data is stored `flatted`; the flatted that ships with n8n parses it).
 */
export async function executionItems(
	suite: Suite,
	session: {
		request(
			method: string,
			path: string,
			body?: unknown,
		): Promise<{ status: number; body: unknown }>;
	},
	workflowId: string,
	nodeName: string,
): Promise<{ executionId: string; status: string; items: Record<string, unknown>[] }[]> {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { createRequire } = require('node:module') as typeof import('node:module');
	const flatted = createRequire(
		path.join(path.dirname(path.dirname(suite.inst.n8n.n8nBin)), 'package.json'),
	)('flatted') as { parse(text: string): unknown };
	// 100: n8n 2.41 refuses a larger page ("Execution limit must be between 1 and 100").
	const list = await session.request(
		'GET',
		`/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}&limit=100`,
	);
	if (list.status !== 200)
		throw new Error(
			`GET /rest/executions: HTTP ${list.status} ${JSON.stringify(list.body).slice(0, 300)}`,
		);
	const results = (
		(list.body as { data: { results: { id: string; status: string; finished?: boolean }[] } }).data
			.results ?? []
	).filter((e) => e.status !== 'running' && e.status !== 'new');
	const out = [];
	for (const e of results) {
		const one = await session.request('GET', `/rest/executions/${e.id}`);
		const raw = (one.body as { data: { data: string } }).data.data;
		const run = { data: flatted.parse(raw) };
		let items: Record<string, unknown>[] = [];
		try {
			items = n8nLib.outputItems(run, nodeName);
		} catch (err) {
			if (e.status === 'success') throw err;
		}
		observe(items, `execution ${e.id} of ${workflowId}`);
		out.push({ executionId: e.id, status: e.status, items });
	}
	return out;
}

/** The errors of the failed executions of a workflow (via REST), for failure messages. */
export async function failedExecutionErrors(
	suite: Suite,
	baseUrl: string,
	workflowId: string,
): Promise<string[]> {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { createRequire } = require('node:module') as typeof import('node:module');
	const flatted = createRequire(
		path.join(path.dirname(path.dirname(suite.inst.n8n.n8nBin)), 'package.json'),
	)('flatted') as { parse(text: string): unknown };
	const session = await n8nLib.login(baseUrl);
	const list = await session.request(
		'GET',
		`/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId, status: ['error', 'crashed'] }))}&limit=50`,
	);
	const results =
		(list.body as { data?: { results?: { id: string; status: string }[] } }).data?.results ?? [];
	const out: string[] = [];
	for (const e of results.filter((r) => r.status !== 'success')) {
		const one = await session.request('GET', `/rest/executions/${e.id}`);
		const raw = (one.body as { data?: { data?: string } }).data?.data;
		if (!raw) continue;
		const data = flatted.parse(raw) as {
			resultData?: {
				error?: { message?: string; description?: string; node?: { name?: string } };
				lastNodeExecuted?: string;
			};
		};
		const error = data.resultData?.error;
		out.push(
			`execution ${e.id} (${e.status}) at "${error?.node?.name ?? data.resultData?.lastNodeExecuted}": ${error?.message}${error?.description ? ` — ${error.description}` : ''}`,
		);
	}
	observe(out, 'failed executions');
	return out;
}

/** Log lines of the n8n processes that look like errors (for failure messages). */
export function errorLines(procs: N8nProcess[], max = 40): string[] {
	return procs.flatMap((p) =>
		p
			.output()
			.split('\n')
			.filter(
				(l) => /error|SQLITE|fail|exception/i.test(l) && !/Python task runner|deprecat/i.test(l),
			)
			.slice(0, max)
			.map((l) => `[${p.name}] ${l}`),
	);
}
