#!/usr/bin/env node
'use strict';
/**
 * Provisions a real n8n (with its own Node.js 24) in a cache folder outside the checkout, one
 * folder per n8n version, following docs "real-n8n" recipe:
 *   1. `npm install node@24` in <cache>/node24  -> node_modules/node/node_modules/node-<platform>-<arch>/
 *   2. `npm install n8n@<version> --ignore-scripts` in <cache>/n8n with Node.js 24 first on PATH
 *      and npm_config_nodedir = that Node.js folder (1.x: with the `xlsx` override, see below)
 *   3. `npm rebuild sqlite3 isolated-vm`
 *   4. smoke test `n8n --version`, then write the marker file.
 *
 * Idempotent: a run that finds the marker (and the binaries it names) returns once `n8n --version`
 * answers (0.1-6 s here, depending on the load).
 * Concurrent runs (two jest workers, two terminals) serialise on a lock folder per cache folder,
 * so two different versions provision side by side and one version is never installed twice at once.
 *
 * CLI:     node scripts/provision-n8n.js [--version <v>] [--matrix] [--node-only] [--force] [--quiet] [--print]
 *          --matrix: every version of scripts/n8n-versions.json "matrix", one after another
 *          --node-only: step 1 alone (Node.js 24 in the version's cache folder)
 * Library: const { ensureN8n } = require('./scripts/provision-n8n');
 *          const { nodeBin, n8nBin, cacheDir, nodeDir, version } = await ensureN8n({ version });
 *          // run n8n as: spawn(nodeBin, [n8nBin, 'start'], ...)
 * Env:     SAGE_ERP_N8N_VERSION     the version when none is given (default: "default" of n8n-versions.json)
 *          SAGE_ERP_N8N_CACHE_ROOT  parent of the per-version folders (default ~/.cache/n8n-nodes-sage-erp)
 *          SAGE_ERP_N8N_CACHE       one exact cache folder (it holds one version; another version is refused)
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const { pidAlive } = require('./lib/processes');

const VERSIONS_FILE = path.join(__dirname, 'n8n-versions.json');
const VERSIONS = readVersionsFile();
const N8N_VERSION = VERSIONS.default;
const NODE_RANGE = '24';
const MARKER = '.provisioned.json';
const LOCK = '.provision.lock';
const MIN_FREE_BYTES = 3 * 1024 ** 3;

/**
 * What the progress lines promise, measured on a 2-core machine of this project (2026-12-01)
 * with other work on it. Node.js 6-7 s. npm install of n8n: 2.40.7 4m00s with a cold npm cache,
 * 2.41.1 2m41s and 1.123.81 1m53s once that cache held most packages. npm rebuild (sqlite3
 * compiles) 71-87 s. Whole first run 3m11s (1.123.81) to 5m33s (2.40.7, cold).
 * On 2026-12-07, with five people's work on the same 2 cores (load average 13-27), 2.40.7 took
 * 12m33s with a warm npm cache and 16m21s with a cold one: the estimates hold for a quiet machine.
 */
const ESTIMATES = {
	node: '~10 s',
	n8n: { 1: '~2-3 min', 2: '~3.5 min' },
	rebuild: '~1.5 min',
	total: '~3-5 min on 2 cores (more when they are busy), 2-3 GB',
};

/** scripts/n8n-versions.json: the default version and the matrix, so nothing has to search the registry. */
function readVersionsFile() {
	try {
		return JSON.parse(fs.readFileSync(VERSIONS_FILE, 'utf8'));
	} catch {
		// Without the file (a partial copy of the scripts) the default stays the one this package was built on.
		return { default: '2.40.7', matrix: [] };
	}
}

class ProvisionError extends Error {}

/** The version asked for: the argument, else $SAGE_ERP_N8N_VERSION, else the default. */
function resolveVersion(version) {
	const v = String(version || process.env.SAGE_ERP_N8N_VERSION || N8N_VERSION).trim();
	if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(v)) {
		throw new ProvisionError(
			`"${v}" is not an exact n8n version (e.g. 2.40.7): ranges and tags are refused so that a cache holds one known version`,
		);
	}
	return v;
}

