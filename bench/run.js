#!/usr/bin/env node
'use strict';
/**
 * `npm run bench`: the benchmarks of issue "Benchmarks, side by side with what users do today
 * and with n8n's own floor". Starts the Sage ERP simulator in its own process, runs the
 * scenarios (bench/scenarios/*.js) at each injected latency, writes RESULTS.md and
 * results.json, prints every target with PASS/MISS, and stops every process it started.
 * Options: see bench/lib/config.js (or --help).
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { parseArgs, buildConfig } = require('./lib/config');
const { startSimProcess } = require('./lib/sim');
const rn = require('./lib/real-n8n');
const { evaluateTargets, fmt } = require('./lib/targets');
const { writeReport } = require('./lib/report');
const { stopAll } = require('../scripts/lib/processes');
const { ensureN8n } = require('../scripts/provision-n8n');

const SCENARIOS = {
	webhook: require('./scenarios/webhook'),
	getmany: require('./scenarios/getmany'),
	creates: require('./scenarios/creates'),
	scaling: require('./scenarios/scaling'),
	'schema-scale': require('./scenarios/schema-scale'),
	fields: require('./scenarios/fields'),
};
const NEEDS_N8N = {
	webhook: true,
	getmany: false,
	creates: true,
	scaling: false,
	'schema-scale': false,
	fields: false,
};
const REPO_ROOT = path.resolve(__dirname, '..');

const started = Date.now();
const log = (msg) =>
	process.stdout.write(
		`[bench ${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${msg}\n`,
	);

function git(args) {
	try {
		return execFileSync('git', args, {
			cwd: REPO_ROOT,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'ignore'],
		}).trim();
	} catch {
		return null;
	}
}

/** An argument that is a path, as the report may show it: relative to the checkout, or a placeholder. */
function relativeArg(arg) {
	if (!path.isAbsolute(arg)) return arg;
	const rel = path.relative(REPO_ROOT, arg);
	return rel.startsWith('..') ? '<folder outside the checkout>' : rel || '.';
}

/** Simulator tenants the chosen scenarios read or write. */
function tenantsFor(config) {
	const t = [];
	const s = config.scenarios;
	if (s.includes('webhook')) t.push({ id: SCENARIOS.webhook.TENANT });
	if (s.includes('getmany'))
		t.push({ id: SCENARIOS.getmany.TENANT, seed: { customers: config.getmany.records } });
	if (s.includes('creates')) t.push({ id: SCENARIOS.creates.TENANT });
	if (s.includes('scaling'))
		for (const n of config.scaling.records)
			t.push({ id: SCENARIOS.scaling.tenantFor(n), seed: { customers: n } });
	if (s.includes('schema-scale'))
		t.push({ id: SCENARIOS['schema-scale'].TENANT, seed: SCENARIOS['schema-scale'].SEED });
	return t;
}

