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
	const o = { mode: argv[0], subject: 'ours', calls: 400, concurrency: 20, latency: 0, records: 50000 };
	for (let i = 1; i < argv.length; i += 2) {
		const k = argv[i].replace(/^--/, '');
		if (!(k in o)) throw new Error(`unknown option ${argv[i]}`);
		o[k] = k === 'subject' ? argv[i + 1] : Number(argv[i + 1]);
	}
	if (!['webhook', 'getmany'].includes(o.mode)) throw new Error('usage: node bench/profile.js webhook|getmany [options] (see the header of bench/profile.js)');
	return o;
}

function newestProfile(dir, exclude = new Set()) {
	const files = fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.cpuprofile') && !exclude.has(f))
		.map((f) => ({ f, size: fs.statSync(path.join(dir, f)).size }))
		.sort((a, b) => b.size - a.size);
	return files.length ? path.join(dir, files[0].f) : null;
}

function print(profileFile, bundleFile) {
	const s = summarize(profileFile, { bundleFile });
	const pct = (v) => `${(v * 100).toFixed(1)}%`;
	process.stdout.write(`\nprofile ${path.relative(REPO_ROOT, profileFile)}: ${fmt(s.busyMs)} ms busy of ${fmt(s.totalMs)} ms\n\nby origin (self time):\n`);
	for (const o of s.origins) process.stdout.write(`  ${pct(o.share).padStart(6)}  ${fmt(o.ms).padStart(7)} ms  ${o.origin}\n`);
	process.stdout.write('\ntop functions (self time):\n');
	for (const f of s.top) process.stdout.write(`  ${pct(f.share).padStart(6)}  ${fmt(f.ms).padStart(7)} ms  ${f.name}  ${f.where}  [${f.origin}]\n`);
	process.stdout.write('\nthis package, self time:\n');
	for (const f of s.topOurs) process.stdout.write(`  ${pct(f.share).padStart(6)}  ${fmt(f.ms).padStart(7)} ms  ${f.name}  ${f.where}\n`);
	process.stdout.write('\nthis package, inclusive time (self + what it calls):\n');
	for (const f of inclusiveOurs(profileFile, { bundleFile })) process.stdout.write(`  ${fmt(f.ms).padStart(7)} ms  ${f.fn}\n`);
}

async function profileWebhook(o, sim, packageDir) {
	const tenant = 'webhook';
	const cred = wf.sageCredential('Webhook', sim, tenant);
	const workflows = { floor: wf.webhookFloor(), chain: wf.webhookChain(sim, tenant), ours: wf.webhookOurs(cred) };
	const dir = fs.mkdtempSync(path.join(PROFILES, `webhook-${o.subject}-`));
	const instance = await rn.prepareInstance({ name: 'bench-profile', packageDir, credentials: [cred], workflows: [workflows[o.subject]], activate: [workflows[o.subject].id] });
	const env = instance.env({ NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir}` });
	const { startN8n } = require('../scripts/lib/n8n');
	const { freePort } = require('../scripts/lib/processes');
	env.N8N_RUNNERS_BROKER_PORT = String(await freePort());
	const main = await startN8n(instance.n8n, env, { logFile: path.join(instance.userFolder, 'n8n-main.log') });
	const p = pool(main.baseUrl, o.concurrency);
	try {
		await sim.latency(tenant, o.latency);
		const url = `/webhook/${wf.WEBHOOK_PATHS[o.subject]}`;
		for (let i = 0; i < 100; i++) {
			const r = await postJson(p, url, sampleOrder(i));
			if (r.status === 200) break;
			await new Promise((res) => setTimeout(res, 200));
		}
		await runLoad(50, o.concurrency, (i) => postJson(p, url, sampleOrder(i)).then((r) => ({ ms: r.ms, ok: r.status === 200 })));
		const r = await runLoad(o.calls, o.concurrency, (i) => postJson(p, url, sampleOrder(i)).then((res) => ({ ms: res.ms, ok: res.status === 200 })));
		process.stdout.write(`${o.subject}: ${o.calls} calls at concurrency ${o.concurrency}, ${fmt(r.perSecond)}/s, p50 ${fmt(r.p50)} ms, ${r.errors} errors\n`);
	} finally {
		await p.close();
		await main.stop(30000);
		rn.removeInstance(instance);
	}
	return dir;
}

async function profileGetMany(o, sim, packageDir) {
	const tenant = 'getmany';
	const dir = fs.mkdtempSync(path.join(PROFILES, 'getmany-'));
	await sim.latency(tenant, o.latency);
	const { credentialFor } = require('./scenarios/getmany');
	const args = { packageDir, adminUrl: `${sim.baseUrl}/__admin`, credential: credentialFor(sim, tenant), pageSize: 1000, expected: o.records };
	const env = { ...process.env, NODE_PATH: path.join(REPO_ROOT, 'node_modules'), NODE_OPTIONS: '' };
	const res = await runCommand(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, path.join(__dirname, 'lib', 'harness-getmany.js'), JSON.stringify(args)], { env, timeout: 600000 });
	process.stdout.write(res.stdout);
	return dir;
}

async function main() {
	const o = parse(process.argv.slice(2));
	fs.mkdirSync(PROFILES, { recursive: true });
	const packageDir = rn.snapshotPackage();
	if (!packageDir) throw new Error('build the package first (npm run build)');
	const sim = await startSimProcess({ tenants: [{ id: 'webhook' }, { id: 'getmany', seed: { customers: o.records } }] });
	try {
		const dir = o.mode === 'webhook' ? await profileWebhook(o, sim, packageDir) : await profileGetMany(o, sim, packageDir);
		const file = newestProfile(dir);
		if (!file) throw new Error(`no profile was written to ${dir}`);
		print(file, path.join(packageDir, 'dist', 'sage-erp.js'));
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