const majorOf = (version) => Number(version.split('.')[0]);

function defaultCacheDir(version) {
	const v = resolveVersion(version);
	if (process.env.SAGE_ERP_N8N_CACHE) return path.resolve(process.env.SAGE_ERP_N8N_CACHE);
	const root =
		process.env.SAGE_ERP_N8N_CACHE_ROOT ||
		path.join(
			process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'),
			'n8n-nodes-sage-erp',
		);
	return path.join(path.resolve(root), `n8n-${v}`);
}

/** Paths inside a cache folder; nothing is checked. */
function layout(cacheDir = defaultCacheDir()) {
	const platformPackage = `node-${process.platform}-${process.arch}`;
	const nodeDir = path.join(
		cacheDir,
		'node24',
		'node_modules',
		'node',
		'node_modules',
		platformPackage,
	);
	const n8nPrefix = path.join(cacheDir, 'n8n');
	return {
		cacheDir,
		nodeDir,
		nodeBin: path.join(nodeDir, 'bin', 'node'),
		n8nPrefix,
		n8nBin: path.join(n8nPrefix, 'node_modules', 'n8n', 'bin', 'n8n'),
		marker: path.join(cacheDir, MARKER),
		lock: path.join(cacheDir, LOCK),
	};
}

function readMarkerFile(paths) {
	try {
		return JSON.parse(fs.readFileSync(paths.marker, 'utf8'));
	} catch {
		return null;
	}
}

function readMarker(paths, version) {
	const marker = readMarkerFile(paths);
	if (!marker || marker.n8nVersion !== version) return null;
	if (!fs.existsSync(paths.nodeBin) || !fs.existsSync(paths.n8nBin)) return null;
	return marker;
}

/**
 * A folder named by SAGE_ERP_N8N_CACHE may hold another version: installing over it would
 * destroy a cache someone else relies on, so it is refused instead.
 */
function refuseOtherVersion(paths, version) {
	const marker = readMarkerFile(paths);
	if (
		marker &&
		marker.n8nVersion &&
		marker.n8nVersion !== version &&
		process.env.SAGE_ERP_N8N_CACHE
	) {
		throw new ProvisionError(
			`${paths.cacheDir} (SAGE_ERP_N8N_CACHE) holds n8n ${marker.n8nVersion}, not ${version}: ` +
				'unset SAGE_ERP_N8N_CACHE (every version gets its own folder) or point it at another folder',
		);
	}
}

/** The provisioned paths when the cache is complete, else null. Synchronous, cheap. */
function provisionedN8n(cacheDir, version) {
	const v = resolveVersion(version);
	const dir = cacheDir || defaultCacheDir(v);
	const paths = layout(dir);
	return readMarker(paths, v)
		? {
				nodeBin: paths.nodeBin,
				n8nBin: paths.n8nBin,
				cacheDir: dir,
				nodeDir: paths.nodeDir,
				version: v,
			}
		: null;
}

function makeLogger(quiet, label = 'provision-n8n') {
	const started = Date.now();
	const stamp = () => `${((Date.now() - started) / 1000).toFixed(1)}s`.padStart(7);
	return {
		started,
		line: (msg) => {
			if (!quiet) process.stderr.write(`[${label} ${stamp()}] ${msg}\n`);
		},
	};
}

function fmt(ms) {
	const s = Math.round(ms / 1000);
	return s >= 60
		? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
		: `${(ms / 1000).toFixed(1)}s`;
}

function which(cmd, envPath = process.env.PATH) {
	for (const dir of (envPath || '').split(path.delimiter)) {
		if (!dir) continue;
		const candidate = path.join(dir, cmd);
		try {
			fs.accessSync(candidate, fs.constants.X_OK);
			return candidate;
		} catch {
			/* next */
		}
	}
	return null;
}

