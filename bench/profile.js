#!/usr/bin/env node
'use strict';
/**
 * CPU profile of one benchmark subject, to find where a missed target's time goes.
 *
 *   node bench/profile.js webhook [--subject ours|chain|floor] [--calls 400] [--concurrency 20] [--latency 0]
 *       n8n start under --cpu-prof, the calls to that subject's webhook, then n8n stops and its
 *       main process's profile is summarised.
 *   node bench/profile.js getmany [--records 50000] [--latency 0]
 *       our Get Many in the in-process harness under --cpu-prof.
 *   node bench/profile.js execute [--subject ours|http|b50|b1|graphql] [--records 50000] [--items 2000] [--latency 0]
 *       a Get Many (ours, http) or creates (b50, b1: our node's batch size; graphql: n8n's GraphQL
 *       node) workflow in a real n8n (`n8n execute`) under --cpu-prof; the summary covers the
 *       measured node's execution only (its startTime/executionTime in the run data), per item
 *       for creates.
 *
 *   node bench/profile.js first [--schema small|real] [--subject get|create|list|query] [--latency 0]
 *       the first execution of a fresh process (scenario 5) in the in-process harness under
 *       --cpu-prof, against a simulator serving the small or the realistic schema.
 *
 *   node bench/profile.js summary bench/tmp/profiles/<dir>
 *       prints a kept profile again.
 *   node bench/profile.js diff bench/tmp/profiles/<dir A> bench/tmp/profiles/<dir B>
 *       per-call CPU of B minus A, by origin and by function (e.g. A = floor, B = ours).
 *
 * Prints the share of CPU time by origin (this package / n8n / undici / Node.js / GC), the top
 * functions by self time and this package's functions by inclusive time, mapped back to the
 * TypeScript sources (dist/sage-erp.js.map). Keeps the .cpuprofile in bench/tmp/profiles/
 * (git-ignored) for Chrome DevTools.
 */
const fs = require('fs');
const path = require('path');
const { startSimProcess } = require('./lib/sim');
const rn = require('./lib/real-n8n');
const wf = require('./lib/workflows');
const { pool, postJson, runLoad } = require('./lib/load');
const { sampleOrder } = require('./lib/queries');
const { summarize, inclusiveOurs } = require('./lib/cpuprofile');
const { runCommand, stopAll } = require('../scripts/lib/processes');
const { fmt } = require('./lib/targets');

const REPO_ROOT = path.resolve(__dirname, '..');
const PROFILES = path.join(__dirname, 'tmp', 'profiles');

function parse(argv) {
	const o = {
		mode: argv[0],
		subject: argv[0] === 'first' ? 'get' : 'ours',
		schema: 'real',
		calls: 400,
		concurrency: 20,
		latency: 0,
		records: 50000,
		items: 2000,
	};
	for (let i = 1; i < argv.length; i += 2) {
		const k = argv[i].replace(/^--/, '');
		if (!(k in o)) throw new Error(`unknown option ${argv[i]}`);
		o[k] = k === 'subject' || k === 'schema' ? argv[i + 1] : Number(argv[i + 1]);
	}
	if (!['webhook', 'getmany', 'execute', 'first'].includes(o.mode))
		throw new Error(
			'usage: node bench/profile.js webhook|getmany|execute|first [options] (see the header of bench/profile.js)',
		);
	return o;
}

function newestProfile(dir) {
	const files = fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.cpuprofile'))
		.map((f) => ({ f, size: fs.statSync(path.join(dir, f)).size }))
		.sort((a, b) => b.size - a.size);
	return files.length ? path.join(dir, files[0].f) : null;
}

