'use strict';
/**
 * A real n8n (2.40.7 on its own Node.js 24, from scripts/provision-n8n.js) for the benchmarks,
 * on top of scripts/lib/n8n.js: a user folder with a snapshot of the built package installed,
 * credentials and workflows imported, `n8n start` for webhooks and `n8n execute` with the
 * peak memory of the process.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { ensureN8n } = require('../../scripts/provision-n8n');
const n8nLib = require('../../scripts/lib/n8n');
const { spawn } = require('child_process');
const { freePort } = require('../../scripts/lib/processes');

const REPO_ROOT = n8nLib.REPO_ROOT;
const PEAK_PRELOAD = path.join(__dirname, 'peak-rss.js');
const userFolders = new Set();

/** True when `npm run build` has produced every file package.json's n8n section names. */
function packageBuilt(dir = REPO_ROOT) {
	const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
	const files = [...(manifest.n8n?.nodes || []), ...(manifest.n8n?.credentials || [])];
	return files.length > 0 && files.every((f) => fs.existsSync(path.join(dir, f)));
}

/**
 * Copies what `npm pack` would publish (package.json, index.js, dist/) to a folder outside the
 * checkout: the benchmark then measures one fixed build even if someone rebuilds meanwhile,
 * and the package resolves n8n-workflow the way an installed package does (from the n8n it
 * runs in, not from the checkout's devDependencies). Returns null when there is no build.
 */
function snapshotPackage() {
	if (!packageBuilt()) return null;
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sage-erp-bench-package-'));
	for (const entry of ['package.json', 'index.js', 'dist', 'LICENSE', 'README.md']) {
		const from = path.join(REPO_ROOT, entry);
		if (fs.existsSync(from)) fs.cpSync(from, path.join(dir, entry), { recursive: true });
	}
	if (!packageBuilt(dir))
		throw new Error('the build changed while it was copied; run the benchmark again');
	return dir;
}

/**
 * A user folder ready for `n8n start` / `n8n execute`.
 * options: { name, packageDir, credentials, workflows, activate }
 * Resolves { n8n, userFolder, port, env(extra), cliEnv(), timings }.
 */
async function prepareInstance(options) {
	const timings = {};
	let t = Date.now();
	const n8n = await ensureN8n({ quiet: true });
	timings.provisionMs = Date.now() - t;
	const userFolder = n8nLib.createUserFolder({
		name: options.name || 'bench',
		packageDir: options.packageDir || REPO_ROOT,
	});
	userFolders.add(userFolder);
	const port = await freePort();
	const owner = n8nLib.ownerEnv(n8n);
	const env = (extra = {}, brokerPort) =>
		n8nLib.n8nEnv(n8n, userFolder, { port, brokerPort, extra: { ...owner, ...extra } });
	const cliEnv = async (extra) => env(extra, await freePort());
	t = Date.now();
	if (options.credentials?.length)
		await n8nLib.importCredentials(n8n, await cliEnv(), options.credentials);
	if (options.workflows?.length)
		await n8nLib.importWorkflows(n8n, await cliEnv(), options.workflows);
	if (options.activate?.length)
		await n8nLib.publishWorkflows(n8n, await cliEnv(), options.activate);
	timings.importMs = Date.now() - t;
	return { n8n, userFolder, port, env, cliEnv, timings };
}

/** `n8n start` on the instance; resolves the process handle (with baseUrl) once it is ready. */
async function startMain(instance, logFile) {
	const env = instance.env({}, await freePort());
	return n8nLib.startN8n(instance.n8n, env, { logFile, timeout: 180000 });
}

/**
 * `n8n execute --id <id> --rawOutput` under the peak-memory preload.
 * Resolves { run, ms (whole command), maxRssKb, maxRssBeforeOutputKb, stdoutBytes }.
 */