function checkPrerequisites(paths) {
	const missing = [];
	if (!which('npm')) missing.push('npm (comes with Node.js; put it on PATH)');
	// sqlite3 compiles from source against Node.js 24 (node-gyp): it needs python3, make and a C++ compiler.
	if (!which('python3')) missing.push('python3 (Debian: apt-get install -y python3)');
	if (!which('make')) missing.push('make (Debian: apt-get install -y build-essential)');
	if (!which('g++') && !which('c++'))
		missing.push('g++ (Debian: apt-get install -y build-essential)');
	if (missing.length) {
		throw new ProvisionError(
			`cannot provision n8n, missing on this machine:\n  - ${missing.join('\n  - ')}`,
		);
	}
	if (process.platform !== 'linux' && process.platform !== 'darwin') {
		throw new ProvisionError(`unsupported platform ${process.platform}: the recipe is for Linux`);
	}
	fs.mkdirSync(paths.cacheDir, { recursive: true });
	if (typeof fs.statfsSync === 'function') {
		const st = fs.statfsSync(paths.cacheDir);
		const free = st.bavail * st.bsize;
		if (free < MIN_FREE_BYTES) {
			throw new ProvisionError(
				`not enough disk space in ${paths.cacheDir}: ${(free / 1024 ** 3).toFixed(1)} GB free, ~3 GB needed ` +
					'(set SAGE_ERP_N8N_CACHE_ROOT to a folder on a bigger disk)',
			);
		}
	}
}

/** Runs a command; streams nothing but keeps the tail of its output (on the error too, for explainInstallFailure). */
function run(log, label, cmd, args, opts) {
	return new Promise((resolve, reject) => {
		const t0 = Date.now();
		const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
		let tail = '';
		const keep = (chunk) => {
			tail = (tail + chunk.toString()).slice(-6000);
			if (process.env.SAGE_ERP_PROVISION_VERBOSE) process.stderr.write(chunk);
		};
		child.stdout.on('data', keep);
		child.stderr.on('data', keep);
		const heartbeat = setInterval(
			() => log.line(`  ... ${label}: still running (${fmt(Date.now() - t0)})`),
			30000,
		);
		child.on('error', (err) => {
			clearInterval(heartbeat);
			reject(new ProvisionError(`${label}: cannot run ${cmd}: ${err.message}`));
		});
		child.on('close', (code, signal) => {
			clearInterval(heartbeat);
			if (code === 0) return resolve(tail);
			const err = new ProvisionError(
				`${label} failed (${signal ? `signal ${signal}` : `exit code ${code}`}): ${cmd} ${args.join(' ')}\n` +
					`--- last output ---\n${tail.trim()}\n-------------------`,
			);
			err.output = tail;
			reject(err);
		});
	});
}

/**
 * What npm's output says about a version that does not install here, in one sentence, or null.
 * ETARGET: a pinned dependency version is missing; E404: a whole package is missing; a network
 * error: a dependency names a tarball outside the registry (1.x's xlsx on the sheetjs CDN).
 * `subject` names what was installed (scripts/test-engine-next.js: n8n-core and n8n-workflow).
 */
function explainInstallFailure(version, output = '', subject = `n8n ${version}`) {
	const lines = output.split('\n').map((l) => l.replace(/^npm (error|ERR!) ?/, ''));
	const text = lines.join('\n');
	const notarget = text.match(/No matching version found for (\S+?)\.?\s*$/m);
	if (notarget) return `${subject} cannot be installed here: ${notarget[1]} is not in the registry`;
	const notInRegistry = text.match(/'([^']+)' is not in this registry/);
	if (notInRegistry)
		return `${subject} cannot be installed here: ${notInRegistry[1]} is not in the registry`;
	const notFound = text.match(/404 Not Found - GET (\S+)/);
	if (notFound) {
		const name = decodeURIComponent(notFound[1].replace(/^https?:\/\/[^/]+\//, '')).replace(
			/\/-\/.*$/,
			'',
		);
		return `${subject} cannot be installed here: ${name} is not in the registry`;
	}
	const network = text.match(/request to (https?:\/\/([^/\s]+)\S*) failed, reason: ([^\n]+)/);
	if (network)
		return `${subject} cannot be installed here: a dependency is downloaded from ${network[1]}, and ${network[2]} cannot be reached (${network[3].trim()})`;
	return null;
}

