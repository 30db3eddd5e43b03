#!/usr/bin/env node
'use strict';
/**
 * `npm start`: this package inside a real n8n, talking to the Sage ERP simulator.
 *
 *   1. builds the package (npm run build)
 *   2. provisions n8n 2.40.7 + Node.js 24 in a cache outside the checkout (first time ~5 min)
 *   3. starts the Sage ERP simulator in this process (in memory: its data starts fresh each time)
 *   4. opens the n8n user folder it keeps between runs (~/.cache/n8n-nodes-sage-erp/start, see
 *      scripts/lib/start-folder.js), installs this package in it as a community package, points
 *      the "Sage ERP (simulator)" credential at this run's simulator, and imports examples/*.json
 *      that are new or changed in the repository, never over a workflow the user edited
 *   5. runs `n8n start` and prints the editor URL, the login, the simulator's client and a curl
 *      for the token exchange and the webhook example
 *
 * Ctrl-C (SIGINT) or SIGTERM stops n8n and the simulator.
 *
 * Options: --port <n8n port, default $N8N_PORT or 5678>  --sim-port <simulator port, default free>
 *          --fresh (delete the kept user folder first)  --folder <user folder, default as above>
 *          --skip-build  --verbose (n8n's log on this terminal too)
 *          --examples <folder of workflow files, default examples/: for the e2e test>
 */
const fs = require('fs');
const net = require('net');
const path = require('path');
const { spawn } = require('child_process');
const { ensureN8n } = require('./provision-n8n');
const n8nLib = require('./lib/n8n');
const examples = require('./lib/examples');
const { startSimulator } = require('./lib/simulator');
const { stopAll } = require('./lib/processes');
const startFolder = require('./lib/start-folder');

const started = Date.now();
const say = (msg) =>
	process.stdout.write(
		`[start ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${msg}\n`,
	);

const USAGE =
	'usage: npm start -- [--fresh] [--folder <path>] [--port 5678] [--sim-port 0] [--skip-build] [--verbose]\n';

function parseArgs(argv) {
	const opts = {
		port: Number(process.env.N8N_PORT) || 5678,
		simPort: 0,
		build: true,
		verbose: false,
		fresh: false,
		folder: null,
		examples: null,
	};
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const next = () => {
			const v = argv[++i];
			if (v === undefined || v.startsWith('--')) fail(`${a} needs a value`);
			return v;
		};
		const port = () => {
			const v = next();
			if (!/^\d+$/.test(v)) fail(`${a} needs a port number`);
			return Number(v);
		};
		if (a === '--port') opts.port = port();
		else if (a === '--sim-port') opts.simPort = port();
		else if (a === '--folder') opts.folder = path.resolve(next());
		else if (a === '--examples') opts.examples = path.resolve(next());
		else if (a === '--fresh') opts.fresh = true;
		else if (a === '--skip-build') opts.build = false;
		else if (a === '--verbose') opts.verbose = true;
		else if (a === '-h' || a === '--help') {
			process.stdout.write(USAGE);
			process.exit(0);
		} else fail(`unknown option ${a} (try --help)`);
	}
	return opts;
}

function fail(message) {
	process.stderr.write(`\n[start] ${message}\n`);
	process.exit(1);
}

function portIsFree(port) {
	return new Promise((resolve) => {
		const srv = net.createServer();
		srv.once('error', () => resolve(false));
		srv.listen(port, () => srv.close(() => resolve(true)));
	});
}

function build() {
	return new Promise((resolve, reject) => {
		const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
		const child = spawn(npm, ['run', 'build'], { cwd: n8nLib.REPO_ROOT, stdio: 'inherit' });
		child.on('error', reject);
		child.on('close', (code) =>
			code === 0 ? resolve() : reject(new Error(`npm run build failed (exit code ${code})`)),
		);
	});
}

const state = { sim: null, n8n: null, releaseFolder: null, stopping: false };