function print(profileFile, bundleFile, window, calls) {
	const s = summarize(profileFile, { bundleFile, window });
	const pct = (v) => `${(v * 100).toFixed(1)}%`;
	const per = (ms) => (calls ? `  ${fmt(ms / calls).padStart(6)} ms/call` : '');
	process.stdout.write(
		`\nprofile ${path.relative(REPO_ROOT, profileFile)}: ${fmt(s.busyMs)} ms busy of ${fmt(s.totalMs)} ms${window ? ' (measured calls only)' : ''}${per(s.busyMs)}\n\nby origin (self time):\n`,
	);
	for (const o of s.origins)
		process.stdout.write(
			`  ${pct(o.share).padStart(6)}  ${fmt(o.ms).padStart(7)} ms${per(o.ms)}  ${o.origin}\n`,
		);
	process.stdout.write('\ntop functions (self time):\n');
	for (const f of s.top)
		process.stdout.write(
			`  ${pct(f.share).padStart(6)}  ${fmt(f.ms).padStart(7)} ms  ${f.name}  ${f.where}  [${f.origin}]\n`,
		);
	process.stdout.write('\nthis package, self time:\n');
	for (const f of s.topOurs)
		process.stdout.write(
			`  ${pct(f.share).padStart(6)}  ${fmt(f.ms).padStart(7)} ms  ${f.name}  ${f.where}\n`,
		);
	process.stdout.write('\nthis package, inclusive time (self + what it calls):\n');
	for (const f of inclusiveOurs(profileFile, { bundleFile, window }))
		process.stdout.write(`  ${fmt(f.ms).padStart(7)} ms${per(f.ms)}  ${f.fn}\n`);
}