function sleep(ms) {
	return new Promise((r) => setTimeout(r, ms));
}

/** mkdir-based lock, so two processes never install into the same folder at once. */
async function acquireLock(paths, log) {
	let announced = 0;
	for (;;) {
		try {
			fs.mkdirSync(paths.lock);
			fs.writeFileSync(path.join(paths.lock, 'pid'), String(process.pid));
			return () => fs.rmSync(paths.lock, { recursive: true, force: true });
		} catch (err) {
			if (err.code !== 'EEXIST') throw err;
			let owner = NaN;
			try {
				owner = Number(fs.readFileSync(path.join(paths.lock, 'pid'), 'utf8'));
			} catch {
				/* being written */
			}
			const stat = fs.statSync(paths.lock, { throwIfNoEntry: false });
			const age = stat ? Date.now() - stat.mtimeMs : 0;
			if ((owner && !pidAlive(owner)) || (!owner && age > 10000)) {
				log.line(`removing a stale lock left by process ${owner || '?'}`);
				fs.rmSync(paths.lock, { recursive: true, force: true });
				continue;
			}
			if (!announced || Date.now() - announced > 30000) {
				log.line(
					`another process (pid ${owner || '?'}) is provisioning ${paths.cacheDir}; waiting for it`,
				);
				announced = Date.now();
			}
			await sleep(1000);
		}
	}
}

/** The environment for Node.js 24 and its npm work: that Node.js first on PATH, native modules built against it. */
function envWithNode24(nodeDir) {
	return {
		...process.env,
		PATH: `${path.join(nodeDir, 'bin')}${path.delimiter}${process.env.PATH}`,
		npm_config_nodedir: nodeDir,
	};
}

/**
 * Runs npm with install scripts explicitly on or off. A script that `npm run` starts (npm start,
 * npm test, npm run provision-n8n ...) inherits its npm's configuration as npm_config_* variables,
 * this project's ignore-scripts=true (.npmrc) among them, and a child npm takes them as its own:
 * `npm install node@24` then skipped the script that puts Node's binary in place, and `npm rebuild`
 * built nothing. The command line outranks the environment and every .npmrc (a user's own
 * ignore-scripts=true too), and the variable reaches the npm that an install script may start.
 */
function runNpm(log, label, args, { cwd, env = process.env, scripts }) {
	if (typeof scripts !== 'boolean') throw new TypeError('runNpm: say whether install scripts run');
	const flags = [`--ignore-scripts=${!scripts}`, '--no-audit', '--no-fund', '--no-update-notifier'];
	return run(log, label, 'npm', [...args, ...flags], {
		cwd,
		env: { ...env, npm_config_ignore_scripts: String(!scripts) },
	});
}

const STEPS = 4;
const stepDone = (paths, name) => path.join(paths.cacheDir, `.step-${name}`);