async function main() {
	const opts = parseArgs(process.argv.slice(2));
	if (opts.help) {
		process.stdout.write(
			fs
				.readFileSync(path.join(__dirname, 'lib', 'config.js'), 'utf8')
				.split('*/')[0]
				.replace(/^'use strict';\n\/\*\*?/, '')
				.replace(/^ \* ?/gm, ''),
		);
		return 0;
	}
	const config = buildConfig(opts);
	log(
		`scenarios ${config.scenarios.join(', ')}; latencies ${config.latencies.join('/')} ms; size factor ${config.sizeFactor}; ${config.runs} run(s)`,
	);

	const packageDir = rn.snapshotPackage();
	snapshot = packageDir;
	if (!packageDir)
		log('the package is not built (npm run build): measuring everything but our node');
	const needN8n =
		!config.inProcessOnly &&
		config.scenarios.some((s) => NEEDS_N8N[s] || s === 'getmany' || s === 'schema-scale');
	const n8n = needN8n ? await ensureN8n({ quiet: true }) : null;
	let n8nNode = null;
	if (n8n)
		n8nNode = execFileSync(n8n.nodeBin, ['--version'], { encoding: 'utf8' })
			.trim()
			.replace(/^v/, '');

	const results = {
		meta: {
			// Paths are written relative to the checkout: no absolute path of this machine in the results.
			args: process.argv.slice(2).map(relativeArg),
			startedAt: new Date(started).toISOString(),
			finishedAt: null,
			durationSeconds: null,
			scenarioSeconds: {},
			cpus: os.cpus().length,
			cpuModel: os.cpus()[0]?.model?.replace(/\s+/g, ' ').trim() ?? 'unknown CPU',
			memoryGb: Math.round(os.totalmem() / 1024 ** 3),
			os: `${os.type()} ${os.release()}`,
			// Other work on the machine skews every number: the load average says how busy it was.
			loadAverage: { start: os.loadavg()[0], scenarios: {}, end: null },
			node: process.versions.node,
			n8nVersion: rn.n8nVersion,
			n8nNode,
			n8nCoreHarness: JSON.parse(fs.readFileSync(require.resolve('n8n-core/package.json'), 'utf8'))
				.version,
			packageVersion: JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'))
				.version,
			commit: git(['rev-parse', '--short', 'HEAD']),
			dirty: (git(['status', '--porcelain', '--untracked-files=no']) || '') !== '',
			packageBuilt: !!packageDir,
			sizeFactor: config.sizeFactor,
			runs: config.runs,
			latencies: config.latencies,
		},
		config: { ...config, out: undefined },
		scenarios: {},
		targets: [],
	};
	carryOver(config, results);

	log('starting the simulator (own process)');
	const sim = await startSimProcess({ tenants: tenantsFor(config) });
	let failed = false;
	try {
		for (const name of config.scenarios) {
			if (config.inProcessOnly && NEEDS_N8N[name]) {
				results.scenarios[name] = { skipped: 'real n8n parts skipped (--in-process-only)' };
				continue;
			}
			const t0 = Date.now();
			log(`${name}: start`);
			try {
				results.scenarios[name] = await SCENARIOS[name].run({
					config,
					sim,
					packageDir,
					log,
					n8nNodeBin: n8n?.nodeBin,
				});
			} catch (err) {
				failed = true;
				results.scenarios[name] = {
					error: String(err && err.message ? err.message : err).slice(0, 4000),
				};
				log(`${name}: FAILED ${err && err.stack ? err.stack : err}`);
			}
			results.meta.scenarioSeconds[name] = (Date.now() - t0) / 1000;
			results.meta.loadAverage.scenarios[name] = os.loadavg()[0];
			// Written after every scenario: an interrupted run keeps what it measured.
			results.targets = evaluateTargets(results.scenarios);
			results.meta.durationSeconds = (Date.now() - started) / 1000;
			writeReport(config.out, results);
		}
	} finally {
		await sim.stop();
		await stopAll();
		if (packageDir) fs.rmSync(packageDir, { recursive: true, force: true });
	}

	results.targets = evaluateTargets(results.scenarios);
	results.meta.finishedAt = new Date().toISOString();
	results.meta.loadAverage.end = os.loadavg()[0];
	results.meta.durationSeconds = (Date.now() - started) / 1000;
	writeReport(config.out, results);

	process.stdout.write('\nTargets\n');
	for (const t of results.targets) {
		const mark = t.pass === true ? 'PASS' : t.pass === false ? 'MISS' : 'n/a ';
		process.stdout.write(
			`  ${mark}  ${t.target}${t.latencyMs === null ? '' : ` @${t.latencyMs} ms`}: ${fmt(t.value)} (threshold ${fmt(t.threshold)}) ${t.detail}\n`,
		);
	}
	process.stdout.write(
		`\nWrote ${path.relative(process.cwd(), path.join(config.out, 'RESULTS.md')) || 'RESULTS.md'} and results.json in ${fmt(results.meta.durationSeconds)} s\n`,
	);
	return failed ? 1 : 0;
}

/**
 * With --only, the scenarios not run keep their results (and their sections of RESULTS.md)
 * from the last run written to the same folder, marked with when and at which commit.
 */
function carryOver(config, results) {
	let previous;
	try {
		previous = JSON.parse(fs.readFileSync(path.join(config.out, 'results.json'), 'utf8'));
	} catch {
		return;
	}
	results.meta.carriedOver = {};
	for (const name of Object.keys(SCENARIOS)) {
		if (config.scenarios.includes(name) || !previous.scenarios?.[name]) continue;
		results.scenarios[name] = previous.scenarios[name];
		const from = previous.meta?.carriedOver?.[name] ?? {
			finishedAt: previous.meta?.finishedAt,
			commit: previous.meta?.commit,
			args: previous.meta?.args,
		};
		results.meta.carriedOver[name] = from;
	}
}

let snapshot = null;
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
	process.on(signal, () => {
		if (stopping) return;
		stopping = true;
		process.stderr.write(`\n${signal}: stopping every process the benchmark started\n`);
		stopAll().finally(() => {
			rn.removeAllInstances();
			if (snapshot) fs.rmSync(snapshot, { recursive: true, force: true });
			process.exit(130);
		});
	});
}

main().then(
	(code) => process.exit(code),
	(err) => {
		process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
		stopAll().finally(() => process.exit(1));
	},
);