async function profileWebhook(o, sim, packageDir) {
	const tenant = 'webhook';
	const cred = wf.sageCredential('Webhook', sim, tenant);
	const workflows = {
		floor: wf.webhookFloor(),
		chain: wf.webhookChain(sim, tenant),
		ours: wf.webhookOurs(cred),
	};
	const dir = fs.mkdtempSync(path.join(PROFILES, `webhook-${o.subject}-`));
	const instance = await rn.prepareInstance({
		name: 'bench-profile',
		packageDir,
		credentials: [cred],
		workflows: [workflows[o.subject]],
		activate: [workflows[o.subject].id],
	});
	const env = instance.env({ NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir}` });
	const { startN8n } = require('../scripts/lib/n8n');
	const { freePort } = require('../scripts/lib/processes');
	env.N8N_RUNNERS_BROKER_PORT = String(await freePort());
	const spawnedAt = Date.now();
	const main = await startN8n(instance.n8n, env, {
		logFile: path.join(instance.userFolder, 'n8n-main.log'),
	});
	const p = pool(main.baseUrl, o.concurrency);
	const window = {};
	try {
		await sim.latency(tenant, o.latency);
		const url = `/webhook/${wf.WEBHOOK_PATHS[o.subject]}`;
		for (let i = 0; i < 100; i++) {
			const r = await postJson(p, url, sampleOrder(i));
			if (r.status === 200) break;
			await new Promise((res) => setTimeout(res, 200));
		}
		await runLoad(50, o.concurrency, (i) =>
			postJson(p, url, sampleOrder(i)).then((r) => ({ ms: r.ms, ok: r.status === 200 })),
		);
		window.fromMs = Date.now() - spawnedAt;
		const r = await runLoad(o.calls, o.concurrency, (i) =>
			postJson(p, url, sampleOrder(i)).then((res) => ({ ms: res.ms, ok: res.status === 200 })),
		);
		window.toMs = Date.now() - spawnedAt;
		process.stdout.write(
			`${o.subject}: ${o.calls} calls at concurrency ${o.concurrency}, ${fmt(r.perSecond)}/s, p50 ${fmt(r.p50)} ms, ${r.errors} errors\n`,
		);
	} finally {
		await p.close();
		await main.stop(30000);
		rn.removeInstance(instance);
	}
	return { dir, window, calls: o.calls };
}

async function profileGetMany(o, sim, packageDir) {
	const tenant = 'getmany';
	const dir = fs.mkdtempSync(path.join(PROFILES, 'getmany-'));
	await sim.latency(tenant, o.latency);
	const { credentialFor } = require('./scenarios/getmany');
	const args = {
		packageDir,
		adminUrl: `${sim.baseUrl}/__admin`,
		credential: credentialFor(sim, tenant),
		pageSize: 1000,
		expected: o.records,
	};
	const env = { ...process.env, NODE_PATH: path.join(REPO_ROOT, 'node_modules'), NODE_OPTIONS: '' };
	const res = await runCommand(
		process.execPath,
		[
			'--cpu-prof',
			`--cpu-prof-dir=${dir}`,
			path.join(__dirname, 'lib', 'harness-getmany.js'),
			JSON.stringify(args),
		],
		{ env, timeout: 600000 },
	);
	process.stdout.write(res.stdout);
	return { dir };
}

/** The first execution of a fresh process against a simulator of the given schema (its own process, started here). */
async function profileFirst(o, _sim, packageDir) {
	const { TENANT, SEED } = require('./scenarios/schema-scale');
	const sim = await startSimProcess({
		schemaScale: o.schema,
		tenants: [{ id: TENANT, seed: SEED }],
	});
	const dir = fs.mkdtempSync(path.join(PROFILES, `first-${o.schema}-${o.subject}-`));
	try {
		await sim.latency(TENANT, o.latency);
		const credential = wf.sageCredential(TENANT, sim, TENANT);
		const args = {
			packageDir,
			adminUrl: `${sim.baseUrl}/__admin`,
			credential,
			action: o.subject,
			id: `PROFILE${Date.now()}`,
		};
		const env = {
			...process.env,
			NODE_PATH: path.join(REPO_ROOT, 'node_modules'),
			NODE_OPTIONS: '',
		};
		const res = await runCommand(
			process.execPath,
			[
				'--expose-gc',
				'--cpu-prof',
				`--cpu-prof-dir=${dir}`,
				path.join(__dirname, 'lib', 'harness-first.js'),
				JSON.stringify(args),
			],
			{ env, timeout: 600000 },
		);
		process.stdout.write(res.stdout);
	} finally {
		await sim.stop();
	}
	return { dir };
}

/** `node bench/profile.js summary <profile dir>`: prints a kept profile again. */
function summaryOf(dir) {
	const { window, calls } = fs.existsSync(path.join(dir, 'window.json'))
		? JSON.parse(fs.readFileSync(path.join(dir, 'window.json'), 'utf8'))
		: {};
	print(newestProfile(dir), path.join(dir, 'dist', 'sage-erp.js'), window, calls);
}

async function profileExecute(o, sim, packageDir) {
	const tenant = ['ours', 'http'].includes(o.subject) ? 'getmany' : 'webhook';
	const dir = fs.mkdtempSync(path.join(PROFILES, `execute-${o.subject}-`));
	const cred = wf.sageCredential('Profile', sim, tenant);
	const workflows = {
		ours: () => wf.getManyOurs(cred, 1000),
		http: () => wf.getManyHttp(sim, tenant, 1000),
		b50: () => wf.createsOurs(cred, o.items, 50),
		b1: () => wf.createsOurs(cred, o.items, 1),
		graphql: () => wf.createsGraphql(sim, tenant, o.items),
	};
	const node = {
		ours: 'Sage ERP Get Many',
		http: 'HTTP Get Customers',
		b50: 'Sage ERP Create',
		b1: 'Sage ERP Create',
		graphql: 'GraphQL Create',
	}[o.subject];
	if (!node) throw new Error(`execute --subject is one of ${Object.keys(workflows).join(', ')}`);
	const workflow = workflows[o.subject]();
	const instance = await rn.prepareInstance({
		name: 'bench-profile',
		packageDir,
		credentials: [cred],
		workflows: [workflow],
	});
	try {
		await sim.latency(tenant, o.latency);
		const env = await instance.cliEnv({ NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir}` });
		const spawnedAt = Date.now();
		const outFile = path.join(dir, 'run.json.txt');
		const res = await rn.runToFile(
			instance.n8n.nodeBin,
			[instance.n8n.n8nBin, 'execute', `--id=${workflow.id}`, '--rawOutput'],
			{ cwd: instance.userFolder, env, timeout: 600000, outFile },
		);
		const run = rn.parseRunOutput(res.stdout);
		if (!run)
			throw new Error(`n8n execute printed no run (exit ${res.code}):\n${res.stderr.slice(-2000)}`);
		fs.rmSync(outFile);
		const { task } = rn.nodeRun(run, node);
		const m = [null, task.startTime, task.executionTime];
		const fromMs = Number(m[1]) - spawnedAt;
		process.stdout.write(`${node}: executionTime ${m[2]} ms\n`);
		return {
			dir,
			window: { fromMs, toMs: fromMs + Number(m[2]) },
			calls: ['b50', 'b1', 'graphql'].includes(o.subject) ? o.items : 0,
		};
	} finally {
		rn.removeInstance(instance);
	}
}