/** Stops n8n (its whole process group, task runner included) and the simulator, then exits. */
async function shutdown(reason, code = 0) {
	if (state.stopping) return;
	state.stopping = true;
	say(`${reason}: stopping n8n and the simulator ...`);
	const timer = setTimeout(() => {
		process.stderr.write('[start] still stopping after 30 s: killing everything\n');
		process.exit(code || 1);
	}, 30000);
	try {
		if (state.n8n) await state.n8n.stop(15000);
		await stopAll();
		if (state.sim) await state.sim.stop();
		if (state.releaseFolder) state.releaseFolder();
	} catch (err) {
		process.stderr.write(`[start] while stopping: ${err.message}\n`);
	}
	clearTimeout(timer);
	say('stopped');
	process.exit(code);
}

/** The kept user folder, emptied first with --fresh (only a folder npm start made). */
function openFolder(opts) {
	const folder = opts.folder || startFolder.defaultStartFolder();
	if (opts.fresh && fs.existsSync(folder)) {
		if (!startFolder.isStartFolder(folder))
			fail(`--fresh: ${folder} does not look like a folder npm start made; not deleting it`);
		say(`--fresh: deleting the kept n8n user folder ${folder}`);
		fs.rmSync(folder, { recursive: true, force: true });
	}
	const existed = fs.existsSync(path.join(folder, '.n8n'));
	state.releaseFolder = startFolder.lockFolder(folder);
	// One log per run: the previous run's stays beside it for a look back.
	const log = path.join(folder, 'n8n.log');
	if (fs.existsSync(log)) fs.renameSync(log, path.join(folder, 'n8n.previous.log'));
	return { folder, existed };
}

/** Says what happened to each example: imported (and why), unchanged, or kept as the user edited it. */
function reportExamples(plan) {
	for (const { workflow, why } of plan.imports) say(`example imported (${why}): ${workflow.name}`);
	if (plan.unchanged.length)
		say(`examples unchanged since they were imported: ${plan.unchanged.length}`);
	for (const workflow of plan.edited) {
		say(
			`example kept as you edited it in n8n: "${workflow.name}" (examples/${workflow.file} differs; \`npm start -- --fresh\` or deleting the workflow in n8n brings the repository's)`,
		);
	}
}

/** n8n on the prepared folder, once it is ready; warns about a package n8n could not load or an example it could not activate. */
async function runN8n(inst, opts, logFile) {
	say(`starting n8n ${inst.n8n.version} (log: ${logFile})`);
	const n8n = (state.n8n = await n8nLib.startN8n(
		inst.n8n,
		inst.env({}, { brokerPort: opts.port + 1 }),
		{
			logFile,
			echo: opts.verbose ? process.stdout : undefined,
		},
	));
	n8n.exited.then((info) =>
		shutdown(`n8n exited unexpectedly (${info.signal || `code ${info.code}`}); see ${logFile}`, 1),
	);
	if (!n8n.output().match(/Failed to load package "n8n-nodes-sage-erp"/)) {
		say('waiting for n8n to activate the webhook and trigger examples');
		await n8nLib
			.waitForWebhook(n8n.baseUrl, examples.WEBHOOK_PATH, { timeout: 60000 })
			.catch((err) => say(`WARNING: ${err.message}`));
	}
	const loadError = n8n.output().match(/Failed to load package "n8n-nodes-sage-erp"[\s\S]{0,300}/);
	if (loadError) say(`WARNING: n8n could not load this package:\n${loadError[0]}`);
	const notActive = n8n
		.output()
		.match(/Workflow cannot run on this instance[^\n]*|could not be activated[^\n]*/g);
	if (notActive) say(`WARNING: ${[...new Set(notActive)].join('\n         ')}`);
	return n8n;
}

/**
 * What to type: the editor and its login, the folder that keeps the user's work, the
 * simulator's client (its throwaway local values: printing them is the point) with a curl
 * for the token exchange, and a curl for the webhook example.
 */