/** Step 1: Node.js 24 from the npm registry; resolves to its `--version`. */
async function installNode(paths, log) {
	const t = Date.now();
	if (fs.existsSync(stepDone(paths, 'node')) && fs.existsSync(paths.nodeBin)) {
		log.line(`[1/${STEPS}] Node.js ${NODE_RANGE}: already in ${path.dirname(paths.nodeDir)}`);
	} else {
		log.line(
			`[1/${STEPS}] installing Node.js ${NODE_RANGE} (npm install node@${NODE_RANGE}; ${ESTIMATES.node})`,
		);
		const dir = path.join(paths.cacheDir, 'node24');
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(
			path.join(dir, 'package.json'),
			JSON.stringify({ name: 'sage-erp-node24', private: true }, null, 2),
		);
		// The `node` package puts the binary in place from its preinstall script.
		await runNpm(
			log,
			`npm install node@${NODE_RANGE}`,
			['install', '--no-save', '--no-package-lock', `node@${NODE_RANGE}`],
			{ cwd: dir, scripts: true },
		);
		if (!fs.existsSync(paths.nodeBin)) {
			throw new ProvisionError(
				`npm install node@${NODE_RANGE} finished but ${paths.nodeBin} is missing ` +
					`(no node-${process.platform}-${process.arch} package for this machine?)`,
			);
		}
		fs.writeFileSync(stepDone(paths, 'node'), new Date().toISOString());
		log.line(`[1/${STEPS}] Node.js ready in ${fmt(Date.now() - t)}`);
	}
	const nodeVersion = spawnSync(paths.nodeBin, ['--version'], { encoding: 'utf8' }).stdout.trim();
	if (!/^v2[4-9]\./.test(nodeVersion))
		throw new ProvisionError(`${paths.nodeBin} reports ${nodeVersion || 'nothing'}, expected v24`);
	return nodeVersion;
}

/**
 * The install folder's package.json. 1.x depends on an `xlsx` that names a tarball on the sheetjs
 * CDN, which machines without internet do not reach; the registry's 0.18.5 replaces it (docs/real-n8n).
 */
function installManifest(version) {
	const manifest = { name: 'sage-erp-n8n', private: true, dependencies: { n8n: version } };
	if (majorOf(version) < 2) manifest.overrides = { xlsx: '0.18.5' };
	return manifest;
}

/** Step 2: n8n itself, without install scripts (a Kafka module's script downloads from the internet). */
async function installN8nPackage(paths, log, version, nodeVersion, env) {
	const t = Date.now();
	if (fs.existsSync(stepDone(paths, 'n8n')) && fs.existsSync(paths.n8nBin)) {
		log.line(`[2/${STEPS}] n8n@${version}: already in ${paths.n8nPrefix}`);
		return;
	}
	const manifest = installManifest(version);
	const overrides = manifest.overrides
		? ` with overrides ${JSON.stringify(manifest.overrides)}`
		: '';
	const estimate = ESTIMATES.n8n[majorOf(version)] || ESTIMATES.n8n[2];
	log.line(
		`[2/${STEPS}] installing n8n@${version}${overrides} with Node.js ${nodeVersion} (npm install --ignore-scripts; ${estimate})`,
	);
	fs.rmSync(paths.n8nPrefix, { recursive: true, force: true });
	fs.rmSync(stepDone(paths, 'rebuild'), { force: true });
	fs.mkdirSync(paths.n8nPrefix, { recursive: true });
	fs.writeFileSync(path.join(paths.n8nPrefix, 'package.json'), JSON.stringify(manifest, null, 2));
	try {
		await runNpm(log, `npm install n8n@${version}`, ['install'], {
			cwd: paths.n8nPrefix,
			env,
			scripts: false,
		});
	} catch (err) {
		const why = explainInstallFailure(version, err.output);
		if (!why) throw err;
		// A half-installed folder is useless; the sentence says everything the tail said.
		fs.rmSync(paths.n8nPrefix, { recursive: true, force: true });
		const refused = new ProvisionError(why);
		refused.refused = true;
		throw refused;
	}
	if (!fs.existsSync(paths.n8nBin))
		throw new ProvisionError(`npm install finished but ${paths.n8nBin} is missing`);
	fs.writeFileSync(stepDone(paths, 'n8n'), new Date().toISOString());
	log.line(`[2/${STEPS}] n8n installed in ${fmt(Date.now() - t)}`);
}

