'use strict';
/**
 * Scenario 1: webhook executions in one real n8n process (`n8n start`).
 *   floor  Webhook → No Operation                                   (n8n's own cost of an execution)
 *   chain  Webhook → HTTP Request (token) → GraphQL node (mutation)  (what users build today)
 *   httpCred Webhook → HTTP Request with the Sage ERP API credential  (n8n's own credentialed node)
 *   ours   Webhook → Sage ERP create                                 (this package)
 *   oursMapped  the same Create in version 2, its fields mapped from the body in the field mapper
 *               (only when the build has Create's mapper: executions must pay nothing for it)
 * Each answers with the first item of its last node (ours and the chain: the order number).
 * Per latency: `sequentialCalls` one after another (p50/p95) and `concurrentCalls` at
 * `concurrency` (executions/s, p50, p95), token exchanges counted by the simulator.
 */
const path = require('path');
const rn = require('../lib/real-n8n');
const wf = require('../lib/workflows');
const { pool, postJson, runLoad } = require('../lib/load');
const { createRoundTrip } = require('../lib/sage-raw');
const { cpuMs } = require('../lib/cpu');
const { sampleOrder } = require('../lib/queries');
const { medianOfRuns, median } = require('../lib/stats');
const { sleep } = require('../../scripts/lib/processes');

const TENANT = 'webhook';

/** A webhook answer is right when it carries the order number (floor: any 200). */
function answerOk(subject, res) {
	if (res.status !== 200) return false;
	if (subject === 'floor') return true;
	return /"number":"SO\d+"/.test(
		typeof res.body === 'string' ? res.body : JSON.stringify(res.body),
	);
}

/** Posts to each webhook until n8n has registered it (activation finishes after readiness). */
async function waitForWebhooks(p, subjects, timeoutMs = 60000) {
	for (const subject of subjects) {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const res = await postJson(p, `/webhook/${wf.WEBHOOK_PATHS[subject]}`, sampleOrder(0));
			if (res.status !== 404) {
				if (!answerOk(subject, res))
					throw new Error(
						`webhook ${subject} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 500)}`,
					);
				break;
			}
			if (Date.now() > deadline)
				throw new Error(`webhook ${subject} was not registered within ${timeoutMs} ms`);
			await sleep(200);
		}
	}
}

