#!/usr/bin/env node
'use strict';
/**
 * `npm start`: this package inside a real n8n, talking to the Sage ERP simulator.
 *
 *   1. builds the package (npm run build)
 *   2. provisions n8n 2.40.7 + Node.js 24 in a cache outside the checkout (first time ~3-5 min)
 *   3. starts the Sage ERP simulator in this process
 *   4. makes a fresh n8n user folder (.n8n-e2e/start), installs this package as a community
 *      package, imports a "Sage ERP (simulator)" credential and examples/*.json, publishes the
 *      webhook and trigger examples
 *   5. runs `n8n start` and prints the editor URL, the login and a curl for the webhook example
 *
 * Ctrl-C (SIGINT) or SIGTERM stops n8n and the simulator.
 *
 * Options: --port <n8n port, default $N8N_PORT or 5678>  --sim-port <simulator port, default free>
 *          --skip-build  --verbose (n8n's log on this terminal too)
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

const started = Date.now();
const say = (msg) => process.stdout.write(`[start ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${msg}\n`);

function parseArgs(argv) {
	const opts = { port: Number(process.env.N8N_PORT) || 5678, simPort: 0, build: true, verbose: false };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const value = () => {
			const v = argv[++i];
			if (v === undefined || !/^\d+$/.test(v)) fail(`${a} needs a port number`);
			return Number(v);
		};
		if (a === '--port') opts.port = value();
		else if (a === '--sim-port') opts.simPort = value();
		else if (a === '--skip-build') opts.build = false;
		else if (a === '--verbose') opts.verbose = true;
		else if (a === '-h' || a === '--help') {
			process.stdout.write('usage: npm start -- [--port 5678] [--sim-port 0] [--skip-build] [--verbose]\n');
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
		child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`npm run build failed (exit code ${code})`))));
	});
}

const state = { sim: null, n8n: null, stopping: false };

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
	} catch (err) {
		process.stderr.write(`[start] while stopping: ${err.message}\n`);
	}
	clearTimeout(timer);
	say('stopped');
	process.exit(code);
}

async function main() {
	const opts = parseArgs(process.argv.slice(2));
	if (!(await portIsFree(opts.port))) fail(`port ${opts.port} is in use: stop what runs there or use \`npm start -- --port <other>\``);
	if (!(await portIsFree(opts.port + 1))) fail(`port ${opts.port + 1} (n8n's task runner broker) is in use: use \`npm start -- --port <other>\``);

	process.on('SIGINT', () => shutdown('SIGINT'));
	process.on('SIGTERM', () => shutdown('SIGTERM'));

	if (opts.build) {
		say('building the package (npm run build)');
		await build();
	}
	const manifest = JSON.parse(fs.readFileSync(path.join(n8nLib.REPO_ROOT, 'package.json'), 'utf8'));
	const missing = [...(manifest.n8n?.nodes || []), ...(manifest.n8n?.credentials || [])].filter((f) => !fs.existsSync(path.join(n8nLib.REPO_ROOT, f)));
	if (missing.length) say(`WARNING: the build did not produce ${missing.join(', ')}: n8n will not find the Sage ERP nodes`);

	say('provisioning n8n (cached after the first run)');
	await ensureN8n();

	say('starting the Sage ERP simulator');
	const sim = (state.sim = await startSimulator({ port: opts.simPort }));
	say(`simulator: token URL ${sim.tokenUrl}, tenant ${sim.client.tenantId}`);

	const workflows = examples.loadExamples();
	const folder = path.join(n8nLib.WORK_ROOT, 'start');
	say(`preparing a fresh n8n user folder in ${path.relative(process.cwd(), folder) || folder}`);
	const inst = await n8nLib.prepareInstance({
		folder,
		port: opts.port,
		credentials: [examples.simulatorCredential(sim)],
		workflows,
		activate: examples.activatableIds(workflows),
		quiet: true,
	});
	const logFile = path.join(inst.userFolder, 'n8n.log');
	say(`starting n8n ${inst.n8n.version} (log: ${path.relative(process.cwd(), logFile)})`);
	const n8n = (state.n8n = await n8nLib.startN8n(inst.n8n, inst.env({}, { brokerPort: opts.port + 1 }), {
		logFile,
		echo: opts.verbose ? process.stdout : undefined,
	}));
	n8n.exited.then((info) => shutdown(`n8n exited unexpectedly (${info.signal || `code ${info.code}`}); see ${logFile}`, 1));

	if (!n8n.output().match(/Failed to load package "n8n-nodes-sage-erp"/)) {
		say('waiting for n8n to activate the webhook and trigger examples');
		await n8nLib.waitForWebhook(n8n.baseUrl, examples.WEBHOOK_PATH, { timeout: 60000 }).catch((err) => say(`WARNING: ${err.message}`));
	}
	const loadError = n8n.output().match(/Failed to load package "n8n-nodes-sage-erp"[\s\S]{0,300}/);
	if (loadError) say(`WARNING: n8n could not load this package:\n${loadError[0]}`);
	const notActive = n8n.output().match(/Workflow cannot run on this instance[^\n]*|could not be activated[^\n]*/g);
	if (notActive) say(`WARNING: ${[...new Set(notActive)].join('\n         ')}`);

	const base = `http://localhost:${opts.port}`;
	const body = JSON.stringify(examples.sampleOrder());
	process.stdout.write(
		[
			'',
			'  n8n with the Sage ERP nodes is running.',
			'',
			`  Editor:    ${base}/`,
			`  Login:     ${inst.owner.email}  /  ${inst.owner.password}`,
			`  Simulator: ${sim.tokenUrl}  (credential "${examples.CREDENTIAL_REF.name}")`,
			`  Examples:  ${workflows.map((w) => w.name.replace(/^Sage ERP example: /, '')).join('; ')}`,
			'',
			'  Create a sales order through the webhook example:',
			`    curl -s -X POST ${base}/webhook/${examples.WEBHOOK_PATH} -H 'content-type: application/json' -d '${body}'`,
			'',
			'  Ctrl-C stops n8n and the simulator.',
			'',
		].join('\n') + '\n',
	);
}

main().catch((err) => {
	process.stderr.write(`\n[start] FAILED: ${err.message}\n`);
	return shutdown('failed', 1);
});