/** Step 3: native modules for Node.js 24: sqlite3 compiles, isolated-vm has prebuilt binaries. */
async function rebuildNative(paths, log, nodeVersion, env) {
	const t = Date.now();
	if (fs.existsSync(stepDone(paths, 'rebuild'))) {
		log.line(`[3/${STEPS}] sqlite3 and isolated-vm: already built`);
		return;
	}
	log.line(
		`[3/${STEPS}] building sqlite3 and isolated-vm for Node.js ${nodeVersion} (npm rebuild; ${ESTIMATES.rebuild})`,
	);
	// The build is the packages' install scripts: they must run.
	await runNpm(log, 'npm rebuild sqlite3 isolated-vm', ['rebuild', 'sqlite3', 'isolated-vm'], {
		cwd: paths.n8nPrefix,
		env,
		scripts: true,
	});
	fs.writeFileSync(stepDone(paths, 'rebuild'), new Date().toISOString());
	log.line(`[3/${STEPS}] native modules built in ${fmt(Date.now() - t)}`);
}

/** Step 4: `n8n --version` prints the version asked for, and the native modules load in Node.js 24. */
async function smokeTest(paths, log, version, env) {
	const t = Date.now();
	log.line(`[4/${STEPS}] smoke test: n8n --version, native modules load`);
	const smokeHome = fs.mkdtempSync(path.join(os.tmpdir(), 'sage-erp-n8n-smoke-'));
	let out;
	try {
		out = await run(log, 'n8n --version', paths.nodeBin, [paths.n8nBin, '--version'], {
			cwd: paths.n8nPrefix,
			env: { ...env, N8N_USER_FOLDER: smokeHome, N8N_DIAGNOSTICS_ENABLED: 'false' },
		});
	} finally {
		fs.rmSync(smokeHome, { recursive: true, force: true });
	}
	const reported = (out.match(/\b\d+\.\d+\.\d+\b/g) || []).pop();
	if (reported !== version)
		throw new ProvisionError(
			`n8n --version printed ${JSON.stringify(out.trim())}, expected ${version}`,
		);
	// A failed rebuild shows only when n8n opens its database: load them now.
	await run(
		log,
		'loading sqlite3 and isolated-vm',
		paths.nodeBin,
		['-e', "require('sqlite3'); require('isolated-vm');"],
		{
			cwd: path.join(paths.n8nPrefix, 'node_modules', 'n8n'),
			env,
		},
	);
	log.line(`[4/${STEPS}] n8n ${reported} runs (${fmt(Date.now() - t)})`);
}

async function install(paths, log, version) {
	const nodeVersion = await installNode(paths, log);
	const env = envWithNode24(paths.nodeDir);
	await installN8nPackage(paths, log, version, nodeVersion, env);
	await rebuildNative(paths, log, nodeVersion, env);
	await smokeTest(paths, log, version, env);
	// The marker exists only for a cache that works.
	const marker = {
		n8nVersion: version,
		nodeVersion,
		nodeBin: paths.nodeBin,
		n8nBin: paths.n8nBin,
		installedAt: new Date().toISOString(),
		installSeconds: Math.round((Date.now() - log.started) / 1000),
	};
	fs.writeFileSync(paths.marker, JSON.stringify(marker, null, 2));
	return marker;
}

/** `n8n --version` of a provisioned cache: milliseconds, and catches a cache broken since its marker. */
function quickSmoke(paths, version) {
	const res = spawnSync(paths.nodeBin, [paths.n8nBin, '--version'], {
		encoding: 'utf8',
		timeout: 30000,
	});
	return res.status === 0 && res.stdout.trim().endsWith(version);
}

/**
 * Node.js 24 alone (step 1) in the cache folder of n8n `version`: all that test:engine-next needs,
 * and what `--node-only` provisions (the fresh-machine test of `npm test`).
 * options: { version, cacheDir, quiet }; resolves to { nodeBin, nodeDir, nodeVersion }.
 */
async function ensureNode24(options = {}) {
	const version = resolveVersion(options.version);
	const cacheDir = options.cacheDir ? path.resolve(options.cacheDir) : defaultCacheDir(version);
	const paths = layout(cacheDir);
	const log = makeLogger(options.quiet);
	checkPrerequisites(paths);
	const release = await acquireLock(paths, log);
	try {
		const nodeVersion = await installNode(paths, log);
		return { nodeBin: paths.nodeBin, nodeDir: paths.nodeDir, nodeVersion };
	} finally {
		release();
	}
}