function banner({ opts, inst, sim, folder, workflows }) {
	const base = `http://localhost:${opts.port}`;
	const { clientId, clientSecret, tenantId } = sim.client;
	const tokenBody = JSON.stringify({ clientId, clientSecret, tenantId });
	return [
		'',
		'  n8n with the Sage ERP nodes is running.',
		'',
		`  Editor:       ${base}/`,
		`  Login:        ${inst.owner.email}  /  ${inst.owner.password}`,
		`  User folder:  ${folder}`,
		'                kept between runs: your workflows stay (npm start -- --fresh starts clean)',
		`  Examples:     ${workflows.map((w) => w.name.replace(/^Sage ERP example: /, '')).join('; ')}`,
		'',
		`  Simulator:    token URL ${sim.tokenUrl}  (credential "${examples.CREDENTIAL_REF.name}")`,
		`                client id ${clientId}  client secret ${clientSecret}  tenant ${tenantId}`,
		'                its data lives in memory: every npm start begins with the same fresh records',
		'',
		'  Exchange the client for a token:',
		`    curl -s -X POST ${sim.tokenUrl} -H 'content-type: application/json' -d '${tokenBody}'`,
		'',
		'  Create a sales order through the webhook example:',
		`    curl -s -X POST ${base}/webhook/${examples.WEBHOOK_PATH} -H 'content-type: application/json' -d '${JSON.stringify(examples.sampleOrder())}'`,
		'',
		'  Ctrl-C stops n8n and the simulator.',
		'',
	].join('\n');
}

async function main() {
	const opts = parseArgs(process.argv.slice(2));
	if (!(await portIsFree(opts.port)))
		fail(
			`port ${opts.port} is in use: stop what runs there or use \`npm start -- --port <other>\``,
		);
	if (!(await portIsFree(opts.port + 1)))
		fail(
			`port ${opts.port + 1} (n8n's task runner broker) is in use: use \`npm start -- --port <other>\``,
		);

	process.on('SIGINT', () => shutdown('SIGINT'));
	process.on('SIGTERM', () => shutdown('SIGTERM'));

	if (opts.build) {
		say('building the package (npm run build)');
		await build();
	}
	const manifest = JSON.parse(fs.readFileSync(path.join(n8nLib.REPO_ROOT, 'package.json'), 'utf8'));
	const missing = [...(manifest.n8n?.nodes || []), ...(manifest.n8n?.credentials || [])].filter(
		(f) => !fs.existsSync(path.join(n8nLib.REPO_ROOT, f)),
	);
	if (missing.length)
		say(
			`WARNING: the build did not produce ${missing.join(', ')}: n8n will not find the Sage ERP nodes`,
		);

	say('provisioning n8n (cached after the first run)');
	await ensureN8n();

	say('starting the Sage ERP simulator');
	const sim = (state.sim = await startSimulator({ port: opts.simPort }));
	say(`simulator: token URL ${sim.tokenUrl}, tenant ${sim.client.tenantId}`);

	const { folder, existed } = openFolder(opts);
	say(`${existed ? 'reusing the kept' : 'creating the'} n8n user folder ${folder}`);
	const inst = await n8nLib.prepareInstance({
		folder,
		keep: true,
		port: opts.port,
		credentials: [examples.simulatorCredential(sim)],
		quiet: true,
	});
	const workflows = examples.loadExamples(opts.examples || undefined);
	say('bringing the example workflows in step with the repository');
	const activatable = examples.activatableIds(workflows);
	const plan = await startFolder.syncExamples({
		n8n: inst.n8n,
		cliEnv: inst.cliEnv,
		folder,
		examples: workflows,
		activatable,
		empty: !existed,
	});
	reportExamples(plan);

	await runN8n(inst, opts, path.join(folder, 'n8n.log'));
	process.stdout.write(`${banner({ opts, inst, sim, folder, workflows })}\n`);
}

main().catch((err) => {
	process.stderr.write(`\n[start] FAILED: ${err.message}\n`);
	return shutdown('failed', 1);
});