async function executeMeasured(instance, workflowId, { timeout = 600000 } = {}) {
	const peakDir = fs.mkdtempSync(path.join(instance.userFolder, 'peak-'));
	const env = await instance.cliEnv({ BENCH_PEAK_RSS_DIR: peakDir });
	const args = [
		'--require',
		PEAK_PRELOAD,
		instance.n8n.n8nBin,
		'execute',
		`--id=${workflowId}`,
		'--rawOutput',
	];
	const res = await runToFile(instance.n8n.nodeBin, args, {
		cwd: instance.userFolder,
		env,
		timeout,
		outFile: path.join(peakDir, 'stdout.json'),
	});
	const run = parseRunOutput(res.stdout);
	if (!run)
		throw new Error(
			`n8n execute of ${workflowId} printed no run (exit ${res.code}):\n${res.stderr.slice(-3000)}\n${res.stdout.slice(-2000)}`,
		);
	const error = run?.data?.resultData?.error;
	if (error)
		throw new Error(
			`workflow ${workflowId} failed: ${error.message}${error.description ? ` (${error.description})` : ''}`,
		);
	const peaks = fs
		.readdirSync(peakDir)
		.filter((f) => f.startsWith('peak-'))
		.map((f) => JSON.parse(fs.readFileSync(path.join(peakDir, f), 'utf8')))
		.filter((p) => p.argv.includes('execute'));
	fs.rmSync(peakDir, { recursive: true, force: true });
	const peak = peaks[0] || {};
	return {
		run,
		ms: res.ms,
		maxRssKb: peak.maxRssKb ?? null,
		maxRssBeforeOutputKb: peak.maxRssBeforeOutputKb ?? null,
		stdoutBytes: res.stdout.length,
	};
}

const running = new Set();
process.on('exit', () => {
	for (const pid of running) {
		try {
			process.kill(-pid, 'SIGKILL');
		} catch {
			/* gone */
		}
	}
});

/**
 * Runs a command with its stdout going to a file, not a pipe: `n8n execute` ends with
 * process.exit() right after printing the run, and a pipe would lose whatever had not drained
 * yet (the run of 50,000 records is tens of MB); writes to a file are synchronous.
 * Resolves { code, signal, stdout, stderr, ms }; the process group is killed after `timeout`.
 */
function runToFile(command, args, { cwd, env, timeout, outFile }) {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const fd = fs.openSync(outFile, 'w');
		const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', fd, 'pipe'] });
		fs.closeSync(fd);
		running.add(child.pid);
		let stderr = '';
		child.stderr.on('data', (c) => {
			stderr = (stderr + c).slice(-64 * 1024);
		});
		const timer = setTimeout(() => {
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				/* gone */
			}
		}, timeout);
		child.on('error', (err) => {
			clearTimeout(timer);
			running.delete(child.pid);
			reject(err);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			running.delete(child.pid);
			try {
				process.kill(-child.pid, 'SIGKILL'); // the task runner n8n started, if still there
			} catch {
				/* gone */
			}
			resolve({
				code,
				signal,
				stdout: fs.readFileSync(outFile, 'utf8'),
				stderr,
				ms: Date.now() - started,
			});
		});
	});
}

/**
 * The run `n8n execute --rawOutput` prints with JSON.stringify(run, null, 2): from a line that
 * is exactly "{" to the next line that is exactly "}" (inner braces are indented), parsed once.
 * Linear in the output, which holds every item (tens of MB for 50,000 records); log lines
 * before or after it do not matter.
 */
function parseRunOutput(stdout) {
	const start = stdout.startsWith('{\n') ? 0 : stdout.indexOf('\n{\n') + 1;
	if (start === 0 && !stdout.startsWith('{\n')) return null;
	const close = /\n\}(?:\r?\n|$)/g;
	close.lastIndex = start;
	const m = close.exec(stdout);
	if (!m) return null;
	try {
		return JSON.parse(stdout.slice(start, m.index + 2));
	} catch {
		return null;
	}
}

/** runData[node][0] of a run: { executionTime (ms), items (count) }. */
function nodeRun(run, nodeName) {
	const task = run?.data?.resultData?.runData?.[nodeName]?.[0];
	if (!task) throw new Error(`node "${nodeName}" did not run`);
	if (task.error) throw new Error(`node "${nodeName}" failed: ${task.error.message}`);
	return { executionTime: task.executionTime, items: task.data?.main?.[0]?.length ?? 0, task };
}

function removeInstance(instance) {
	if (!instance) return;
	n8nLib.removeUserFolder(instance.userFolder);
	userFolders.delete(instance.userFolder);
}

/** Removes every user folder made here and not removed yet (an interrupted run). */
function removeAllInstances() {
	for (const folder of userFolders) n8nLib.removeUserFolder(folder);
	userFolders.clear();
}

module.exports = {
	runToFile,
	parseRunOutput,
	packageBuilt,
	snapshotPackage,
	prepareInstance,
	startMain,
	executeMeasured,
	nodeRun,
	removeInstance,
	removeAllInstances,
	n8nVersion: '2.40.7',
};