async function run(ctx) {
	const { config, sim, packageDir, log } = ctx;
	const c = config.webhook;
	const mapperName = wf.createMapperName(packageDir);
	const subjects = [
		'floor',
		'chain',
		...(packageDir ? ['httpCred', 'ours'] : []),
		...(mapperName ? ['oursMapped'] : []),
	];
	const cred = wf.sageCredential('Webhook', sim, TENANT);
	const workflows = [
		wf.webhookFloor(),
		wf.webhookChain(sim, TENANT),
		...(packageDir ? [wf.webhookHttpCredential(sim, TENANT, cred), wf.webhookOurs(cred)] : []),
		...(mapperName ? [wf.webhookOursMapped(cred, mapperName)] : []),
	];

	log(`webhook: preparing n8n (${subjects.join(', ')})`);
	const instance = await rn.prepareInstance({
		name: 'bench-webhook',
		packageDir: packageDir || undefined,
		credentials: packageDir ? [cred] : [],
		workflows,
		activate: workflows.map((w) => w.id),
	});
	const result = {
		runner: `real n8n ${rn.n8nVersion} (n8n start, one process)`,
		subjects,
		config: c,
		latencies: {},
		exchangesPerProcess: {},
	};
	let main;
	let p;
	try {
		main = await rn.startMain(instance, path.join(instance.userFolder, 'n8n-main.log'));
		const mainStarted = Date.now();
		p = pool(main.baseUrl, c.concurrency);
		await sim.latency(TENANT, 0);
		const processStart = await sim.counters(TENANT);
		const exchangesBy = Object.fromEntries(subjects.map((s) => [s, 0]));
		const renewalsBy = Object.fromEntries(subjects.map((s) => [s, 0]));
		for (const subject of subjects) {
			const before = await sim.counters(TENANT);
			await waitForWebhooks(p, [subject]);
			const after = await sim.counters(TENANT);
			exchangesBy[subject] += after.exchanges - before.exchanges;
			renewalsBy[subject] += after.renewals - before.renewals;
		}

		const call = (subject) => async (i) => {
			const res = await postJson(p, `/webhook/${wf.WEBHOOK_PATHS[subject]}`, sampleOrder(i));
			return {
				ms: res.ms,
				ok: answerOk(subject, res),
				error: `HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`,
			};
		};
		/** Runs `fn` and attributes the simulator's counters and n8n's CPU to the subject. */
		const measured = async (subject, fn) => {
			const before = await sim.counters(TENANT);
			const cpu0 = cpuMs(main.pid);
			const simCpu0 = cpuMs(sim.pid);
			const r = await fn();
			const after = await sim.counters(TENANT);
			const cpu1 = cpuMs(main.pid);
			const simCpu1 = cpuMs(sim.pid);
			const exchanges = after.exchanges - before.exchanges;
			exchangesBy[subject] += exchanges;
			renewalsBy[subject] += after.renewals - before.renewals;
			return {
				...r,
				exchanges,
				renewals: after.renewals - before.renewals,
				creates: after.mutations.create - before.mutations.create,
				n8nCpuMsPerCall: cpu0 === null ? null : (cpu1 - cpu0) / r.calls,
				// The simulator shares the machine's cores; in production that work is Sage's.
				simCpuMsPerCall: simCpu0 === null ? null : (simCpu1 - simCpu0) / r.calls,
			};
		};

		for (const latencyMs of config.latencies) {
			await sim.latency(TENANT, latencyMs);
			const sageRoundTripMs = await createRoundTrip(sim.tokenUrl, sim.client(TENANT));
			for (const subject of subjects)
				await measured(subject, () => runLoad(c.warmupCalls, 1, call(subject)));
			const runs = Object.fromEntries(subjects.map((s) => [s, { sequential: [], concurrent: [] }]));
			for (let r = 0; r < c.runs; r++) {
				// Rotate the order so no subject always runs right after another one.
				const order = subjects.map((_, i) => subjects[(i + r) % subjects.length]);
				for (const subject of order)
					runs[subject].sequential.push(
						await measured(subject, () => runLoad(c.sequentialCalls, 1, call(subject))),
					);
				for (const subject of order)
					runs[subject].concurrent.push(
						await measured(subject, () => runLoad(c.concurrentCalls, c.concurrency, call(subject))),
					);
			}
			const perSubject = {};
			for (const subject of subjects) {
				perSubject[subject] = {
					sequential: summarize(runs[subject].sequential),
					concurrent: summarize(runs[subject].concurrent),
				};
			}
			result.latencies[latencyMs] = { sageRoundTripMs, subjects: perSubject };
			log(
				`webhook @${latencyMs} ms: ` +
					subjects
						.map(
							(s) =>
								`${s} seq p50 ${fmt(perSubject[s].sequential.p50)} ms, conc ${fmt(perSubject[s].concurrent.perSecond)}/s (${perSubject[s].concurrent.exchanges} exch/run)`,
						)
						.join('; '),
			);
		}
		const processEnd = await sim.counters(TENANT);
		// Exchanges made while n8n registered the webhooks (first calls) count for the process too.
		result.exchangesPerProcess = {
			...exchangesBy,
			ourRenewals: renewalsBy.ours ?? 0,
			total: processEnd.exchanges - processStart.exchanges,
		};
		result.processSeconds = (Date.now() - mainStarted) / 1000;
	} finally {
		if (p) await p.close().catch(() => {});
		if (main) await main.stop();
		rn.removeInstance(instance);
	}
	return result;
}

/** Medians over runs of the numbers that matter, plus the error count of all runs. */
function summarize(runs) {
	const m = medianOfRuns(
		runs.map((r) => ({
			p50: r.p50,
			p95: r.p95,
			perSecond: r.perSecond,
			exchanges: r.exchanges,
			creates: r.creates,
			n8nCpuMsPerCall: r.n8nCpuMsPerCall,
			simCpuMsPerCall: r.simCpuMsPerCall,
		})),
	);
	const errors = runs.reduce((a, r) => a + r.errors, 0);
	return {
		...m,
		calls: runs[0]?.calls,
		concurrency: runs[0]?.concurrency,
		runs: runs.length,
		errors,
		firstError: runs.find((r) => r.firstError)?.firstError ?? null,
		perSecondRuns: runs.map((r) => r.perSecond),
		p50Runs: runs.map((r) => r.p50),
	};
}

const fmt = (v) => (typeof v === 'number' ? (v >= 100 ? Math.round(v) : v.toPrecision(3)) : 'n/a');

module.exports = { run, TENANT, summarize, median };