/** Per-call self time of B minus A, by origin and by function. */
function diffOf(dirA, dirB) {
	const load = (dir) => {
		const { window, calls } = JSON.parse(fs.readFileSync(path.join(dir, 'window.json'), 'utf8'));
		return {
			s: summarize(newestProfile(dir), {
				bundleFile: path.join(dir, 'dist', 'sage-erp.js'),
				window,
				top: 100000,
			}),
			calls: calls || 1,
		};
	};
	const a = load(dirA);
	const b = load(dirB);
	const per = (list, key, calls) => new Map(list.map((x) => [key(x), x.ms / calls]));
	const show = (title, ma, mb) => {
		const keys = new Set([...ma.keys(), ...mb.keys()]);
		const rows = [...keys]
			.map((k) => [k, (mb.get(k) || 0) - (ma.get(k) || 0), ma.get(k) || 0, mb.get(k) || 0])
			.sort((x, y) => y[1] - x[1]);
		process.stdout.write(`\n${title} (ms per call: B − A, A, B)\n`);
		for (const [k, d, va, vb] of rows.slice(0, 25))
			process.stdout.write(
				`  ${(d >= 0 ? '+' : '') + d.toFixed(3)}  ${va.toFixed(3)}  ${vb.toFixed(3)}  ${k}\n`,
			);
	};
	process.stdout.write(
		`A ${path.basename(dirA)}: ${(a.s.busyMs / a.calls).toFixed(2)} ms/call busy; B ${path.basename(dirB)}: ${(b.s.busyMs / b.calls).toFixed(2)} ms/call busy\n`,
	);
	show(
		'by origin',
		per(a.s.origins, (o) => o.origin, a.calls),
		per(b.s.origins, (o) => o.origin, b.calls),
	);
	const fnKey = (f) => `${f.name}  ${f.where}`;
	show('by function', per(a.s.top, fnKey, a.calls), per(b.s.top, fnKey, b.calls));
}

async function main() {
	if (process.argv[2] === 'summary') return summaryOf(path.resolve(process.argv[3]));
	if (process.argv[2] === 'diff')
		return diffOf(path.resolve(process.argv[3]), path.resolve(process.argv[4]));
	const o = parse(process.argv.slice(2));
	fs.mkdirSync(PROFILES, { recursive: true });
	const packageDir = rn.snapshotPackage();
	if (!packageDir) throw new Error('build the package first (npm run build)');
	const sim = await startSimProcess({
		tenants: [{ id: 'webhook' }, { id: 'getmany', seed: { customers: o.records } }],
	});
	try {
		const run = {
			webhook: profileWebhook,
			getmany: profileGetMany,
			execute: profileExecute,
			first: profileFirst,
		}[o.mode];
		const { dir, window, calls } = await run(o, sim, packageDir);
		const file = newestProfile(dir);
		if (!file) throw new Error(`no profile was written to ${dir}`);
		// The profile's clock starts with the process, a few ms after it was spawned: the window is a close bound.
		fs.writeFileSync(path.join(dir, 'window.json'), JSON.stringify({ window, calls }));
		fs.cpSync(path.join(packageDir, 'dist'), path.join(dir, 'dist'), { recursive: true });
		print(file, path.join(packageDir, 'dist', 'sage-erp.js'), window, calls);
	} finally {
		await sim.stop();
		await stopAll();
		fs.rmSync(packageDir, { recursive: true, force: true });
	}
}

main().catch((err) => {
	process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
	stopAll().finally(() => process.exit(1));
});
