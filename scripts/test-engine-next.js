#!/usr/bin/env node
'use strict';
/**
 * `npm run test:engine-next`: the in-process engine suites (test/node, test/trigger,
 * test/credential, test/reliability, test/engine-harness.test.ts) on the newest n8n-workflow /
 * n8n-core that install from the registry, pinned in test/engine-next/package.json (+ lockfile).
 * `npm test` runs the same suites on 2.11.1 under the machine's Node.js 20.
 *
 * Those versions need Node.js 22+ (n8n-workflow depends on isolated-vm from 2.13 on), so jest runs
 * under the Node.js 24 that scripts/provision-n8n.js keeps in its cache (step 1 of the
 * provisioning, done first when it is missing). The folder's dependencies are installed the way
 * the provisioning installs n8n: Node.js 24 first on PATH, npm_config_nodedir set to it, no
 * install scripts; then isolated-vm must load (it ships prebuilt binaries; `npm rebuild
 * isolated-vm` when it does not). A marker in node_modules records what was installed, so a
 * second run installs nothing.
 *
 * Usage: node scripts/test-engine-next.js [jest arguments...]   (the package must be built)
 */
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { spawn } = require('child_process');
const provision = require('./provision-n8n');

const ROOT = path.resolve(__dirname, '..');
const FOLDER = path.join(ROOT, 'test', 'engine-next');
const MODULES = path.join(FOLDER, 'node_modules');
const MARKER = path.join(MODULES, '.engine-next.json');
const JEST = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const log = provision.makeLogger(false, 'test:engine-next');

/** The versions the folder pins, for messages: "n8n-core 2.41.1, n8n-workflow 2.41.0". */
function pinned() {
	const { dependencies } = JSON.parse(fs.readFileSync(path.join(FOLDER, 'package.json'), 'utf8'));
	return Object.entries(dependencies)
		.filter(([name]) => name.startsWith('n8n-'))
		.map(([name, version]) => `${name} ${version}`)
		.join(', ');
}

/** What the marker must say for the installed folder to be reused: the lockfile and the Node.js. */
function wanted(nodeVersion) {
	const lock = fs.readFileSync(path.join(FOLDER, 'package-lock.json'));
	return { lock: crypto.createHash('sha256').update(lock).digest('hex'), node: nodeVersion };
}

function installed(want) {
	try {
		const marker = JSON.parse(fs.readFileSync(MARKER, 'utf8'));
		return marker.lock === want.lock && marker.node === want.node;
	} catch {
		return false;
	}
}

/** `npm ci` of the folder; a version the registry lacks becomes one plain sentence. */
async function npmCi(env) {
	log.line(
		`installing ${pinned()} into test/engine-next with Node.js 24 (npm ci --ignore-scripts; ~1 min)`,
	);
	try {
		await provision.runNpm(log, 'npm ci (test/engine-next)', ['ci'], {
			cwd: FOLDER,
			env,
			scripts: false,
		});
	} catch (err) {
		const why = provision.explainInstallFailure(undefined, err.output, pinned());
		fs.rmSync(MODULES, { recursive: true, force: true });
		throw new provision.ProvisionError(
			why ? `${why}; the in-process engine suites cannot run on them` : err.message,
		);
	}
}

/** isolated-vm loads under Node.js 24 (prebuilt binary), else it is built once. */
async function checkNative(nodeBin, env) {
	const load = ['-e', "require('isolated-vm'); require('n8n-core');"];
	try {
		await provision.run(log, 'loading isolated-vm and n8n-core', nodeBin, load, {
			cwd: FOLDER,
			env,
		});
	} catch {
		log.line('isolated-vm has no binary for this Node.js: npm rebuild isolated-vm');
		// The build is isolated-vm's install script: it must run.
		await provision.runNpm(log, 'npm rebuild isolated-vm', ['rebuild', 'isolated-vm'], {
			cwd: FOLDER,
			env,
			scripts: true,
		});
		await provision.run(log, 'loading isolated-vm and n8n-core', nodeBin, load, {
			cwd: FOLDER,
			env,
		});
	}
}

async function ensureInstalled(nodeBin, nodeVersion, env) {
	const want = wanted(nodeVersion);
	if (installed(want)) {
		log.line(`${pinned()} already installed in test/engine-next`);
		return;
	}
	const started = Date.now();
	await npmCi(env);
	await checkNative(nodeBin, env);
	fs.writeFileSync(
		MARKER,
		JSON.stringify({ ...want, installedAt: new Date().toISOString() }, null, 2),
	);
	log.line(`installed in ${provision.fmt(Date.now() - started)}`);
}

function runJest(nodeBin, env, args) {
	const jestArgs = [JEST, '-c', path.join(FOLDER, 'jest.config.js'), '--maxWorkers=2', ...args];
	// n8n-workflow starts its isolated-vm expression engine with a dynamic import(), which jest
	// (workers included, hence NODE_OPTIONS) allows only with VM modules on.
	const nodeOptions = [
		env.NODE_OPTIONS,
		'--experimental-vm-modules',
		'--disable-warning=ExperimentalWarning',
	]
		.filter(Boolean)
		.join(' ');
	return new Promise((resolve) => {
		const child = spawn(nodeBin, jestArgs, {
			cwd: ROOT,
			env: { ...env, NODE_OPTIONS: nodeOptions },
			stdio: 'inherit',
		});
		child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
	});
}

async function main() {
	// Node.js 24 alone from the provisioning's cache (n8n itself is not needed here).
	const { nodeBin, nodeDir, nodeVersion } = await provision.ensureNode24();
	const env = provision.envWithNode24(nodeDir);
	await ensureInstalled(nodeBin, nodeVersion, env);
	log.line(`jest on ${pinned()}, Node.js ${nodeVersion}`);
	const code = await runJest(nodeBin, env, process.argv.slice(2));
	log.line(code === 0 ? `passed on ${pinned()}` : `FAILED on ${pinned()} (jest exit code ${code})`);
	process.exit(code);
}

main().catch((err) => {
	process.stderr.write(
		`\n[test:engine-next] FAILED: ${err instanceof provision.ProvisionError ? err.message : err.stack}\n`,
	);
	process.exit(1);
});