/**
 * Makes sure n8n `version` is installed in its cache; resolves to { nodeBin, n8nBin, cacheDir, nodeDir, version }.
 * options: { version, cacheDir, force, quiet }
 */
async function ensureN8n(options = {}) {
	const version = resolveVersion(options.version);
	const cacheDir = options.cacheDir ? path.resolve(options.cacheDir) : defaultCacheDir(version);
	const paths = layout(cacheDir);
	const log = makeLogger(options.quiet);
	const result = () => ({
		nodeBin: paths.nodeBin,
		n8nBin: paths.n8nBin,
		cacheDir,
		nodeDir: paths.nodeDir,
		version,
	});

	if (!options.force && readMarker(paths, version)) {
		if (quickSmoke(paths, version)) {
			log.line(`n8n ${version} already provisioned in ${cacheDir}`);
			return result();
		}
		log.line(`the n8n in ${cacheDir} does not run any more: installing it again`);
		options = { ...options, force: true };
	}
	refuseOtherVersion(paths, version);
	checkPrerequisites(paths);
	const release = await acquireLock(paths, log);
	try {
		if (!options.force && readMarker(paths, version)) {
			log.line(`n8n ${version} was provisioned by another process in ${cacheDir}`);
			return result();
		}
		if (options.force) {
			for (const f of fs.readdirSync(cacheDir))
				if (f.startsWith('.step-') || f === MARKER) fs.rmSync(path.join(cacheDir, f));
		}
		log.line(`provisioning n8n ${version} in ${cacheDir} (first run: ${ESTIMATES.total})`);
		await install(paths, log, version);
		log.line(`done in ${fmt(Date.now() - log.started)}: ${paths.nodeBin} ${paths.n8nBin}`);
		return result();
	} finally {
		release();
	}
}

module.exports = {
	ensureN8n,
	ensureNode24,
	envWithNode24,
	runNpm,
	provisionedN8n,
	defaultCacheDir,
	layout,
	resolveVersion,
	explainInstallFailure,
	installManifest,
	run,
	makeLogger,
	fmt,
	N8N_VERSION,
	VERSIONS,
	VERSIONS_FILE,
	ProvisionError,
};

const USAGE =
	'usage: node scripts/provision-n8n.js [--version <v>] [--matrix] [--node-only] [--force] [--quiet] [--print]\n';

function parseCli(argv) {
	const opts = { versions: [], force: false, quiet: false, print: false, nodeOnly: false };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--force') opts.force = true;
		else if (a === '--quiet') opts.quiet = true;
		else if (a === '--print') opts.print = true;
		else if (a === '--node-only') opts.nodeOnly = true;
		else if (a === '--matrix') opts.versions.push(...VERSIONS.matrix);
		else if (a === '--version' && argv[i + 1]) opts.versions.push(argv[++i]);
		else if (a.startsWith('--version=')) opts.versions.push(a.slice('--version='.length));
		else if (a === '-h' || a === '--help') opts.help = true;
		else opts.unknown = a;
	}
	return opts;
}

async function main() {
	const opts = parseCli(process.argv.slice(2));
	if (opts.help || opts.unknown) {
		if (opts.unknown) process.stderr.write(`unknown argument ${opts.unknown}\n`);
		process.stderr.write(USAGE);
		process.exit(opts.unknown ? 2 : 0);
	}
	const versions = opts.versions.length ? opts.versions : [undefined];
	for (const version of versions) {
		const res = opts.nodeOnly
			? await ensureNode24({ version, quiet: opts.quiet })
			: await ensureN8n({ version, force: opts.force, quiet: opts.quiet });
		if (opts.print) process.stdout.write(`${JSON.stringify(res)}\n`);
	}
}

if (require.main === module) {
	main().catch((err) => {
		process.stderr.write(
			`\n[provision-n8n] FAILED: ${err instanceof ProvisionError ? err.message : err.stack}\n`,
		);
		process.exit(1);
	});
}
